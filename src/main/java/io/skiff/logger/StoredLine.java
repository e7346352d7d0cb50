package io.skiff.logger;

import io.skiff.CborSerializable;

/**
 * A line as a logger node stored it: the line and its position in that node's log of the app
 * ({@code seq}: 1, 2, … per app per node, strictly increasing, never reused, also across
 * restarts and after old segments are dropped).
 */
public record StoredLine(LogLine line, long seq) implements CborSerializable {}
