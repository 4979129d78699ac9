package dev.tollgate.usage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the usage ledger: one attempt of one request. The pair (requestId, attempt) is the
 * idempotency key of the ledger.
 *
 * @param endpoint {@code chat}, {@code completions}, {@code embeddings} or {@code messages}
 * @param status the HTTP status the caller saw (499 when the caller went away first)
 * @param costNanos cost in nano-USD (1e-9 USD); exact integer, never a floating-point amount
 */
public record UsageRecord(
    String requestId,
    int attempt,
    Instant startedAt,
    Optional<Instant> firstTokenAt,
    Instant endedAt,
    String keyId,
    Optional<String> userId,
    List<String> tags,
    String provider,
    String modelRequested,
    String modelServed,
    String endpoint,
    boolean stream,
    TokenUsage usage,
    long costNanos,
    int status,
    Optional<String> errorClass,
    Set<UsageFlag> flags) {

  public UsageRecord {
    requireNonNull(requestId, "requestId");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(firstTokenAt, "firstTokenAt");
    requireNonNull(endedAt, "endedAt");
    requireNonNull(keyId, "keyId");
    requireNonNull(userId, "userId");
    requireNonNull(provider, "provider");
    requireNonNull(modelRequested, "modelRequested");
    requireNonNull(modelServed, "modelServed");
    requireNonNull(endpoint, "endpoint");
    requireNonNull(usage, "usage");
    requireNonNull(errorClass, "errorClass");
    tags = List.copyOf(tags);
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags);
  }

  public long latencyMillis() {
    return endedAt.toEpochMilli() - startedAt.toEpochMilli();
  }
}
