package dev.tollgate.usage;

import java.time.Instant;
import java.util.Optional;

/**
 * A ledger query. Results are newest first; {@code cursor} is the opaque {@code next_cursor} of the
 * previous page.
 */
public record UsageQuery(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> keyId,
    Optional<String> model,
    Optional<String> provider,
    Optional<Integer> status,
    int limit,
    Optional<String> cursor) {

  public static final int MAX_LIMIT = 1000;

  public UsageQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
    }
  }

  public static UsageQuery latest(int limit) {
    return new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), limit, Optional.empty());
  }
}
