package io.skiff.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;
import io.skiff.cluster.TokenCache;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SSH server's key lookups: cached, dropped with the owner's credentials, and bounded on MINA's I/O threads. */
class SshKeyCacheTest {
  static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ConfigFactory.parseString("akka.actor.provider = local\nakka.coordinated-shutdown.exit-jvm = off\nakka.coordinated-shutdown.run-by-jvm-shutdown-hook = off").withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aFoundKeyIsCachedUntilItsOwnersCredentialsChange() {
    Map<String, String> registered = new ConcurrentHashMap<>(Map.of("aa", "alice"));
    AtomicInteger loads = new AtomicInteger();
    SshKeyCache cache = new SshKeyCache(md5 -> {
      loads.incrementAndGet();
      return CompletableFuture.completedFuture(Optional.ofNullable(registered.get(md5)));
    }, TokenCache.get(kit.system()), Duration.ofMinutes(1), 2, Duration.ofSeconds(2));

    assertEquals(new SshKeyCache.Owner("alice"), cache.ownerOf("aa"));
    assertEquals(new SshKeyCache.Owner("alice"), cache.ownerOf("aa"));
    assertEquals(1, loads.get(), "the second authentication costs no lookup");
    assertInstanceOf(SshKeyCache.Unknown.class, cache.ownerOf("bb"));
    assertInstanceOf(SshKeyCache.Unknown.class, cache.ownerOf("bb"));
    assertEquals(3, loads.get(), "an unknown key is not cached: a key added later works at once");

    registered.remove("aa"); // the key is deleted, and the API drops the owner's credentials everywhere
    TokenCache.get(kit.system()).invalidateUser("alice");
    assertInstanceOf(SshKeyCache.Unknown.class, cache.ownerOf("aa"));
  }

  @Test
  void atMostTwoLookupsWaitOnTheDatabaseAndNoneForLong() throws Exception {
    CompletableFuture<Optional<String>> never = new CompletableFuture<>();
    CountDownLatch waiting = new CountDownLatch(2);
    SshKeyCache cache = new SshKeyCache(md5 -> {
      waiting.countDown();
      return (CompletionStage<Optional<String>>) never;
    }, TokenCache.get(kit.system()), Duration.ofMinutes(1), 2, Duration.ofMillis(1500));

    CompletableFuture<SshKeyCache.Found> first = CompletableFuture.supplyAsync(() -> cache.ownerOf("k1"));
    CompletableFuture<SshKeyCache.Found> second = CompletableFuture.supplyAsync(() -> cache.ownerOf("k2"));
    assertTrue(waiting.await(5, TimeUnit.SECONDS));
    SshKeyCache.Found third = cache.ownerOf("k3");
    assertInstanceOf(SshKeyCache.Busy.class, third, "refused while two lookups wait");
    assertTrue(!first.isDone() && !second.isDone(), "the third did not wait for them");
    assertInstanceOf(SshKeyCache.Busy.class, first.get(10, TimeUnit.SECONDS), "a lookup gives up after its timeout");
    assertInstanceOf(SshKeyCache.Busy.class, second.get(10, TimeUnit.SECONDS));
  }
}
