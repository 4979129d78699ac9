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
  /** The request body's size in bytes. */
  int requestBytes;
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
  /** This attempt's number, 1..n: every upstream attempt is its own ledger row. */
  int attempt = 1;
  /** What admission granted; charged with every row and closed once when the request is over. */
  Admission.Ticket ticket = Admission.Ticket.NONE;
  private boolean ticketClosed;
  /** The model a budget downgraded the request from. */
  Optional<String> downgradedFrom = Optional.empty();
  /** The deployment shown in the x-tollgate-deployment header ({@code model/id}). */
  Optional<String> deploymentShown = Optional.empty();
  /** The model that served when it was a fallback. */
  Optional<String> fallbackModel = Optional.empty();
  /** {@code hit}, {@code miss} or {@code off}: the x-tollgate-cache header. */
  String cacheStatus = "off";
  /** Written SSE events kept for the response cache; null when the answer is not going to be cached. */
  List<io.vertx.core.buffer.Buffer> capture;
  /** Runs once the answer went out complete with 200 (fills the response cache). */
  Runnable onAnswered = () -> {};
  /** A non-streamed answer's body, kept for the response cache. */
  io.vertx.core.buffer.Buffer answerBody;
  private boolean recorded;

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
    return Optional.of(new UsageRecord(requestId, attempt, startedAt, Optional.ofNullable(firstTokenAt), endedAt, key.id(),
        userId, tags, provider, modelRequested, modelServed.isEmpty() ? modelRequested : modelServed, endpoint, stream,
        usage, costNanos, status, errorClass, flags, priceVersion, costBreakdown, orgId, projectId, deployment,
        savedNanos));
  }

  /** After a failed attempt was recorded: the next attempt starts with a clean slate. */
  void nextAttempt() {
    recorded = false;
    attempt++;
    usage = TokenUsage.ZERO;
    usageReported = false;
    cost = null;
    firstTokenAt = null;
    modelServed = "";
    flags.remove(UsageFlag.ESTIMATED);
    flags.remove(UsageFlag.UNPRICED);
  }

  /** Releases the admission ticket; only the first call does anything. */
  void closeTicket() {
    if (!ticketClosed) {
      ticketClosed = true;
      ticket.close();
    }
  }
}
