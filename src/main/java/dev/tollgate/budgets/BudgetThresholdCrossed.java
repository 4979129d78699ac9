package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A budget's spend reached one of its thresholds in a period. Published on the event bus once per charge
 * that crosses it; alert rules dedupe to one alert per threshold per period.
 */
public record BudgetThresholdCrossed(Budget budget, Budget.Window window, int thresholdPercent, long spentNanos,
                                     Instant at) {
  public BudgetThresholdCrossed {
    requireNonNull(budget, "budget");
    requireNonNull(window, "window");
    requireNonNull(at, "at");
  }
}
