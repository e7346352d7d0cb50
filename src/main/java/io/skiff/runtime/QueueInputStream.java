package io.skiff.runtime;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The stdin of an interactive container: chunks arrive from a stream (the SSH client, across the
 * cluster) and Docker's attach reads them here. Unlike PipedInputStream it does not care which
 * threads write. {@link #finish} marks the end (EOF).
 */
final class QueueInputStream extends InputStream {
  private static final byte[] END = new byte[0];
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int position;
  private boolean ended;

  void offer(byte[] chunk) {
    if (chunk.length > 0) chunks.add(chunk);
  }

  void finish() {
    chunks.add(END);
  }

  @Override
  public int read() throws java.io.IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] buffer, int offset, int length) throws java.io.IOException {
    if (length == 0) return 0;
    if (position >= current.length) {
      if (ended) return -1;
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
      position = 0;
      if (current == END) {
        ended = true;
        return -1;
      }
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }
}
