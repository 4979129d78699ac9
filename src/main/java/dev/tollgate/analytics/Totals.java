package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import dev.tollgate.usage.TokenUsage;

/**
 * Aggregates over a set of ledger rows. A request is counted once, by its first attempt (the gateway numbers
 * attempts 1..n, retries and fallbacks included; ledgers written before retries existed have a single attempt
 * 0); cost, tokens, errors and latency count every attempt (each attempt was paid for, or failed, on its own).
 *
 * @param requests distinct requests (rows with {@code attempt <= 1})
 * @param attempts ledger rows (requests plus retries and fallbacks)
 * @param errors attempts with status >= 400
 * @param fallbacks attempts flagged {@code FALLBACK_USED}
 * @param cacheHits attempts flagged {@code CACHE_HIT}
 * @param costNanos spend, nano-USD
 * @param savedNanos what cache hits would have cost upstream, nano-USD
 * @param tokens token sums per class
 * @param latencyMillisSum for the average latency
 */
public record Totals(long requests, long attempts, long errors, long fallbacks, long cacheHits, long costNanos,
                     long savedNanos, TokenUsage tokens, long latencyMillisSum) {
  public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, TokenUsage.ZERO, 0);

  public Totals {
    requireNonNull(tokens, "tokens");
  }

  public Totals plus(Totals o) {
    TokenUsage a = tokens;
    TokenUsage b = o.tokens;
    return new Totals(requests + o.requests, attempts + o.attempts, errors + o.errors, fallbacks + o.fallbacks,
        cacheHits + o.cacheHits, costNanos + o.costNanos, savedNanos + o.savedNanos,
        new TokenUsage(a.inputTokens() + b.inputTokens(), a.cacheReadTokens() + b.cacheReadTokens(),
            a.cacheWrite5mTokens() + b.cacheWrite5mTokens(), a.cacheWrite1hTokens() + b.cacheWrite1hTokens(),
            a.audioInputTokens() + b.audioInputTokens(), a.imageInputTokens() + b.imageInputTokens(),
            a.outputTokens() + b.outputTokens(), a.reasoningTokens() + b.reasoningTokens(),
            a.audioOutputTokens() + b.audioOutputTokens()),
        latencyMillisSum + o.latencyMillisSum);
  }
}
