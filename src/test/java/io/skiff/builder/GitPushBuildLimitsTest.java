package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.builder.PushFixture.Pusher;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A build step runs without a network (only the loopback interface) and under the configured
 * memory cap (the cgroup limit its container sees).
 */
class GitPushBuildLimitsTest {
  static PushFixture f;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1, Map.of("skiff.builder.build-memory", "64MiB"));
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
  }

  @Test
  void aBuildStepHasNoNetworkAndItsMemoryCap() {
    Pusher owner = f.user("limits");
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "hello");
    owner.git().commit(repo, "look around", Map.of("Dockerfile",
        "FROM skiff/busybox:latest\n"
            + "RUN echo \"interfaces: $(ls /sys/class/net | tr '\\n' ' ')\"\n"
            + "RUN echo \"memory cap: $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null)\"\n"
            + "CMD [\"sh\", \"-c\", \"httpd -f -p $PORT -h /\"]\n"));
    GitClient.Result push = owner.git().push(repo, GitClient.url(f.node(0).sshPort(), app), "main");
    assertTrue(push.ok(), push::toString);
    assertTrue(push.output().contains("interfaces: lo "), push::toString);
    assertFalse(push.output().contains("eth0"), push::toString);
    assertTrue(push.output().contains("memory cap: 67108864"), push::toString);

  }
}
