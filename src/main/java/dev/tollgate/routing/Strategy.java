package dev.tollgate.routing;

import dev.tollgate.common.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/** How a model's deployments are ordered for one request; the first is tried first, the rest are retry targets. */
public enum Strategy {
  /** Random, proportional to weight. */
  WEIGHTED("weighted"),
  /** Lowest latency EWMA first; deployments never measured go first so they get measured. */
  LATENCY("lowest-latency"),
  /** Fewest requests in flight first. */
  LEAST_BUSY("least-busy"),
  /** Lowest catalog price first (a reference mix of input and output tokens). */
  CHEAPEST("cheapest"),
  /** Lowest {@code priority} number first; ties by weight. */
  PRIORITY("priority");

  private final String label;

  Strategy(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Strategy parse(String key, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    for (Strategy s : values()) {
      if (s.label.equals(v)) {
        return s;
      }
    }
    throw new ConfigException(key, value, "one of " + String.join(", ", Arrays.stream(values()).map(Strategy::label).toList()));
  }
}
