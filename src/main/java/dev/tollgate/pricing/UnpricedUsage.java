package dev.tollgate.pricing;

import java.time.Instant;

/**
 * Published when a request consumed tokens on a model with no known price: its ledger row is flagged
 * {@code UNPRICED} (never a silent $0) and alert rules can subscribe to this event.
 */
public record UnpricedUsage(String requestId, String keyId, String provider, String model, Instant at, String reason) {}
