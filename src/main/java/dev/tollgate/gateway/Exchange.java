package dev.tollgate.gateway;

import dev.tollgate.auth.ApiKey;
import dev.tollgate.pricing.Cost;
import dev.tollgate.pricing.ServiceTier;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of one gateway request as it moves along the path. Confined to one event loop, so plain
 * fields. {@link #toRecord} turns it into the ledger row exactly once.
 */
final class Exchange {
  static final String CONTEXT_KEY = "tollgate.exchange";

  final String requestId;
  final Instant startedAt;
  final String endpoint;
  ApiKey key;
  String modelRequested = "";
  String modelServed = "";
  String provider = "";
  boolean stream;
  Optional<String> userId = Optional.empty();
  List<String> tags = List.of();
  /** The org and project the request is billed to (from the key). */
  Optional<String> orgId = Optional.empty();
  Optional<String> projectId = Optional.empty();
  /** The deployment that served the request, when the model has several. */
  Optional<String> deployment = Optional.empty();
  /** Upstream cost avoided by a response-cache hit, nano-USD. */
  long savedNanos;
  /** The model name configured for the upstream; prices fall back to it when the served name is unknown. */
  String upstreamModel = "";
  ServiceTier serviceTier = ServiceTier.STANDARD;
  Cost cost;
  Instant firstTokenAt;
  TokenUsage usage = TokenUsage.ZERO;
  boolean usageReported;
  final Set<UsageFlag> flags = EnumSet.noneOf(UsageFlag.class);
  private boolean recorded;
  /** What admission granted; charged with the ledger row and closed once by {@link Metering#finish}. */
  Admission.Ticket ticket = Admission.Ticket.NONE;
  boolean ticketClosed;

  Exchange(String requestId, Instant startedAt, String endpoint) {
    this.requestId = requestId;
    this.startedAt = startedAt;
    this.endpoint = endpoint;
  }

  /** The ledger row, or empty when it was already produced or there is no key to attribute it to. */
  Optional<UsageRecord> toRecord(Instant endedAt, int status, Optional<String> errorClass, long costNanos,
                                 Optional<String> priceVersion, Map<String, BigDecimal> costBreakdown) {
    if (recorded || key == null) {
      return Optional.empty();
    }
    recorded = true;
    return Optional.of(new UsageRecord(requestId, 0, startedAt, Optional.ofNullable(firstTokenAt), endedAt, key.id(),
        userId, tags, provider, modelRequested, modelServed.isEmpty() ? modelRequested : modelServed, endpoint, stream,
        usage, costNanos, status, errorClass, flags, priceVersion, costBreakdown, orgId, projectId, deployment,
        savedNanos));
  }
}
