package io.skiff.scheduler;

import java.io.IOException;
import java.nio.file.Path;

/** The sample app (examples/hello) built once as a local image that API builds can deploy. */
public final class AppImage {
  public static final String HELLO = "skiff-test/hello:1";
  public static final String WEB = "exec httpd -f -p $PORT -h /www";
  private static boolean built;

  private AppImage() {}

  public static synchronized String hello() {
    if (built) return HELLO;
    run("bin/make-base-image");
    run("docker", "build", "-q", "-t", HELLO, Path.of("examples/hello").toAbsolutePath().toString());
    built = true;
    return HELLO;
  }

  static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
