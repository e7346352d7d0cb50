package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.app;
import static io.skiff.controller.ApiAsserts.assertDetail;
import static io.skiff.controller.ApiAsserts.assertForbidden;
import static io.skiff.controller.ApiAsserts.assertNotFound;
import static io.skiff.controller.ApiAsserts.user;
import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.controller.ApiAsserts.Who;
import io.skiff.testkit.ApiClient;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Log drains and the ingest token, through the API, on a node with the logger role (loopback only). */
class DrainsApiTest extends ApiTestBase {
  @BeforeAll
  static void startNode() {
    startWith(Map.of("akka.cluster.roles", List.of("controller", "builder", "registry", "logger"),
        "skiff.logger.drains.refresh", "300ms", "skiff.logger.syslog.token-refresh", "300ms"));
  }

  /** A syslog TCP receiver on loopback that keeps every byte it is sent. */
  static final class Receiver implements AutoCloseable {
    final ServerSocket server;
    final ByteArrayOutputStream got = new ByteArrayOutputStream();

    Receiver() throws Exception {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
              synchronized (got) {
                got.write(buf, 0, n);
              }
            }
          } catch (Exception e) {
            // closed
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    String text() {
      synchronized (got) {
        return got.toString(StandardCharsets.UTF_8);
      }
    }

    String url() {
      return "syslog://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }

  @Test
  void aDrainReceivesTheAppsLinesUntilRemoved() throws Exception {
    Who owner = user(api, "owner");
    String id = app(owner.api(), null);
    String base = "/v1/apps/" + id + "/drains";
    try (Receiver r = new Receiver()) {
      ApiClient.Response added = owner.api().post(base, Map.of("url", r.url()));
      assertEquals(201, added.status(), added::toString);
      String drain = added.json().get("uuid").asText();
      String token = added.json().get("token").asText();
      assertTrue(token.startsWith("d."), token);
      JsonNode list = owner.api().get(base).json();
      assertEquals(1, list.get("count").asInt());
      assertEquals(r.url(), list.get("results").get(0).get("url").asText());
      // Lines stored from now on are forwarded (a new drain starts at the newest line).
      Thread.sleep(1500);
      assertEquals(201, owner.api().post("/v1/apps/" + id + "/config", Map.of("values", Map.of("DRAINED_KEY", "v"))).status());
      eventually(Duration.ofSeconds(20), () -> {
        String text = r.text();
        assertTrue(text.contains("config.changed") && text.contains("DRAINED_KEY"), text);
        assertTrue(text.contains(" " + token + " " + id + " platform "), "HOSTNAME token, APP-NAME app, PROCID: " + text);
        return true;
      });
      assertEquals(204, owner.api().delete(base + "/" + drain).status());
      assertEquals(0, owner.api().get(base).json().get("count").asInt());
      assertNotFound(owner.api().delete(base + "/" + drain));
    }
  }

  @Test
  void badDuplicateAndForeignDrainsAreRefused() {
    Who owner = user(api, "owner");
    Who stranger = user(api, "stranger");
    String id = app(owner.api(), null);
    String base = "/v1/apps/" + id + "/drains";
    for (String bad : List.of("ftp://127.0.0.1:21", "syslog://127.0.0.1", "syslog://127.0.0.1:99999", "not a url", "")) {
      ApiClient.Response r = owner.api().post(base, Map.of("url", bad));
      assertEquals(400, r.status(), bad + ": " + r);
      assertTrue(r.json().has("url"), r::toString);
    }
    assertEquals(201, owner.api().post(base, Map.of("url", "syslog+udp://127.0.0.1:9")).status());
    assertDetail(owner.api().post(base, Map.of("url", "syslog+udp://127.0.0.1:9")), 409, "This app already has a drain with this URL");
    for (int i = 10; i < 19; i++) assertEquals(201, owner.api().post(base, Map.of("url", "syslog+udp://127.0.0.1:" + i)).status());
    assertDetail(owner.api().post(base, Map.of("url", "syslog+udp://127.0.0.1:30")), 400, "An app has at most 10 drains");
    assertForbidden(stranger.api().get(base));
    assertForbidden(stranger.api().post(base, Map.of("url", "syslog+udp://127.0.0.1:31")));
    assertForbidden(stranger.api().get("/v1/apps/" + id + "/logs/token"));
    assertEquals(204, owner.api().delete(base, Map.of("url", "syslog+udp://127.0.0.1:9")).status());
    assertEquals(9, owner.api().get(base).json().get("count").asInt());
  }

  @Test
  void httpsDrainPasswordsAreNotShown() {
    Who owner = user(api, "owner");
    String base = "/v1/apps/" + app(owner.api(), null) + "/drains";
    assertEquals(201, owner.api().post(base, Map.of("url", "https://u:hunter2@127.0.0.1:8443/logs")).status());
    String listing = owner.api().get(base).body();
    assertFalse(listing.contains("hunter2"), listing);
    assertTrue(listing.contains("https://u:***@127.0.0.1:8443/logs"), listing);
  }

  private static int syslogPort() {
    return node.system().settings().config().getInt("skiff.logger.syslog.tcp-port");
  }

  private static void sendSyslog(String app, String token, String text) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", syslogPort()), 2000);
      s.setSoTimeout(10_000);
      byte[] frame = ("<14>1 2026-12-02T10:00:00.000001Z host " + app + " worker.1 - [skiff@32473 token=\"" + token + "\"] "
          + text).getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
      out.write(frame);
      s.shutdownOutput();
      s.getInputStream().readAllBytes();
    }
  }

