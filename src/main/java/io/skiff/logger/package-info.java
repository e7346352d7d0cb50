/**
 * The logger role, part 1: syslog ingest.
 *
 * <pre>
 * TCP bytes ─ SyslogFraming (RFC 6587: counted or LF, per frame, max-frame) ─┐
 * UDP datagram (SyslogUdpReceiver, one message each, bounded queue) ────────┤
 *                                                                           └ SyslogIngest:
 *   SyslogParser (Rfc5424Parser | Rfc3164Parser) → TenantRule(TokenCheck) → LogLine → caller's sink
 * </pre>
 *
 * <p>Nothing on this path throws on input: a bad frame is a counted {@link io.skiff.logger.Drop}
 * (reported by {@link io.skiff.logger.SyslogServer} every report-interval when counts change), an
 * oversize frame is truncated and marked. TCP is backpressured end to end; UDP is best effort and
 * counts its own overflow. Every syslog line needs the app's drain token ({@link
 * io.skiff.logger.DrainToken}) and is stored as an {@code app} line. Settings: logger.conf.
 *
 * <p>Part 2: drains (every line of an app forwarded to each of its drain URLs).
 *
 * <pre>
 * LogWriter listener ─ DrainForwarders.onStored (nudge) ─ DrainForwarder per drain (own task on
 *   the IO executor; reads LogStore.readAfter from its last seq) ─ DrainSender: syslog TCP/TLS
 *   (octet-counted RFC 5424), UDP (one datagram each), logplex HTTPS ─ DrainOffsets.save
 * </pre>
 *
 * <p>The app's bounded store is the only buffer: a drain that is down is retried with backoff
 * and resumes at its last seq; what retention removed meanwhile is counted as dropped. {@link
 * io.skiff.logger.DrainUrl} refuses internal addresses when parsing and again when connecting.
 */
package io.skiff.logger;
