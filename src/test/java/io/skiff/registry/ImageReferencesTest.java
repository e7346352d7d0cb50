package io.skiff.registry;

import static org.junit.jupiter.api.Assertions.*;

import io.skiff.registry.ImageReferences.LocalImage;
import io.skiff.registry.ImageReferences.LocalImages;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which image references an app may use: pure, with a made-up resolver and local image cache. */
class ImageReferencesTest {
  private static final Map<String, String> HOSTS = Map.of(
      "node1", "127.0.1.1", "registry.internal", "10.0.0.5", "reg-alias.internal", "10.0.0.5", "elsewhere.example", "10.9.9.9",
      "lan-node", "10.0.0.7", "reg-b.internal", "10.0.0.9");

  private static List<InetAddress> resolve(String host) {
    try {
      if (HOSTS.containsKey(host)) return List.of(InetAddress.getByName(HOSTS.get(host)));
      if (host.matches("[0-9.]+") || host.contains(":")) return List.of(InetAddress.getByName(host));
      return List.of();
    } catch (UnknownHostException e) {
      return List.of();
    }
  }

  private static boolean nodeAddress(InetAddress a) {
    return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.getHostAddress().equals("10.0.0.7");
  }

  private static final ImageReferences LOOPBACK = new ImageReferences("127.0.0.1:5000", ImageReferencesTest::resolve, ImageReferencesTest::nodeAddress);
  private static final ImageReferences NAMED = new ImageReferences("registry.internal:5000", ImageReferencesTest::resolve, ImageReferencesTest::nodeAddress);

  private static void refused(ImageReferences refs, String ref) {
    Optional<String> reason = refs.check("mine", ref);
    assertTrue(reason.isPresent(), ref + " should be refused");
    assertFalse(reason.get().contains("\n"), reason.get());
  }

  private static void allowed(ImageReferences refs, String ref) {
    assertEquals(Optional.empty(), refs.check("mine", ref), ref);
  }

  @Test
  void anotherAppsRepositoryIsRefusedUnderEverySpelling() {
    for (String ref : List.of("127.0.0.1:5000/victim:v3", "127.0.0.1:5000/victim", "localhost:5000/victim:v3",
        "LOCALHOST:5000/victim:v3", "LocalHost:5000/victim", "127.0.0.1:05000/victim:v3", "0.0.0.0:5000/victim",
        "127.0.0.2:5000/victim:v1", "[::1]:5000/victim:v3", "node1:5000/victim", "foo.localhost:5000/victim",
        "127.0.0.1:5000/victim@sha256:" + "ab".repeat(32), "127.0.0.1:5000/victim:v3@sha256:" + "0f".repeat(32),
        "127.0.0.1:5000/victim:git-0123abcd", "127.0.0.1:5000/mine-2:v1", "127.0.0.1:5000/min:v1",
        "127.0.0.1:5000/mine/sub:v1", "127.0.0.1:5000/library/mine", "lan-node:5000/victim")) {
      refused(LOOPBACK, ref);
      assertTrue(LOOPBACK.check("mine", ref).get().contains("127.0.0.1:5000/mine"), ref);
    }
  }

  @Test
  void theConfiguredRegistryAndEveryNameOfItsAddressAreThePlatformRegistry() {
    for (String ref : List.of("registry.internal:5000/victim:v3", "REGISTRY.INTERNAL:5000/victim", "10.0.0.5:5000/victim",
        "reg-alias.internal:5000/victim:v1", "127.0.0.1:5000/victim", "localhost:5000/victim")) {
      refused(NAMED, ref);
    }
    allowed(NAMED, "registry.internal:5000/mine:git-0123abcd");
    allowed(NAMED, "10.0.0.5:5000/mine:v2");
    allowed(NAMED, "registry.internal/victim:v3");
    allowed(NAMED, "elsewhere.example:5000/victim:v3");
  }

