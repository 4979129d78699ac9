package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cost of one usage record.
 *
 * @param totalNanos the charge in nano-USD (1e-9 USD): {@link #exactUsd()} rounded once, half-even
 *     ({@link CostEngine#ROUNDING})
 * @param exactUsd the exact sum of {@link #lines()}, before rounding
 * @param modelKey the catalog key that priced it; empty when the model is unknown
 * @param priceVersion the price version used; a record stores its id to keep the price it was charged at
 * @param notes one line per derived, fallback or missing price, for people reading the record
 */
public record Cost(
    long totalNanos,
    BigDecimal exactUsd,
    List<CostLine> lines,
    Optional<String> modelKey,
    Optional<PriceVersion> priceVersion,
    Set<CostFlag> flags,
    List<String> notes) {

  public Cost {
    requireNonNull(exactUsd, "exactUsd");
    requireNonNull(modelKey, "modelKey");
    requireNonNull(priceVersion, "priceVersion");
    lines = List.copyOf(lines);
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    notes = List.copyOf(notes);
    if (totalNanos < 0) {
      throw new IllegalArgumentException("totalNanos: " + totalNanos + " (expected: >= 0)");
    }
  }

  /**
   * A cost of 0 flagged {@link CostFlag#UNPRICED}: the model has no known price. Never a silent $0; budgets
   * should count {@link UnpricedEstimator}'s conservative estimate instead.
   */
  public static Cost unpriced(String provider, String model, String reason) {
    return new Cost(0, BigDecimal.ZERO, List.of(), Optional.empty(), Optional.empty(), Set.of(CostFlag.UNPRICED),
        List.of("no price for " + (provider.isEmpty() ? "" : provider + "/") + model + ": " + reason));
  }

  static Cost unpriced(PricedModel model, String reason) {
    return new Cost(0, BigDecimal.ZERO, List.of(), Optional.of(model.key()), Optional.of(model.version()),
        Set.of(CostFlag.UNPRICED), List.of("no price for " + model.key() + ": " + reason));
  }

  public boolean unpriced() {
    return flags.contains(CostFlag.UNPRICED);
  }

  public Optional<String> priceVersionId() {
    return priceVersion.map(PriceVersion::id);
  }

  /** {@link #totalNanos()} as USD with 9 decimals, e.g. {@code 0.000012345}. */
  public BigDecimal totalUsd() {
    return BigDecimal.valueOf(totalNanos, 9);
  }

  /** The exact amount of one component (0 if it has no line). */
  public BigDecimal amountUsd(PriceComponent component) {
    BigDecimal sum = BigDecimal.ZERO;
    for (CostLine l : lines) {
      if (l.component() == component) {
        sum = sum.add(l.amountUsd());
      }
    }
    return sum;
  }
}
