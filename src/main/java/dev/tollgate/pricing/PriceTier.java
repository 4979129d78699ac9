package dev.tollgate.pricing;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The prices of one prompt-size tier of a model, per {@link ServiceTier}, in USD per unit (per token for
 * token components). Tier 0 of a model has {@code aboveInputTokens == 0} and holds its ordinary prices; a
 * long-context tier ({@code *_above_200k_tokens}, a {@code tiered_pricing} range) applies to a whole
 * request whose prompt has <i>more than</i> {@code aboveInputTokens} tokens.
 */
public final class PriceTier {
  private static final ServiceTier[] TIERS = ServiceTier.values();
  private static final PriceComponent[] COMPONENTS = PriceComponent.values();

  private final long aboveInputTokens;
  private final BigDecimal[][] rates; // [ServiceTier.ordinal][PriceComponent.ordinal], null = not listed

  private PriceTier(long aboveInputTokens, BigDecimal[][] rates) {
    this.aboveInputTokens = aboveInputTokens;
    this.rates = rates;
  }

  public static Builder builder(long aboveInputTokens) {
    return new Builder(aboveInputTokens);
  }

  public long aboveInputTokens() {
    return aboveInputTokens;
  }

  /** The listed price, in USD per unit; empty when this tier lists none. */
  public Optional<BigDecimal> rate(ServiceTier tier, PriceComponent component) {
    return Optional.ofNullable(rates[tier.ordinal()][component.ordinal()]);
  }

  BigDecimal rateOrNull(ServiceTier tier, PriceComponent component) {
    return rates[tier.ordinal()][component.ordinal()];
  }

  boolean lists(ServiceTier tier) {
    for (BigDecimal r : rates[tier.ordinal()]) {
      if (r != null) {
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    for (ServiceTier t : TIERS) {
      if (lists(t)) {
        return false;
      }
    }
    return true;
  }

  /** Every listed price, by service tier and component. */
  public Map<ServiceTier, Map<PriceComponent, BigDecimal>> rates() {
    Map<ServiceTier, Map<PriceComponent, BigDecimal>> out = new EnumMap<>(ServiceTier.class);
    for (ServiceTier t : TIERS) {
      Map<PriceComponent, BigDecimal> m = new EnumMap<>(PriceComponent.class);
      for (PriceComponent c : COMPONENTS) {
        BigDecimal r = rates[t.ordinal()][c.ordinal()];
        if (r != null) {
          m.put(c, r);
        }
      }
      if (!m.isEmpty()) {
        out.put(t, Collections.unmodifiableMap(m));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PriceTier other) || other.aboveInputTokens != aboveInputTokens) {
      return false;
    }
    for (int t = 0; t < TIERS.length; t++) {
      for (int c = 0; c < COMPONENTS.length; c++) {
        BigDecimal a = rates[t][c];
        BigDecimal b = other.rates[t][c];
        if (a == null ? b != null : b == null || a.compareTo(b) != 0) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(aboveInputTokens);
    for (BigDecimal[] row : rates) {
      for (BigDecimal r : row) {
        h = 31 * h + (r == null ? 0 : r.stripTrailingZeros().hashCode());
      }
    }
    return h;
  }

  @Override
  public String toString() {
    return "PriceTier[above=" + aboveInputTokens + ", rates=" + rates() + "]";
  }

  /** Collects prices; the first price put for a (tier, component) wins unless {@link #replace} is used. */
  public static final class Builder {
    private final long aboveInputTokens;
    private final BigDecimal[][] rates = new BigDecimal[TIERS.length][COMPONENTS.length];

    private Builder(long aboveInputTokens) {
      if (aboveInputTokens < 0) {
        throw new IllegalArgumentException("aboveInputTokens: " + aboveInputTokens + " (expected: >= 0)");
      }
      this.aboveInputTokens = aboveInputTokens;
    }

    public long aboveInputTokens() {
      return aboveInputTokens;
    }

    /** Sets the price unless one is already set; returns whether it was set. */
    public boolean putIfAbsent(ServiceTier tier, PriceComponent component, BigDecimal usdPerUnit) {
      if (rates[tier.ordinal()][component.ordinal()] != null) {
        return false;
      }
      replace(tier, component, usdPerUnit);
      return true;
    }

    public Builder replace(ServiceTier tier, PriceComponent component, BigDecimal usdPerUnit) {
      if (component == PriceComponent.REGIONAL_UPLIFT) {
        throw new IllegalArgumentException("component: REGIONAL_UPLIFT (expected: a listed price component)");
      }
      if (usdPerUnit.signum() < 0) {
        throw new IllegalArgumentException(component.configName() + ": " + usdPerUnit.toPlainString() + " (expected: >= 0)");
      }
      rates[tier.ordinal()][component.ordinal()] = usdPerUnit;
      return this;
    }

    public boolean has(ServiceTier tier, PriceComponent component) {
      return rates[tier.ordinal()][component.ordinal()] != null;
    }

    public PriceTier build() {
      BigDecimal[][] copy = new BigDecimal[TIERS.length][];
      for (int i = 0; i < TIERS.length; i++) {
        copy[i] = Arrays.copyOf(rates[i], rates[i].length);
      }
      return new PriceTier(aboveInputTokens, copy);
    }
  }
}
