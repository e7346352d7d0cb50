package io.skiff;

/**
 * Marker for every message and event that may cross nodes or reach the journal. Bound to
 * jackson-cbor in serialization.conf (Akka 2.8 has no built-in marker).
 */
public interface CborSerializable {}
