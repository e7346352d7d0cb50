package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-user quotas (skiff.quotas), small here: a tenant past one gets a 403 naming it, and nothing changes. */
class QuotaApiTest {
  static TestNode node;
  static ApiClient api;
  static Who admin;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start(null, Map.of("skiff.quotas.apps-per-user", 2, "skiff.quotas.domains-per-user", 2,
        "skiff.quotas.certificates-per-user", 1, "skiff.quotas.containers-per-user", 3));
    api = node.client();
    admin = user(api, "admin"); // the first user is an admin: no quotas
    warmUp(admin.api());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void assertQuota(ApiClient.Response r, String who, long limit, String what, long holds) {
    assertDetail(r, 403, "Quota exceeded: " + who + " may have at most " + limit + " " + what + " (holds " + holds + ").");
  }

  private static long ownedApps(Who u) {
    return TestDatabase.count("SELECT count(*) FROM apps WHERE owner = ? AND NOT destroyed", u.name());
  }

  @Test
  void appsPerUserCountCreatesAndTransfers() {
    Who u = user(api, "apps");
    String first = app(u.api(), null);
    app(u.api(), null);
    assertQuota(u.api().post("/v1/apps", Map.of("id", unique("third"))), u.name(), 2, "apps", 2);
    assertQuota(u.api().post("/v1/apps", Map.of()), u.name(), 2, "apps", 2);
    assertEquals(2, ownedApps(u), "nothing was created");

    Who giver = user(api, "giver");
    String gift = app(giver.api(), null);
    assertQuota(giver.api().post("/v1/apps/" + gift, Map.of("owner", u.name())), u.name(), 2, "apps", 2);
    assertEquals(giver.name(), giver.api().get("/v1/apps/" + gift).json().get("owner").asText());

    assertEquals(204, u.api().delete("/v1/apps/" + first).status());
    assertEquals(200, giver.api().post("/v1/apps/" + gift, Map.of("owner", u.name())).status());
    assertEquals(u.name(), u.api().get("/v1/apps/" + gift).json().get("owner").asText());

    for (int i = 0; i < 3; i++) app(admin.api(), null); // admins have no quota
  }

  @Test
  void domainsAndCertificatesPerUser() {
    Who u = user(api, "domains");
    String app = app(u.api(), null);
    for (int i = 0; i < 2; i++) {
      assertEquals(201, u.api().post("/v1/apps/" + app + "/domains", Map.of("domain", unique("d") + ".example.com")).status());
    }
    assertQuota(u.api().post("/v1/apps/" + app + "/domains", Map.of("domain", "over.example.com")), u.name(), 2, "domains", 2);
    assertEquals(2, u.api().get("/v1/apps/" + app + "/domains").json().get("count").asInt());

    String[] one = io.skiff.testkit.TestCertificates.selfSigned(unique("c") + ".example.com");
    String[] two = io.skiff.testkit.TestCertificates.selfSigned(unique("c") + ".example.com");
    assertEquals(201, u.api().post("/v1/certs", Map.of("certificate", one[0], "key", one[1])).status());
    assertQuota(u.api().post("/v1/certs", Map.of("certificate", two[0], "key", two[1])), u.name(), 1, "certificates", 1);
    assertEquals(1, u.api().get("/v1/certs").json().get("count").asInt());
  }

  @Test
  void containersAreChargedToTheOwnerAcrossApps() {
    Who owner = user(api, "scale");
    Who collaborator = user(api, "helper");
    String a = app(owner.api(), null);
    String b = app(owner.api(), null);
    for (String app : new String[] {a, b}) {
      assertEquals(201, owner.api().post("/v1/apps/" + app + "/builds",
          Map.of("image", "x", "procfile", Map.of("web", "run", "worker", "work"))).status());
    }
    assertEquals(201, owner.api().post("/v1/apps/" + b + "/perms", Map.of("username", collaborator.name())).status());
    // Each app starts at {"cmd": 1}: 2 of the owner's 3 containers.
    assertEquals(Map.of("cmd", 1), Map.of("cmd", owner.api().get("/v1/apps/" + b).json().get("structure").get("cmd").asInt()));
    assertEquals(204, owner.api().post("/v1/apps/" + a + "/scale", Map.of("web", 1)).status()); // a: 2, b: 1
    ApiClient.Response over = collaborator.api().post("/v1/apps/" + b + "/scale", Map.of("worker", 1)); // b: 2 → 4
    assertEquals(403, over.status(), over::toString);
    assertEquals(true, over.json().get("detail").asText().startsWith("Quota exceeded: " + owner.name() + " may have at most 3 containers"),
        over::toString);
    assertEquals(1, owner.api().get("/v1/apps/" + b).json().get("structure").size(), "nothing was scaled");
    assertEquals(204, owner.api().post("/v1/apps/" + a + "/scale", Map.of("web", 0)).status(), "scaling down always passes");
    assertEquals(204, collaborator.api().post("/v1/apps/" + b + "/scale", Map.of("worker", 1)).status()); // a: 1, b: 2
  }
}
