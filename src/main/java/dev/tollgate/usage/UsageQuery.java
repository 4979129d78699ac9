package dev.tollgate.usage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A ledger query: filters, page size and cursor. Pages are newest first; {@code cursor} is the opaque
 * {@code next_cursor} of the previous page. Exports ignore {@code limit} and {@code cursor}.
 *
 * @param tag rows whose tags contain this tag
 */
public record UsageQuery(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> keyId,
    Optional<String> userId,
    Optional<String> model,
    Optional<String> provider,
    Optional<String> endpoint,
    Optional<String> tag,
    Optional<Integer> status,
    int limit,
    Optional<String> cursor) {

  public static final int MAX_LIMIT = 1000;

  public UsageQuery {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    requireNonNull(keyId, "keyId");
    requireNonNull(userId, "userId");
    requireNonNull(model, "model");
    requireNonNull(provider, "provider");
    requireNonNull(endpoint, "endpoint");
    requireNonNull(tag, "tag");
    requireNonNull(status, "status");
    requireNonNull(cursor, "cursor");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
    }
  }

  /** No filters, the newest {@code limit} rows. */
  public static UsageQuery latest(int limit) {
    return new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit, Optional.empty());
  }

  public UsageQuery withRange(Optional<Instant> from, Optional<Instant> to) {
    return new UsageQuery(from, to, keyId, userId, model, provider, endpoint, tag, status, limit, cursor);
  }

  public UsageQuery withKeyId(String keyId) {
    return new UsageQuery(from, to, Optional.of(keyId), userId, model, provider, endpoint, tag, status, limit, cursor);
  }

  public UsageQuery withModel(String model) {
    return new UsageQuery(from, to, keyId, userId, Optional.of(model), provider, endpoint, tag, status, limit, cursor);
  }

  public UsageQuery withTag(String tag) {
    return new UsageQuery(from, to, keyId, userId, model, provider, endpoint, Optional.of(tag), status, limit, cursor);
  }

  public UsageQuery withCursor(Optional<String> cursor) {
    return new UsageQuery(from, to, keyId, userId, model, provider, endpoint, tag, status, limit, cursor);
  }
}
