package io.skiff.logger;

/** What a syslog parser makes of a frame: a message, or why not (never an exception). */
public sealed interface ParseResult permits SyslogMessage, ParseError {}
