package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

/** One group of a breakdown: its key (a model name, a project id, {@code "(none)"} ...) and its totals. */
public record Group(String key, Totals totals) {
  /** The key of rows without a value in the dimension (no user, no deployment). */
  public static final String NONE = "(none)";
  /** The key that collects every group outside the top N. */
  public static final String OTHER = "(other)";

  public Group {
    requireNonNull(key, "key");
    requireNonNull(totals, "totals");
  }
}