  @Test
  void everyEndpointOfASharedStorageRegistryIsThePlatformRegistry() {
    // the registry also answers on another node (registry.internal's storage, shared): its
    // host is not this node's, so only the configured endpoints make it the platform's
    ImageReferences shared = new ImageReferences("registry.internal:5000", List.of("registry.internal:5000", "reg-b.internal:5001"),
        ImageReferencesTest::resolve, ImageReferencesTest::nodeAddress);
    for (String ref : List.of("reg-b.internal:5001/victim:v3", "REG-B.INTERNAL:5001/victim", "10.0.0.9:5001/victim:v1")) {
      refused(shared, ref);
      allowed(NAMED, ref); // without the endpoint: an outside registry (which asks for credentials the node sends only to its own)
    }
    allowed(shared, "reg-b.internal:5001/mine:v2");
    allowed(shared, "reg-b.internal:5002/victim:v3"); // another port is another registry
    assertTrue(shared.checkUrl("http://reg-b.internal:5001/v2/victim/blobs/sha256:00").isPresent(), "ADD from the other endpoint");
  }

  @Test
  void theAppsOwnRepositoryIsAllowedUnderAnySpelling() {
    for (String ref : List.of("127.0.0.1:5000/mine:git-0123abcd", "127.0.0.1:5000/mine", "localhost:5000/mine:v3",
        "127.0.0.1:5000/mine@sha256:" + "ab".repeat(32), "LOCALHOST:5000/mine:v1")) {
      allowed(LOOPBACK, ref);
    }
  }

  @Test
  void outsideImagesAreAllowed() {
    for (String ref : List.of("docker.io/victim:v3", "docker.io/library/victim:v3", "victim:v3", "victim", "skiff-test/hello:1",
        "example/not-here:1", "index.docker.io/library/busybox", "quay.io/victim/app:v3", "127.0.0.1:5001/victim:v3",
        "localhost/victim:v3", "LOCALHOST/victim", "ghcr.io/owner/victim@sha256:" + "cd".repeat(32), "busybox:1.36",
        "warmup", "x")) {
      allowed(LOOPBACK, ref);
    }
  }

  @Test
  void whatDockerCouldTakeForAnImageIdIsRefused() {
    for (String ref : List.of("24e3", "24e39e250a13", "sha256:24e39e25", "b".repeat(64), "sha256:" + "c".repeat(64), "0", "cafe")) {
      refused(LOOPBACK, ref);
      assertTrue(LOOPBACK.check("mine", ref).get().contains("ID"), ref);
    }
    allowed(LOOPBACK, "cafe:latest");
    allowed(LOOPBACK, "docker.io/library/cafe");
  }

  @Test
  void invalidReferencesAreRefused() {
    for (String ref : List.of("", "127.0.0.1:5000/Victim:v3", "upper/Case", "a b", "127.0.0.1:5000/", "x:", "x@sha256:12",
        "${BASE}", "-x", "127.0.0.1:5000/victim:v3:extra/x")) {
      refused(LOOPBACK, ref);
    }
    assertTrue(LOOPBACK.check("mine", "$BASE").get().contains("variable"));
  }

  @Test
  void parsesAsDockerDoes() {
    assertEquals(new ImageReferences.Ref("docker.io", "library/busybox", null, null), ImageReferences.parse("busybox").get());
    assertEquals(new ImageReferences.Ref("docker.io", "skiff-test/hello", "1", null), ImageReferences.parse("skiff-test/hello:1").get());
    assertEquals(new ImageReferences.Ref("localhost:5000", "a/b", "t", null), ImageReferences.parse("localhost:5000/a/b:t").get());
    assertEquals(new ImageReferences.Ref("Host", "x", null, null), ImageReferences.parse("Host/x").get());
    assertEquals("busybox", ImageReferences.parse("docker.io/library/busybox:1").get().familiarName());
    assertEquals("127.0.0.1:5000/app", ImageReferences.parse("127.0.0.1:5000/app:v1").get().familiarName());
  }

  private static LocalImages cache(Map<String, LocalImage> images) {
    return ref -> Optional.ofNullable(images.get(ref));
  }

