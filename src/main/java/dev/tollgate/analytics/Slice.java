package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Which ledger rows an analytics query reads: a half-open time range on {@code started_at} and optional
 * filters. {@code orgId} and {@code projectId} come from the caller's {@link dev.tollgate.auth.AdminScope}
 * (narrowed, never widened), the rest from the request.
 */
public record Slice(Instant from, Instant to, Optional<String> orgId, Optional<String> projectId,
                    Optional<String> keyId, Optional<String> model, Optional<String> provider, Optional<String> userId,
                    Optional<String> tag) {
  public Slice {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(keyId, "keyId");
    requireNonNull(model, "model");
    requireNonNull(provider, "provider");
    requireNonNull(userId, "userId");
    requireNonNull(tag, "tag");
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from " + from + " is after to " + to);
    }
  }

  /** Every row in the range, of every org. */
  public static Slice all(Instant from, Instant to) {
    Optional<String> none = Optional.empty();
    return new Slice(from, to, none, none, none, none, none, none, none);
  }

  public Slice withRange(Instant from, Instant to) {
    return new Slice(from, to, orgId, projectId, keyId, model, provider, userId, tag);
  }

  public Slice withScope(Optional<String> orgId, Optional<String> projectId) {
    return new Slice(from, to, orgId, projectId, keyId, model, provider, userId, tag);
  }
}
