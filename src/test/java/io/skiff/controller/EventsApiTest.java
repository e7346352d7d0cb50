package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.app;
import static io.skiff.controller.ApiAsserts.assertForbidden;
import static io.skiff.controller.ApiAsserts.unique;
import static io.skiff.controller.ApiAsserts.user;
import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.controller.ApiAsserts.Who;
import io.skiff.testkit.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /v1/admin/events: the audit log read from the platform event stream's projection. */
class EventsApiTest extends ApiTestBase {
  private static final String SECRET = "hunter2-never-in-the-stream";

  private static List<String> kinds(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("results").forEach(r -> out.add(r.get("kind").asText()));
    return out;
  }

  private static JsonNode find(JsonNode page, String kind) {
    for (JsonNode r : page.get("results")) if (r.get("kind").asText().equals(kind)) return r;
    throw new AssertionError("no " + kind + " in " + page);
  }

  @Test
  void anAppsChangesInOrderWithoutSecrets() {
    Who owner = user(api, "owner");
    Who friend = user(api, "friend");
    String id = app(owner.api(), null);
    String base = "/v1/apps/" + id;
    assertEquals(201, owner.api().post(base + "/builds", Map.of("image", "example/hello", "procfile", Map.of("web", "run"))).status());
    assertEquals(201, owner.api().post(base + "/config", Map.of("values", Map.of("GREETING", SECRET))).status());
    assertEquals(204, owner.api().post(base + "/scale", Map.of("web", 2)).status());
    String domain = unique("www") + ".example.com";
    assertEquals(201, owner.api().post(base + "/domains", Map.of("domain", domain)).status());
    assertEquals(201, owner.api().post(base + "/perms", Map.of("username", friend.name())).status());

    List<String> expected = List.of("app.created", "release.created", "build.created", "release.created",
        "config.changed", "app.scaled", "domain.added", "perm.added");
    JsonNode page = eventually(Duration.ofSeconds(20), () -> {
      ApiClient.Response r = admin.api().get("/v1/admin/events?app=" + id);
      assertEquals(200, r.status(), r::toString);
      List<String> oldestFirst = new ArrayList<>(kinds(r.json()));
      Collections.reverse(oldestFirst);
      assertTrue(isSubsequence(expected, oldestFirst), "expected " + expected + " in order, got " + oldestFirst);
      return r.json();
    });
    String json = page.toString();
    assertFalse(json.contains(SECRET), "a config value reached the audit log: " + json);

    JsonNode config = find(page, "config.changed");
    assertEquals(id, config.get("app").asText());
    assertEquals(owner.name(), config.get("user").asText());
    assertEquals(3, config.get("version").asInt());
    assertTrue(config.get("detail").toString().contains("GREETING"), config::toString);
    assertTrue(find(page, "app.scaled").get("detail").get("structure").asText().contains("web=2"), page::toString);
    assertEquals(domain, find(page, "domain.added").get("detail").get("domain").asText());
    assertEquals(owner.name(), find(page, "domain.added").get("user").asText());
    assertEquals(friend.name(), find(page, "perm.added").get("detail").get("username").asText());
    for (JsonNode r : page.get("results")) {
      for (String field : List.of("seq", "kind", "app", "user", "version", "detail", "created")) {
        assertTrue(r.has(field), field + " missing in " + r);
      }
    }
    long count = page.get("count").asLong();
    assertEquals(count, page.get("results").size());
    assertNull(page.get("next").textValue());
    assertNull(page.get("previous").textValue());
  }

