package io.skiff.builder;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import java.io.IOException;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;

/**
 * The builder's SSH server: public-key auth only, git commands only, no shell, no forwarding,
 * no subsystems, auth and idle timeouts; stopped by coordinated shutdown.
 */
public final class GitSshServer {
  private GitSshServer() {}

  public static SshServer start(
      ActorSystem<?> system, BuilderSettings settings, KeyPair hostKey, PushAuthenticator auth,
      GitCommand.Deps deps, ExecutorService executor) throws IOException {
    if (hostKey == null) throw new IllegalStateException("the builder needs a host key");
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost(settings.sshHost());
    sshd.setPort(settings.sshPort());
    sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    sshd.setPublickeyAuthenticator(auth);
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setShellFactory(null);
    sshd.setSubsystemFactories(List.of());
    sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    sshd.setCommandFactory(new GitCommandFactory(deps, executor, new CommandSlots(settings.maxCommandsPerUser())));
    CoreModuleProperties.AUTH_TIMEOUT.set(sshd, settings.authTimeout());
    // Authentication runs on these threads; at most two of them wait on a key lookup (SshKeyCache).
    CoreModuleProperties.NIO_WORKERS.set(sshd, 8);
    CoreModuleProperties.IDLE_TIMEOUT.set(sshd, settings.idleTimeout());
    sshd.start();
    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseServiceUnbind(), "stop-git-ssh", () -> {
          try {
            sshd.stop(true);
          } catch (IOException e) {
            system.log().warn("stopping the SSH server: {}", e.toString());
          }
          executor.shutdownNow();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    system.log().info("Skiff builder: git over SSH on {}:{}", settings.sshHost(), sshd.getPort());
    return sshd;
  }
}
