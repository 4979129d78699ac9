package dev.tollgate.analytics;

import dev.tollgate.common.InvalidRequestException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What spend can be broken down by. {@link #TAG} counts a row once under each of its tags, so tag groups can
 * add up to more than the total; every other dimension partitions the rows.
 */
public enum Dimension {
  /** The model that served the attempt (after a fallback, the fallback). */
  MODEL,
  /** The model the caller asked for. */
  MODEL_REQUESTED,
  PROVIDER,
  ORG,
  PROJECT,
  KEY,
  USER,
  TAG,
  STATUS,
  DEPLOYMENT,
  ENDPOINT;

  /** The query-parameter spelling: {@code model_requested}. */
  public String param() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Dimension parse(String param, String value) {
    for (Dimension d : values()) {
      if (d.param().equals(value)) {
        return d;
      }
    }
    throw new InvalidRequestException(param, param + ": '" + value + "' (expected one of: "
        + Arrays.stream(values()).map(Dimension::param).collect(Collectors.joining(", ")) + ")");
  }
}
