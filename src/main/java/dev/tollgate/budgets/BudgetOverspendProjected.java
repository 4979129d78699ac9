package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * At the current burn rate a budget will be spent before its period ends.
 *
 * @param projectedNanos the spend projected for the whole period at the current burn rate
 * @param exhaustionAt when the budget runs out at that rate
 */
public record BudgetOverspendProjected(Budget budget, Budget.Window window, long spentNanos, long projectedNanos,
                                       Optional<Instant> exhaustionAt, Instant at) {
  public BudgetOverspendProjected {
    requireNonNull(budget, "budget");
    requireNonNull(window, "window");
    requireNonNull(exhaustionAt, "exhaustionAt");
    requireNonNull(at, "at");
  }
}