  @Test
  void aNameThatTheNodesDockerResolvesToAnotherAppsCachedImageIsRefused() {
    LocalImage victim = new LocalImage(List.of("127.0.0.1:5000/victim:v3"), List.of("127.0.0.1:5000/victim@sha256:" + "ab".repeat(32)));
    LocalImage hello = new LocalImage(List.of("skiff-test/hello:1"), List.of());
    LocalImage retagged = new LocalImage(List.of("victim:v3", "127.0.0.1:5000/victim:v3"), List.of());
    LocalImage mine = new LocalImage(List.of("127.0.0.1:5000/mine:v2", "mine:v2"), List.of());
    LocalImages local = cache(Map.of("victim:v3", victim, "skiff-test/hello:1", hello, "alias:v3", retagged, "victim", victim,
        "mine:v2", mine, "library/victim:v3", victim));
    for (String ref : List.of("victim:v3", "victim", "library/victim:v3")) {
      Optional<String> reason = LOOPBACK.check("mine", ref, local);
      assertTrue(reason.isPresent(), ref);
    }
    assertTrue(LOOPBACK.check("mine", "victim:v3", cache(Map.of("victim:v3", retagged))).get().contains("another app"));
    assertEquals(Optional.empty(), LOOPBACK.check("mine", "skiff-test/hello:1", local));
    assertEquals(Optional.empty(), LOOPBACK.check("mine", "mine:v2", local));
    assertEquals(Optional.empty(), LOOPBACK.check("mine", "not-cached:1", local));
    assertEquals(Optional.empty(), LOOPBACK.check("victim", "victim:v3", cache(Map.of("victim:v3", retagged))));
  }

  @Test
  void aDockerfileIsRefusedForTheFirstForeignImageItReads() {
    String dockerfile = "ARG REG=127.0.0.1:5000\nFROM skiff/busybox AS base\nFROM ${REG}/victim:v3\n";
    Optional<String> reason = LOOPBACK.checkDockerfile("mine", dockerfile, LocalImages.NONE);
    assertTrue(reason.isPresent());
    assertTrue(reason.get().startsWith("Dockerfile refers to 127.0.0.1:5000/victim:v3: "), reason.get());
    assertEquals(Optional.empty(), LOOPBACK.checkDockerfile("mine", "FROM skiff/busybox:latest AS b\nFROM b\nCOPY --from=127.0.0.1:5000/mine:v1 / /\n",
        LocalImages.NONE));
    assertTrue(LOOPBACK.checkDockerfile("mine", "FROM skiff/busybox\nCOPY --from=localhost:5000/victim / /loot\n", LocalImages.NONE).isPresent());
  }

  @Test
  void addFromThePlatformRegistryOrTheNodeIsRefused() {
    for (String url : List.of("http://127.0.0.1:5000/v2/victim/manifests/v3", "http://localhost:5001/", "HTTP://LOCALHOST/x",
        "https://user@127.0.0.1:5000/v2/", "http://[::1]:5000/v2/", "http://node1:8558/cluster/members", "http://$R/v2/x", "$URL")) {
      assertTrue(LOOPBACK.checkUrl(url).isPresent(), url);
    }
    assertTrue(NAMED.checkUrl("http://registry.internal:5000/v2/_catalog").isPresent());
    assertTrue(NAMED.checkUrl("https://reg-alias.internal/v2/").isPresent());
    assertEquals(Optional.empty(), LOOPBACK.checkUrl("https://github.com/owner/repo/archive/v1.tar.gz"));
    assertEquals(Optional.empty(), NAMED.checkUrl("http://elsewhere.example:5000/file"));
    Optional<String> reason = LOOPBACK.checkDockerfile("mine", "FROM skiff/busybox\nADD http://127.0.0.1:5000/v2/victim/manifests/v3 /m\n",
        LocalImages.NONE);
    assertTrue(reason.isPresent() && reason.get().startsWith("Dockerfile refers to http://127.0.0.1:5000/"), reason::toString);
  }
}
