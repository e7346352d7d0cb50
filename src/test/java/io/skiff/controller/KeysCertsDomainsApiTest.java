package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /v1/keys, /v1/certs and /v1/apps/{id}/domains, with real keys and certificates. */
class KeysCertsDomainsApiTest extends ApiTestBase {
  @TempDir static Path tmp;

  /** Runs a command in the temp dir and returns its standard output; fails on a non-zero exit. */
  private static String exec(String... command) {
    try {
      Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), () -> String.join(" ", command) + ": " + out);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(String file) {
    try {
      return Files.readString(tmp.resolve(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh SSH key pair; returns the public key text and ssh-keygen's own MD5 fingerprint. */
  private static String[] sshKey(String type) {
    String name = unique("key-" + type);
    exec("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name + "@host", "-f", name);
    String md5 = exec("ssh-keygen", "-l", "-E", "md5", "-f", name + ".pub").split(" ")[1];
    assertTrue(md5.startsWith("MD5:"), md5);
    return new String[] {read(name + ".pub").trim(), md5.substring(4)};
  }

  /** A self-signed certificate for {@code cn}: PEM certificate, PEM key, and its notAfter. */
  private static String[] certificate(String cn) {
    return io.skiff.testkit.TestCertificates.selfSigned(cn);
  }

  private static ApiClient.Response addKey(ApiClient client, String id, String publicKey) {
    return client.post("/v1/keys", Map.of("id", id, "public", publicKey));
  }

  @Test
  void keysOfEachTypeGetTheirMd5Fingerprint() {
    Who u = user(api, "keys");
    List<String> ids = new ArrayList<>();
    for (String type : List.of("rsa", "ecdsa", "ed25519")) {
      String[] key = sshKey(type);
      String id = unique(u.name() + "@" + type);
      ApiClient.Response r = addKey(u.api(), id, key[0]);
      assertEquals(201, r.status(), r::toString);
      assertEquals(List.of("uuid", "owner", "id", "public", "fingerprint", "created", "updated"), fieldNames(r.json()));
      assertEquals(key[1], r.json().get("fingerprint").asText(), type);
      assertEquals(u.name(), r.json().get("owner").asText());
      assertEquals(key[0], r.json().get("public").asText());
      ApiClient.Response one = u.api().get("/v1/keys/" + id);
      assertEquals(200, one.status(), one::toString);
      assertEquals(r.json(), one.json());
      ids.add(id);
    }
    assertEquals(ids, texts(assertPage(u.api().get("/v1/keys"), 3), "id"));
  }

  @Test
  void badKeysAreRejectedNamingPublic() {
    Who u = user(api, "badkeys");
    String[] ed = sshKey("ed25519");
    String edBlob = ed[0].split(" ")[1];
    for (String bad : List.of("ssh-rsa foo_bar", "garbage", "ssh-rsa " + Base64.getEncoder().encodeToString("hello".getBytes()),
        "ssh-rsa " + edBlob + " mislabelled", "ssh-dss " + edBlob)) {
      assertFieldErrors(addKey(u.api(), unique("bad"), bad), "public");
    }
    assertFieldError(addKey(u.api(), unique("bad"), ""), "public", "This field may not be blank.");
    assertFieldError(u.api().post("/v1/keys", Map.of("id", "x")), "public", "This field is required.");
    assertFieldError(u.api().post("/v1/keys", Map.of("public", ed[0])), "id", "This field is required.");
    assertPage(u.api().get("/v1/keys"), 0);
  }

  @Test
  void duplicateKeysAreRejected() {
    Who u = user(api, "dupkeys");
    String[] key = sshKey("rsa");
    String id = unique("first");
    assertEquals(201, addKey(u.api(), id, key[0]).status());
    assertFieldError(addKey(u.api(), unique("again"), key[0]), "public", "This field must be unique.");
    assertFieldError(addKey(u.api(), id, sshKey("ecdsa")[0]), "id", "This field must be unique.");
    assertEquals(201, addKey(user(api, "sameid").api(), id, sshKey("ecdsa")[0]).status());
    assertFieldError(addKey(user(api, "thief").api(), unique("theirs"), key[0]), "public", "This field must be unique.");
  }

  @Test
  void keysArePrivateToTheirOwnerAndDeletable() {
    Who u = user(api, "keyowner");
    Who other = user(api, "keyother");
    String id = unique("mine");
    assertEquals(201, addKey(u.api(), id, sshKey("ed25519")[0]).status());
    assertPage(other.api().get("/v1/keys"), 0);
    assertNotFound(other.api().get("/v1/keys/" + id));
    assertNotFound(other.api().delete("/v1/keys/" + id));
    assertNotFound(admin.api().get("/v1/keys/" + id));
    assertUnauthenticated(api.get("/v1/keys"));
    assertEquals(200, u.api().get("/v1/keys/" + id).status());

    assertEmpty(u.api().delete("/v1/keys/" + id), 204);
    assertNotFound(u.api().get("/v1/keys/" + id));
    assertNotFound(u.api().delete("/v1/keys/" + id));
    assertNotFound(u.api().delete("/v1/keys/" + unique("never")));
  }

  @Test
  void certificatesAreCreatedFromPemAndPrivateToTheirOwner() {
    Who u = user(api, "certs");
    Who other = user(api, "certother");
    String cn = unique("www") + ".example.com";
    String[] cert = certificate(cn);
    ApiClient.Response r = u.api().post("/v1/certs", Map.of("certificate", cert[0], "key", cert[1]));
    assertEquals(201, r.status(), r::toString);
    assertEquals(List.of("id", "owner", "common_name", "expires", "created", "updated"), fieldNames(r.json()));
    assertEquals(cn, r.json().get("common_name").asText());
    assertEquals(cert[2], r.json().get("expires").asText());
    assertEquals(u.name(), r.json().get("owner").asText());
    assertEquals(r.json(), u.api().get("/v1/certs/" + cn).json());
    assertEquals(r.json(), u.api().get("/v1/certs/" + cn + "/").json());
    assertEquals(List.of(cn), texts(assertPage(u.api().get("/v1/certs"), 1), "common_name"));

    assertPage(other.api().get("/v1/certs"), 0);
    assertNotFound(other.api().get("/v1/certs/" + cn));
    assertNotFound(other.api().delete("/v1/certs/" + cn));
    assertNotFound(admin.api().get("/v1/certs/" + cn));
    assertFieldError(other.api().post("/v1/certs", Map.of("certificate", cert[0], "key", cert[1])),
        "common_name", "This field must be unique.");

    assertEmpty(u.api().delete("/v1/certs/" + cn), 204);
    assertNotFound(u.api().get("/v1/certs/" + cn));
  }

  @Test
  void certificateValidation() {
    Who u = user(api, "badcerts");
    String[] wildcard = certificate("*.example.com");
    assertFieldError(u.api().post("/v1/certs", Map.of("certificate", wildcard[0], "key", wildcard[1])),
        "common_name", "Wildcard certificates are not supported");
    String[] cert = certificate(unique("plain") + ".example.com");
    assertFieldErrors(u.api().post("/v1/certs", Map.of("certificate", "not a certificate", "key", cert[1])), "certificate");
    String truncated = cert[0].substring(0, 60) + "\n-----END CERTIFICATE-----\n";
    assertFieldErrors(u.api().post("/v1/certs", Map.of("certificate", truncated, "key", cert[1])), "certificate");
    assertFieldError(u.api().post("/v1/certs", Map.of("certificate", cert[0])), "key", "This field is required.");
    assertFieldError(u.api().post("/v1/certs", Map.of("key", cert[1])), "certificate", "This field is required.");
    assertPage(u.api().get("/v1/certs"), 0);

    String alt = unique("alt") + ".example.com";
    ApiClient.Response r = u.api().post("/v1/certs", Map.of("certificate", cert[0], "key", cert[1], "common_name", alt));
    assertEquals(201, r.status(), r::toString);
    assertEquals(alt, r.json().get("common_name").asText());
  }

  private static ApiClient.Response addDomain(ApiClient client, String app, String domain) {
    return client.post("/v1/apps/" + app + "/domains", Map.of("domain", domain));
  }

  @Test
  void domainNameRules() {
    Who u = user(api, "domains");
    String app = app(u.api(), null);
    List<String> valid = List.of("test-domain.example.com", "django.paas-sandbox", "domain", "a".repeat(63) + ".com",
        "3com.com", "w3.example.com", "MYDOMAIN.NET", "autotest.127.0.0.1.xip.io");
    for (String domain : valid) {
      ApiClient.Response r = addDomain(u.api(), app, domain);
      assertEquals(201, r.status(), () -> domain + ": " + r);
      assertEquals(List.of("owner", "app", "domain", "created", "updated"), fieldNames(r.json()));
      assertEquals(domain, r.json().get("domain").asText());
      assertEquals(app, r.json().get("app").asText());
    }
    assertEquals(valid, texts(assertPage(u.api().get("/v1/apps/" + app + "/domains"), valid.size()), "domain"));

    String invalid = "Hostname does not look valid.";
    for (String domain : List.of("this_is_an.invalid.domain", "this-is-an.invalid.1", "django.pass--sandbox", "domain1",
        "3333.com", "a".repeat(64) + ".com", "-lead.example.com", "double..dot.com")) {
      assertFieldError(addDomain(u.api(), app, domain), "domain", invalid);
    }
    assertFieldError(addDomain(u.api(), app, "*.deis.example.com"), "domain", "Adding a wildcard subdomain is currently not supported.");
    assertFieldError(addDomain(u.api(), app, "a.".repeat(128) + "com"), "domain", "Hostname must be 255 characters or less.");
    assertFieldError(u.api().post("/v1/apps/" + app + "/domains", Map.of()), "domain", "This field is required.");

    ApiClient.Response dotted = addDomain(u.api(), app, "trailing.example.com.");
    assertEquals(201, dotted.status(), dotted::toString);
    assertEquals("trailing.example.com", dotted.json().get("domain").asText());
  }

  @Test
  void domainsAreUniqueAcrossAppsIgnoringCase() {
    Who u = user(api, "dupdomains");
    String first = app(u.api(), null);
    String second = app(user(api, "rival").api(), null);
    String domain = unique("shop") + ".example.com";
    assertEquals(201, addDomain(u.api(), first, domain).status());
    assertFieldError(addDomain(u.api(), first, domain), "domain", "This field must be unique.");
    assertFieldError(addDomain(admin.api(), second, domain), "domain", "This field must be unique.");
    String upper = domain.toUpperCase(Locale.ROOT);
    assertFieldError(addDomain(admin.api(), second, upper), "domain", "The domain " + upper + " is already in use by another app");
    assertFieldError(addDomain(admin.api(), second, domain + "."), "domain", "The domain " + domain + " is already in use by another app");
    assertPage(admin.api().get("/v1/apps/" + second + "/domains"), 0);
  }

  @Test
  void domainAccessRules() {
    Who owner = user(api, "domowner");
    Who collaborator = user(api, "domcollab");
    Who stranger = user(api, "domstranger");
    String app = app(owner.api(), null);
    String base = "/v1/apps/" + app + "/domains";
    assertEmpty(owner.api().post("/v1/apps/" + app + "/perms", Map.of("username", collaborator.name())), 201);

    String domain = unique("collab") + ".example.com";
    ApiClient.Response r = addDomain(collaborator.api(), app, domain);
    assertEquals(201, r.status(), r::toString);
    assertEquals(collaborator.name(), r.json().get("owner").asText());
    assertForbidden(collaborator.api().delete(base + "/" + domain));
    assertForbidden(stranger.api().get(base));
    assertForbidden(addDomain(stranger.api(), app, unique("s") + ".example.com"));
    assertForbidden(addDomain(stranger.api(), app, "not_valid"));
    assertNotFound(addDomain(owner.api(), unique("missing"), "fine.example.com"));
    assertUnauthenticated(api.get(base));

    assertNotFound(owner.api().delete(base + "/" + unique("unknown") + ".example.com"));
    assertEmpty(owner.api().delete(base + "/" + domain), 204);
    JsonNode left = assertPage(owner.api().get(base), 0);
    assertEquals(0, left.size());
    assertNotFound(owner.api().delete(base + "/" + domain));
  }
}
