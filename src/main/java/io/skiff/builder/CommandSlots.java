package io.skiff.builder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * How many SSH commands (pushes, fetches, runs) each user has open at once, so that one user
 * cannot hold every command slot of the node: past {@code perUser}, a command is refused in one
 * line. A slot is held until MINA destroys the command's channel (it always does, however the
 * command ends).
 */
final class CommandSlots {
  private final int perUser;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  CommandSlots(int perUser) {
    this.perUser = perUser;
  }

  int perUser() {
    return perUser;
  }

  /** A slot for {@code user}, or false when the user already holds {@code perUser}. */
  boolean tryAcquire(String user) {
    boolean[] got = {false};
    open.compute(user, (u, n) -> {
      int held = n == null ? 0 : n;
      if (held >= perUser) return n;
      got[0] = true;
      return held + 1;
    });
    return got[0];
  }

  void release(String user) {
    open.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
  }

  int held(String user) {
    return open.getOrDefault(user, 0);
  }

  /** {@code command}, releasing {@code user}'s slot (once) when its channel goes. */
  Command holding(String user, Command command) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable free = () -> {
      if (released.compareAndSet(false, true)) release(user);
    };
    return new Command() {
      @Override
      public void start(ChannelSession channel, Environment env) throws IOException {
        try {
          command.start(channel, env);
        } catch (IOException | RuntimeException e) {
          free.run();
          throw e;
        }
      }

      @Override
      public void destroy(ChannelSession channel) throws Exception {
        try {
          command.destroy(channel);
        } finally {
          free.run();
        }
      }

      @Override
      public void setExitCallback(ExitCallback callback) {
        command.setExitCallback(callback);
      }

      @Override
      public void setInputStream(InputStream in) {
        command.setInputStream(in);
      }

      @Override
      public void setOutputStream(OutputStream out) {
        command.setOutputStream(out);
      }

      @Override
      public void setErrorStream(OutputStream err) {
        command.setErrorStream(err);
      }
    };
  }
}
