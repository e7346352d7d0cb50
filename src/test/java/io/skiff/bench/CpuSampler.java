package io.skiff.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * CPU time from /proc (Linux only; zeros elsewhere): the server under test, all PostgreSQL
 * processes, this driver JVM, and the whole machine. The difference of two samples says how many
 * cores each used during the measured phase, and how much went to anything else on the machine.
 */
public final class CpuSampler {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ; getconf CLK_TCK is 100 on Linux

  public record Sample(long nanos, long server, long postgres, long driver, long machineBusy) {}

  /** Cores used per second of wall time between two samples. */
  public record Usage(double server, double postgres, double driver, double other, double machine) {
    public String format() {
      return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", server, postgres, driver, other);
    }
  }

  private CpuSampler() {}

  public static Sample sample(long serverPid) {
    return new Sample(System.nanoTime(), serverPid > 0 ? ticks(serverPid) : 0, postgresTicks(),
        ticks(ProcessHandle.current().pid()), machineBusyTicks());
  }

  public static Usage between(Sample a, Sample b) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    double k = 1.0 / (TICKS_PER_SECOND * seconds);
    double server = (b.server() - a.server()) * k;
    double pg = (b.postgres() - a.postgres()) * k;
    double driver = (b.driver() - a.driver()) * k;
    double machine = (b.machineBusy() - a.machineBusy()) * k;
    return new Usage(server, pg, driver, Math.max(0, machine - server - pg - driver), machine);
  }

  /** utime + stime of a process, in ticks. */
  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long postgresTicks() {
    long sum = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
        try {
          if (Files.readString(p.resolve("comm")).trim().startsWith("postgres")) sum += ticks(Long.parseLong(name));
        } catch (IOException | RuntimeException ignored) {
          // the process went away
        }
      }
    } catch (IOException ignored) {
      // no /proc
    }
    return sum;
  }

  /** All non-idle, non-iowait time of the machine, in ticks. */
  private static long machineBusyTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
        if (i == 4 || i == 5) continue;
        busy += Long.parseLong(f[i]);
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