  /** How long a line sent over syslog takes to reach a follower: printed, not asserted (see bench/README). */
  @Test
  void aSyslogLineReachesAFollower() throws Exception {
    Who owner = user(api, "owner");
    String id = app(owner.api(), null);
    String token = owner.api().get("/v1/apps/" + id + "/logs/token").json().get("token").asText();
    Thread.sleep(1000); // the token reaches the ingest within 300 ms here
    try (io.skiff.testkit.FollowStream follow = new io.skiff.testkit.FollowStream(owner.api(), "/v1/apps/" + id + "/logs?follow=true&source=app")) {
      assertEquals(200, follow.status());
      Thread.sleep(500); // subscribed to the logger
      long[] micros = new long[20];
      for (int i = 0; i < micros.length; i++) {
        String text = "follow latency probe " + i;
        long t0 = System.nanoTime();
        sendSyslog(id, token, text);
        assertTrue(follow.await(l -> l.endsWith(text), 10) != null, "line " + i + " never reached the follower");
        micros[i] = (System.nanoTime() - t0) / 1000;
      }
      java.util.Arrays.sort(micros);
      System.out.printf("follow latency (syslog TCP → store → follower → chunked HTTP): median %d µs, max %d µs over %d lines%n",
          micros[micros.length / 2], micros[micros.length - 1], micros.length);
    }
  }

  @Test
  void syslogLinesNeedTheAppsOwnToken() throws Exception {
    Who owner = user(api, "owner");
    Who other = user(api, "other");
    String id = app(owner.api(), null);
    String foreign = app(other.api(), null);
    String token = owner.api().get("/v1/apps/" + id + "/logs/token").json().get("token").asText();
    String foreignToken = other.api().get("/v1/apps/" + foreign + "/logs/token").json().get("token").asText();
    assertEquals(token, owner.api().get("/v1/apps/" + id + "/logs/token").json().get("token").asText(), "stable");
    eventually(Duration.ofSeconds(20), () -> {
      try {
        sendSyslog(id, token, "hello over syslog");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      assertTrue(owner.api().get("/v1/apps/" + id + "/logs?source=app").body().contains(id + "[worker.1]: hello over syslog"));
      return true;
    });
    sendSyslog(id, foreignToken, "forged with another app's token");
    sendSyslog(id, "d.00000000-0000-0000-0000-000000000000", "forged with no token");
    String rotated = owner.api().post("/v1/apps/" + id + "/logs/token", Map.of()).json().get("token").asText();
    assertFalse(rotated.equals(token));
    Thread.sleep(1500); // the ingest tokens are re-read every 300 ms here
    sendSyslog(id, token, "with the rotated-out token");
    sendSyslog(id, rotated, "with the new token");
    String logs = eventually(Duration.ofSeconds(20), () -> {
      String body = owner.api().get("/v1/apps/" + id + "/logs?source=app").body();
      assertTrue(body.contains("with the new token"), body);
      return body;
    });
    assertFalse(logs.contains("forged"), logs);
    assertFalse(logs.contains("rotated-out"), logs);
  }
}
