package io.skiff.logger;

/** Why a frame is not a syslog message. Constants, so a bad frame allocates nothing. */
public enum ParseError implements ParseResult {
  EMPTY,
  BAD_PRI,
  BAD_TIMESTAMP,
  BAD_HEADER,
  BAD_STRUCTURED_DATA
}
