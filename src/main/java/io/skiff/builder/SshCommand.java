package io.skiff.builder;

import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** The streams and exit callback MINA SSHD hands every command of ours; subclasses run the command. */
abstract class SshCommand implements Command {
  protected InputStream in;
  protected OutputStream out;
  protected OutputStream err;
  protected ExitCallback exit;

  @Override
  public void destroy(ChannelSession channel) {
    // the command's own task ends when its streams close (or its work finishes)
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }
}
