package io.skiff.logger;

import akka.util.ByteString;

/**
 * One syslog frame as cut from the byte stream: the SYSLOG-MSG without its octet count or its
 * trailer.
 *
 * @param bytes the message octets, at most the configured maximum frame size
 * @param truncated the sender's frame was longer and the rest was discarded
 */
public record Frame(ByteString bytes, boolean truncated) {}
