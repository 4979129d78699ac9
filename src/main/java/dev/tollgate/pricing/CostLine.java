package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One line of a cost breakdown. Amounts are exact (not rounded): the lines add up to
 * {@link Cost#exactUsd()}, which is rounded once into {@link Cost#totalNanos()}.
 *
 * @param quantity tokens, requests, images or queries (1 for {@link PriceComponent#REGIONAL_UPLIFT})
 * @param unitPriceUsd USD per unit (the multiplier itself for the regional uplift)
 * @param amountUsd exact USD amount of this line
 */
public record CostLine(PriceComponent component, long quantity, BigDecimal unitPriceUsd, BigDecimal amountUsd, PriceBasis basis) {
  public CostLine {
    requireNonNull(component, "component");
    requireNonNull(unitPriceUsd, "unitPriceUsd");
    requireNonNull(amountUsd, "amountUsd");
    requireNonNull(basis, "basis");
  }
}