  @Test
  void pagedNewestFirstAndStableWhileEventsArrive() {
    Who owner = user(api, "pager");
    String id = app(owner.api(), null);
    for (int i = 0; i < 4; i++) {
      assertEquals(201, owner.api().post("/v1/apps/" + id + "/domains", Map.of("domain", "d" + i + "." + id + ".example.com")).status());
    }
    // app.created, release.created (v1), 4 × domain.added
    JsonNode first = eventually(Duration.ofSeconds(20), () -> {
      JsonNode p = admin.api().get("/v1/admin/events?app=" + id + "&page_size=2").json();
      assertEquals(6, p.get("count").asLong(), p::toString);
      return p;
    });
    assertEquals(List.of("domain.added", "domain.added"), kinds(first));
    assertEquals("d3." + id + ".example.com", first.get("results").get(0).get("detail").get("domain").asText());
    String next = first.get("next").asText();
    assertTrue(next.contains("app=" + id) && next.contains("upto=") && next.contains("page=2"), next);

    // A new event does not shift the pages of a listing already under way.
    assertEquals(201, owner.api().post("/v1/apps/" + id + "/domains", Map.of("domain", "late." + id + ".example.com")).status());
    eventually(Duration.ofSeconds(20), () -> {
      assertEquals(7, admin.api().get("/v1/admin/events?app=" + id).json().get("count").asLong());
      return null;
    });
    JsonNode second = admin.api().get(next.substring(next.indexOf("/v1/"))).json();
    assertEquals(6, second.get("count").asLong(), second::toString);
    assertEquals("d1." + id + ".example.com", second.get("results").get(0).get("detail").get("domain").asText());
    JsonNode third = admin.api().get(second.get("next").asText().substring(second.get("next").asText().indexOf("/v1/"))).json();
    assertEquals(List.of("release.created", "app.created"), kinds(third));
    assertNull(third.get("next").textValue());
    assertEquals(404, admin.api().get("/v1/admin/events?app=" + id + "&page=9").status());

    // Without app: every app's events (and the platform's), newest first.
    JsonNode all = admin.api().get("/v1/admin/events?page_size=1").json();
    assertTrue(all.get("count").asLong() >= 7, all::toString);
  }

  @Test
  void adminsOnly() {
    Who someone = user(api, "nosy");
    assertForbidden(someone.api().get("/v1/admin/events"));
    assertForbidden(someone.api().get("/v1/admin/events?app=anything"));
    assertEquals(401, api.get("/v1/admin/events").status());
  }

  @Test
  void certificatesAreRecordedPlatformWide() throws Exception {
    Who owner = user(api, "certs");
    String cn = unique("secure") + ".example.com";
    String[] cert = selfSigned(cn);
    ApiClient.Response r = owner.api().post("/v1/certs", Map.of("certificate", cert[0], "key", cert[1]));
    assertEquals(201, r.status(), r::toString);
    assertEquals(204, owner.api().delete("/v1/certs/" + cn).status());
    JsonNode page = eventually(Duration.ofSeconds(20), () -> {
      JsonNode p = admin.api().get("/v1/admin/events").json();
      List<String> oldestFirst = new ArrayList<>();
      p.get("results").forEach(e -> {
        if (cn.equals(e.get("detail").path("common_name").asText())) oldestFirst.add(0, e.get("kind").asText());
      });
      assertEquals(List.of("cert.added", "cert.removed"), oldestFirst, p::toString);
      return p;
    });
    assertFalse(page.toString().contains("PRIVATE KEY"), "a key reached the audit log");
  }

  /** {certificate PEM, key PEM} made by openssl. */
  private static String[] selfSigned(String cn) throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("skiff-events-cert");
    java.nio.file.Path key = dir.resolve("k.pem");
    java.nio.file.Path crt = dir.resolve("c.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        "-subj", "/CN=" + cn, "-keyout", key.toString(), "-out", crt.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed");
    String[] out = {java.nio.file.Files.readString(crt), java.nio.file.Files.readString(key)};
    for (String f : List.of("k.pem", "c.pem", "out")) java.nio.file.Files.deleteIfExists(dir.resolve(f));
    java.nio.file.Files.delete(dir);
    return out;
  }

  private static boolean isSubsequence(List<String> wanted, List<String> in) {
    int i = 0;
    for (String s : in) if (i < wanted.size() && wanted.get(i).equals(s)) i++;
    return i == wanted.size();
  }
}
