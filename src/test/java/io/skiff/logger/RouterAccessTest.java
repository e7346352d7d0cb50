package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nginx's JSON → the Heroku-style router line, as a pure function. */
class RouterAccessTest {
  static final String OK = "{\"key\":\"k\",\"app\":\"web\",\"method\":\"GET\",\"path\":\"/x?q=1\",\"host\":\"web.skiff.local\","
      + "\"status\":200,\"bytes\":123,\"request_time\":\"0.004\",\"upstream_connect_time\":\"0.001\","
      + "\"upstream_response_time\":\"0.003\",\"upstream_addr\":\"127.0.0.1:5000\",\"remote_addr\":\"10.1.2.3\","
      + "\"request_id\":\"2993840d7923bbeb4e81622a66f29c0e\",\"scheme\":\"http\",\"msec\":\"1796226386.461\"}";

  static RouterAccess parse(String json) {
    try {
      return RouterAccess.parse(json);
    } catch (RouterAccess.MalformedAccessLine e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aProxiedRequestBecomesAnInfoLine() {
    RouterAccess a = parse(OK);
    assertEquals("web", a.app());
    assertEquals("at=info method=GET path=\"/x?q=1\" host=web.skiff.local request_id=2993840d7923bbeb4e81622a66f29c0e "
        + "fwd=\"10.1.2.3\" connect=1ms service=3ms status=200 bytes=123 protocol=http", a.message());
    assertEquals(1796226386_461_000_000L, a.timestampNanos());
  }

  @Test
  void serverErrorsAreErrorsAndTheRoutersOwn503IsH14() {
    String noBackend = "{\"key\":\"k\",\"app\":\"idle\",\"method\":\"GET\",\"path\":\"/\",\"host\":\"idle.skiff.local\",\"status\":503,"
        + "\"bytes\":40,\"request_time\":\"0.000\",\"upstream_connect_time\":\"\",\"upstream_response_time\":\"\","
        + "\"upstream_addr\":\"\",\"remote_addr\":\"127.0.0.1\",\"request_id\":\"abc\",\"scheme\":\"https\",\"msec\":\"1.000\"}";
    assertEquals("at=error code=H14 desc=\"No web processes running\" method=GET path=\"/\" host=idle.skiff.local request_id=abc "
        + "fwd=\"127.0.0.1\" service=0ms status=503 bytes=40 protocol=https", parse(noBackend).message());
    String appError = OK.replace("\"status\":200", "\"status\":502");
    assertTrue(parse(appError).message().startsWith("at=error method=GET"), parse(appError).message());
  }

  @Test
  void retriedBackendsSumTheirTimesAndMissingTimesFallBack() {
    String retried = OK.replace("\"upstream_response_time\":\"0.003\"", "\"upstream_response_time\":\"0.002, 0.010 : 0.001\"")
        .replace("\"upstream_connect_time\":\"0.001\"", "\"upstream_connect_time\":\"-, 0.001\"");
    assertTrue(parse(retried).message().contains(" connect=1ms service=13ms "), parse(retried).message());
    String none = OK.replace("\"upstream_response_time\":\"0.003\"", "\"upstream_response_time\":\"\"")
        .replace("\"upstream_connect_time\":\"0.001\"", "\"upstream_connect_time\":\"\"").replace("\"request_time\":\"0.004\"", "\"request_time\":\"1.2345\"");
    assertTrue(parse(none).message().contains(" fwd=\"10.1.2.3\" service=1235ms "), parse(none).message());
    assertEquals(-1, parse(OK.replace("1796226386.461", "soon")).timestampNanos());
    assertEquals(-1, RouterAccess.millis("NaN"));
    assertEquals(-1, RouterAccess.millis("1e9"));
  }

  @Test
  void requestControlledValuesStayInsideTheirQuotesOnOneLine() {
    // What escape=json makes of a path with quotes, a backslash and control bytes, and a hostile host.
    String json = OK.replace("\"path\":\"/x?q=1\"", "\"path\":\"/a\\\" status=999 at=\\\\\\u000Ab\\u000d\\u2028\"")
        .replace("\"host\":\"web.skiff.local\"", "\"host\":\"evil\\\" app=other\"");
    String line = parse(json).message();
    assertEquals(1, line.lines().count(), line);
    assertFalse(line.contains("\u2028"), line);
    assertTrue(line.contains(" path=\"/a\\\" status=999 at=\\\\\\u000ab\\u000d\\u2028\" "), line);
    assertTrue(line.contains(" host=\"evil\\\" app=other\" "), line);
    assertEquals(2, line.split(" status=", -1).length - 1, "the real status= and the quoted one: " + line);
    assertTrue(line.endsWith(" status=200 bytes=123 protocol=http"), line);
  }

  @Test
  void anythingButTheRoutersJsonIsMalformed() {
    for (String bad : List.of("", "not json", "[1,2]", "{\"status\":200}", OK.replace("\"status\":200", "\"status\":\"200\""),
        OK.replace("\"bytes\":123", "\"bytes\":-1"), OK.replace("\"app\":\"web\"", "\"app\":7"), OK + " {}",
        OK.substring(0, OK.length() - 10))) {
      assertThrows(RouterAccess.MalformedAccessLine.class, () -> RouterAccess.parse(bad), bad);
    }
  }

  @Test
  void bytesParseInPlaceAndALineThatIsNotUtf8IsStillRead() throws Exception {
    byte[] framed = ("junk" + OK + "tail").getBytes(StandardCharsets.UTF_8);
    assertEquals(parse(OK), RouterAccess.parse(framed, 4, OK.length()));
    // nginx's escape=json passes a request's bytes above 0x7f through as they came: a lone 0xff is no UTF-8.
    byte[] line = OK.replace("/x?q=1", "/x#").getBytes(StandardCharsets.UTF_8);
    line[OK.indexOf("/x?q=1") + 2] = (byte) 0xff;
    RouterAccess odd = RouterAccess.parse(line, 0, line.length);
    assertEquals("/x\ufffd", odd.path());
    assertTrue(odd.message().contains(" path=\"/x\ufffd\" "), odd.message());
    assertThrows(RouterAccess.MalformedAccessLine.class, () -> RouterAccess.parse(new byte[] {'{', (byte) 0xff}, 0, 2));
  }

  @Test
  void toStringShowsNeitherKeyNorPath() {
    String s = parse(OK.replace("\"key\":\"k\"", "\"key\":\"secret-key\"")).toString();
    assertFalse(s.contains("secret-key") || s.contains("/x"), s);
  }
}
