package dev.tollgate.budgets;

import dev.tollgate.usage.TokenUsage;
import java.time.Instant;

/**
 * A ledger row whose model had no price (flag {@code UNPRICED}, cost 0): budgets charge it at the
 * conservative estimate, which the ledger does not hold, so a restore from the ledger prices it again.
 */
public record UnpricedRow(String provider, String modelServed, Instant startedAt, TokenUsage usage) {}
