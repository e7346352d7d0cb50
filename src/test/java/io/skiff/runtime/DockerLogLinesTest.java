package io.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker's timestamped output in every cut docker-java's reads can make. */
class DockerLogLinesTest {
  static final String T1 = "2026-12-02T15:46:12.123456789Z";
  static final String T2 = "2026-12-02T15:46:12.200000001Z";
  static final long N1 = 1796226372L * 1_000_000_000L + 123_456_789L;
  static final long N2 = 1796226372L * 1_000_000_000L + 200_000_001L;

  record Line(long ts, String message) {}

  static List<Line> split(List<byte[]> pieces, boolean flush) {
    List<Line> out = new ArrayList<>();
    DockerLogLines lines = new DockerLogLines((ts, m) -> out.add(new Line(ts, m)));
    pieces.forEach(p -> lines.accept(StreamType.STDOUT, p));
    if (flush) lines.flush();
    return out;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void twoLinesCutAnywhere() {
    byte[] all = bytes(T1 + " hello wörld\n" + T2 + " second  line\r\n");
    List<Line> expected = List.of(new Line(N1, "hello wörld"), new Line(N2, "second  line"));
    assertEquals(expected, split(List.of(all), false));
    for (int cut = 1; cut < all.length; cut++) {
      assertEquals(expected, split(List.of(Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length)), false),
          "cut at " + cut);
    }
  }

  @Test
  void aLineDockerSplitIsJoinedWithItsFirstStamp() {
    List<Line> out = split(List.of(bytes(T1 + " " + "a".repeat(100)), bytes(T2 + " " + "b".repeat(10) + "\n")), false);
    assertEquals(List.of(new Line(N1, "a".repeat(100) + "b".repeat(10))), out);
  }

  @Test
  void aLastLineWithoutLfComesOnFlush() {
    assertEquals(List.of(), split(List.of(bytes(T1 + " no lf")), false));
    assertEquals(List.of(new Line(N1, "no lf")), split(List.of(bytes(T1 + " no lf")), true));
    assertEquals(List.of(new Line(N1, "")), split(List.of(bytes(T1 + " \n")), false), "an empty line");
  }

  @Test
  void streamsAreAssembledApart() {
    List<Line> out = new ArrayList<>();
    DockerLogLines lines = new DockerLogLines((ts, m) -> out.add(new Line(ts, m)));
    lines.accept(StreamType.STDOUT, bytes(T1 + " out "));
    lines.accept(StreamType.STDERR, bytes(T2 + " err\n"));
    lines.accept(StreamType.STDOUT, bytes("more\n"));
    assertEquals(List.of(new Line(N2, "err"), new Line(N1, "out more")), out);
  }
}
