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
 */
package io.skiff.logger;
