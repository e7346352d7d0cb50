package io.skiff.store;

import java.util.List;

/** A page request (1-based page number, page size) and its result with the total count. */
public record Page(int number, int size) {
  public static final int DEFAULT_SIZE = 100;
  public static final int MAX_SIZE = 1000;

  public int offset() {
    return (number - 1) * size;
  }

  public record Result<T>(long count, List<T> items) {}
}
