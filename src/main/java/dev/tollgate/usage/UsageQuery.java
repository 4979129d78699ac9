package dev.tollgate.usage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A ledger query: filters, page size and cursor. Pages are newest first; {@code cursor} is the opaque
 * {@code next_cursor} of the previous page. Exports ignore {@code limit} and {@code cursor}.
 *
 * @param tag rows whose tags contain this tag
 * @param orgId rows of this org (tenant scoping sets it)
 * @param projectId rows of this project
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
    Optional<String> cursor,
    Optional<String> orgId,
    Optional<String> projectId) {

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
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
    }
  }

  /** Without org or project filters. */
  public UsageQuery(Optional<Instant> from, Optional<Instant> to, Optional<String> keyId, Optional<String> userId,
                    Optional<String> model, Optional<String> provider, Optional<String> endpoint, Optional<String> tag,
                    Optional<Integer> status, int limit, Optional<String> cursor) {
    this(from, to, keyId, userId, model, provider, endpoint, tag, status, limit, cursor, Optional.empty(), Optional.empty());
  }

  /** No filters, the newest {@code limit} rows. */
  public static UsageQuery latest(int limit) {
    return new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit, Optional.empty());
  }

  public UsageQuery withRange(Optional<Instant> from, Optional<Instant> to) {
    return new UsageQuery(from, to, keyId, userId, model, provider, endpoint, tag, status, limit, cursor, orgId, projectId);
  }

  public UsageQuery withKeyId(String keyId) {
    return new UsageQuery(from, to, Optional.of(keyId), userId, model, provider, endpoint, tag, status, limit, cursor, orgId, projectId);
  }

  public UsageQuery withModel(String model) {
    return new UsageQuery(from, to, keyId, userId, Optional.of(model), provider, endpoint, tag, status, limit, cursor, orgId, projectId);
  }

  public UsageQuery withTag(String tag) {
    return new UsageQuery(from, to, keyId, userId, model, provider, endpoint, Optional.of(tag), status, limit, cursor, orgId, projectId);
  }

  /** Narrowed to one org and, when present, one project: how tenant scoping applies to every ledger read. */
  public UsageQuery withScope(Optional<String> org, Optional<String> project) {
    return new UsageQuery(from, to, keyId, userId, model, provider, endpoint, tag, status, limit, cursor, org, project);
  }

  public UsageQuery withCursor(Optional<String> cursor) {
    return new UsageQuery(from, to, keyId, userId, model, provider, endpoint, tag, status, limit, cursor, orgId, projectId);
  }
}
