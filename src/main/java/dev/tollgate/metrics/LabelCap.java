package dev.tollgate.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a label's set of values bounded: the first {@code max} distinct values are kept as they are,
 * every later one (and any value longer than {@link #MAX_LENGTH}) becomes {@link #OTHER}. A label value
 * is a Prometheus series forever, so a caller sending made-up model names must not grow the scrape.
 */
final class LabelCap {
  static final String OTHER = "other";
  static final int MAX_LENGTH = 128;

  private final int max;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();

  LabelCap(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
    }
    this.max = max;
  }

  /** {@code value} when it is (or can still become) one of the admitted values, else {@link #OTHER}. */
  String label(String value) {
    if (admitted.contains(value)) {
      return value;
    }
    if (value.length() > MAX_LENGTH || value.equals(OTHER)) {
      return OTHER;
    }
    synchronized (admitted) {
      if (admitted.size() < max) {
        admitted.add(value);
        return value;
      }
      return admitted.contains(value) ? value : OTHER;
    }
  }

  int size() {
    return admitted.size();
  }
}
