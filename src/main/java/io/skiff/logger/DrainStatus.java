package io.skiff.logger;

/**
 * How a drain's forwarding from this logger node stands.
 *
 * @param lastSeq the app's newest seq sent (or counted as dropped)
 * @param sentLines lines sent since the forwarder started
 * @param droppedLines lines retention removed before they were sent
 * @param failures consecutive failed sends; 0 while healthy
 * @param lastError the last failure's message, or null; never holds a password
 */
public record DrainStatus(
    String drainId, String app, String url, long lastSeq, long sentLines, long droppedLines, int failures,
    String lastError) {}
