package io.skiff.logger;

import io.skiff.CborSerializable;

/**
 * The newest line a store holds from one sender of one app: its timestamp and sender sequence.
 * A collector that resumes (after a node or container restart) skips every line at or before
 * it, so nothing is stored twice.
 */
public record HighWater(long timestampNanos, long senderSeq) implements CborSerializable {}
