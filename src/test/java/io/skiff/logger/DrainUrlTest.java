package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DrainUrlTest {
  private static DrainUrl ok(String url) {
    return DrainUrl.parse(url, false);
  }

  private static String refused(String url) {
    return refused(url, false);
  }

  private static String refused(String url, boolean allowPrivate) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DrainUrl.parse(url, allowPrivate));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  private static void refusedWith(String url, String fragment) {
    refusedWith(url, false, fragment);
  }

  private static void refusedWith(String url, boolean allowPrivate, String fragment) {
    String m = refused(url, allowPrivate);
    assertTrue(m.contains(fragment), url + " → " + m);
  }

  @Test
  void syslogSchemes() {
    DrainUrl u = ok("syslog://logs.example.com:514");
    assertEquals(DrainUrl.Kind.SYSLOG_TCP, u.kind());
    assertEquals("logs.example.com", u.host());
    assertEquals(514, u.port());
    assertEquals("", u.path());
    assertNull(u.user());
    assertEquals(DrainUrl.Kind.SYSLOG_TCP, ok("syslog+tcp://logs.example.com:514").kind());
    assertEquals(DrainUrl.Kind.SYSLOG_UDP, ok("syslog+udp://logs.example.com:514").kind());
    assertEquals(DrainUrl.Kind.SYSLOG_TLS, ok("SYSLOG+TLS://Logs.Example.COM:6514/").kind());
    assertEquals("logs.example.com", ok("syslog+tls://Logs.Example.COM:6514/").host());
    assertEquals(1, ok("syslog://203.0.113.7:1").port());
    assertEquals(65535, ok("syslog://203.0.113.7:65535").port());
    assertEquals("2001:db8::1", ok("syslog+tls://[2001:db8::1]:6514").host());
  }

  @Test
  void https() {
    DrainUrl u = ok("https://logs.example.com/drain?key=abc");
    assertEquals(DrainUrl.Kind.HTTPS, u.kind());
    assertEquals(443, u.port());
    assertEquals("/drain?key=abc", u.path());
    assertEquals("https://logs.example.com:443/drain?key=abc", u.httpUri().toString());
    assertEquals("/", ok("https://logs.example.com").path());
    assertEquals(8443, ok("https://logs.example.com:8443/x").port());
    assertEquals("https://[2001:db8::1]:443/", ok("https://[2001:db8::1]/").httpUri().toString());
  }

  @Test
  void basicAuthIsParsedAndNeverShown() {
    DrainUrl u = ok("https://alice:s%40cret:x@logs.example.com/in?token=t0p");
    assertEquals("alice", u.user());
    assertEquals("s@cret:x", u.password());
    assertEquals("https://[redacted]@logs.example.com:443/in?[redacted]", u.toString());
    assertFalse(u.httpUri().toString().contains("alice"));
    assertEquals("", ok("https://bob@logs.example.com/").password());
    refusedWith("https://:pw@logs.example.com/", "user");
    String m = refused("https://alice:secret@logs.example.com:99999/");
    assertFalse(m.contains("secret"), m);
    m = refused("https://alice:sec ret@logs.example.com/");
    assertFalse(m.contains("sec"), m);
  }

  @Test
  void httpOnlyWhenPrivateIsAllowed() {
    refusedWith("http://logs.example.com/", "https");
    DrainUrl u = DrainUrl.parse("http://127.0.0.1:8080/logs", true);
    assertEquals(DrainUrl.Kind.HTTP, u.kind());
    assertEquals("http://127.0.0.1:8080/logs", u.httpUri().toString());
    assertEquals(80, DrainUrl.parse("http://localhost/", true).port());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "syslog://logs.example.com", "syslog+tls://logs.example.com", "syslog+udp://logs.example.com:",
      "syslog://logs.example.com:0", "syslog://logs.example.com:65536", "syslog://logs.example.com:99999999999",
  })
  void syslogNeedsAPortInRange(String url) {
    String m = refused(url);
    assertTrue(m.contains("port"), m);
  }

  @Test
  void syslogRefusesUserPathAndQuery() {
    refusedWith("syslog://u:p@logs.example.com:514", "user");
    refusedWith("syslog+tls://logs.example.com:514/x", "path");
    refusedWith("syslog://logs.example.com:514?a=b", "query");
    refusedWith("syslog://logs.example.com:514#f", "fragment");
  }

  @Test
  void malformed() {
    refusedWith(null, "required");
    refusedWith("  ", "required");
    refusedWith("logs.example.com:514", "scheme");
    refusedWith("ftp://logs.example.com/", "unsupported");
    refusedWith("tcp://logs.example.com:514", "unsupported");
    refusedWith("syslog:logs.example.com", "host");
    refusedWith("https:///path", "host");
    refusedWith("https://exa mple.com/", "spaces");
    refusedWith("https://exämple.com/", "ASCII");
    refusedWith("https://example.com/\n", "ASCII");
    refusedWith("https://bad_host.example.com/", "host");
    refusedWith("https://-bad.example.com/", "host");
    refusedWith("https://a..b.example.com/", "host");
    refusedWith("https://%zz/", "valid");
  }

  @Test
  void maximumLength() {
    String base = "https://logs.example.com/";
    String fits = base + "a".repeat(DrainUrl.MAX_LENGTH - base.length());
    assertEquals(DrainUrl.MAX_LENGTH, ok(fits).path().length() + base.length() - 1);
    refusedWith(fits + "a", "2048");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "127.0.0.1", "127.1.2.3", "10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
      "100.127.255.255", "169.254.169.254", "0.0.0.0", "224.0.0.1", "239.1.2.3", "255.255.255.255", "240.0.0.1",
      "[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[fd12:3456::1]", "[ff02::1]", "[fec0::1]", "[::ffff:127.0.0.1]",
      "[::ffff:10.1.2.3]", "[::127.0.0.1]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::1]",
  })
  void refusesInternalAddressLiterals(String host) {
    String m = refused("syslog://" + host + ":5432");
    assertTrue(m.contains("private"), m);
    refusedWith("https://" + host + "/", "private");
    assertEquals(5432, DrainUrl.parse("syslog://" + host + ":5432", true).port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST", "localhost.", "db.localhost", "a.b.localhost"})
  void refusesLocalhostNames(String host) {
    refusedWith("syslog+tls://" + host + ":6514", "localhost");
    assertEquals(6514, DrainUrl.parse("syslog+tls://" + host + ":6514", true).port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2130706433", "0x7f000001", "0177.0.0.1", "127.0.0.01", "0x7f"})
  void refusesOtherSpellingsOfAddresses(String host) {
    refusedWith("syslog://" + host + ":514", "four decimal numbers");
    refusedWith("syslog://" + host + ":514", true, "four decimal numbers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.1", "0x7f.0.0.1", "1.2.3.4.5", "1.2.3.256", "1.2.3.4.", "[zz::1]"})
  void refusesMalformedAddresses(String host) {
    refused("syslog://" + host + ":514", false);
    refused("syslog://" + host + ":514", true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"203.0.113.7", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "[2001:db8::1]", "[2606:4700::1111]", "logs.localhost.example.com", "123.example.com", "0x.example.com"})
  void acceptsPublicHosts(String host) {
    assertEquals(514, ok("syslog://" + host + ":514").port());
  }

  @Test
  void resolveRefusesNamesOfInternalAddresses() throws IOException {
    DrainUrl strict = new DrainUrl(DrainUrl.Kind.SYSLOG_TCP, "127.0.0.1", 5432, "", null, null, false);
    IOException e = assertThrows(IOException.class, strict::resolve);
    assertTrue(e.getMessage().contains("internal"));
    DrainUrl lenient = DrainUrl.parse("syslog://127.0.0.1:5432", true);
    assertEquals(InetAddress.getByName("127.0.0.1"), lenient.resolve().get(0));
  }

  @Test
  void addressPolicy() throws IOException {
    assertTrue(DrainAddresses.forbidden(InetAddress.getByName("::ffff:192.168.0.1")));
    assertFalse(DrainAddresses.forbidden(InetAddress.getByName("2001:db8::1")));
    assertFalse(DrainAddresses.forbidden(InetAddress.getByName("64:ff9b::808:808")));
    assertFalse(DrainAddresses.forbidden(InetAddress.getByName("2002:808:808::1")));
    assertFalse(DrainAddresses.forbidden(InetAddress.getByName("198.20.0.1")));
    assertTrue(DrainAddresses.forbidden(InetAddress.getByName("198.19.0.1")));
    assertTrue(DrainAddresses.forbidden(InetAddress.getByName("192.0.0.8")));
  }

  @Test
  void toStringWithoutSecrets() {
    assertEquals("syslog+tls://logs.example.com:6514", ok("syslog+tls://logs.example.com:6514").toString());
    assertEquals("syslog+udp://[2001:db8::1]:514", ok("syslog+udp://[2001:db8::1]:514").toString());
    assertEquals("https://logs.example.com:443/a/b", ok("https://logs.example.com/a/b").toString());
  }
}
