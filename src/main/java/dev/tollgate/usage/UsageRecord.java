package dev.tollgate.usage;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One row of the usage ledger: one attempt of one request. The pair (requestId, attempt) is the
 * idempotency key of the ledger.
 *
 * @param endpoint {@code chat}, {@code completions}, {@code embeddings} or {@code messages}
 * @param status the HTTP status the caller saw (499 when the caller went away first)
 * @param costNanos cost in nano-USD (1e-9 USD); exact integer, never a floating-point amount
 * @param priceVersion the price version the cost was computed with (resolvable after prices change)
 * @param costBreakdown exact USD per price component ({@code input}, {@code cache_read}, {@code output} ...),
 *     before the one rounding to nano-USD; empty when nothing was priced
 * @param orgId the org of the key's project (empty for the master key)
 * @param projectId the project of the key (empty for the master key)
 * @param deployment the deployment that served this attempt (empty when the model has a single upstream)
 * @param savedNanos what the request would have cost upstream when it was answered from the response cache
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
    Set<UsageFlag> flags,
    Optional<String> priceVersion,
    Map<String, BigDecimal> costBreakdown,
    Optional<String> orgId,
    Optional<String> projectId,
    Optional<String> deployment,
    long savedNanos) {

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
    requireNonNull(priceVersion, "priceVersion");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(deployment, "deployment");
    tags = List.copyOf(tags);
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags);
    costBreakdown = costBreakdown.isEmpty() ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(costBreakdown));
  }

  /** A record without a price version or breakdown (unpriced, or nothing consumed). */
  public UsageRecord(String requestId, int attempt, Instant startedAt, Optional<Instant> firstTokenAt, Instant endedAt,
                     String keyId, Optional<String> userId, List<String> tags, String provider, String modelRequested,
                     String modelServed, String endpoint, boolean stream, TokenUsage usage, long costNanos, int status,
                     Optional<String> errorClass, Set<UsageFlag> flags) {
    this(requestId, attempt, startedAt, firstTokenAt, endedAt, keyId, userId, tags, provider, modelRequested, modelServed,
        endpoint, stream, usage, costNanos, status, errorClass, flags, Optional.empty(), Map.of());
  }

  /** A record without attribution to an org or project, deployment or cache savings. */
  public UsageRecord(String requestId, int attempt, Instant startedAt, Optional<Instant> firstTokenAt, Instant endedAt,
                     String keyId, Optional<String> userId, List<String> tags, String provider, String modelRequested,
                     String modelServed, String endpoint, boolean stream, TokenUsage usage, long costNanos, int status,
                     Optional<String> errorClass, Set<UsageFlag> flags, Optional<String> priceVersion,
                     Map<String, BigDecimal> costBreakdown) {
    this(requestId, attempt, startedAt, firstTokenAt, endedAt, keyId, userId, tags, provider, modelRequested, modelServed,
        endpoint, stream, usage, costNanos, status, errorClass, flags, priceVersion, costBreakdown, Optional.empty(),
        Optional.empty(), Optional.empty(), 0);
  }

  /** This record attributed to an org and project. */
  public UsageRecord withAttribution(Optional<String> org, Optional<String> project) {
    return new UsageRecord(requestId, attempt, startedAt, firstTokenAt, endedAt, keyId, userId, tags, provider,
        modelRequested, modelServed, endpoint, stream, usage, costNanos, status, errorClass, flags, priceVersion,
        costBreakdown, org, project, deployment, savedNanos);
  }

  /** This record with the deployment that served it and the cost a cache hit saved. */
  public UsageRecord withDeployment(Optional<String> servedBy, long saved) {
    return new UsageRecord(requestId, attempt, startedAt, firstTokenAt, endedAt, keyId, userId, tags, provider,
        modelRequested, modelServed, endpoint, stream, usage, costNanos, status, errorClass, flags, priceVersion,
        costBreakdown, orgId, projectId, servedBy, saved);
  }

  public long latencyMillis() {
    return endedAt.toEpochMilli() - startedAt.toEpochMilli();
  }
}
