package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One version of one model's prices: what {@link PriceCatalog#lookup} returns and {@link CostEngine#cost}
 * charges with. Immutable.
 *
 * @param key the catalog key (the LiteLLM key, e.g. {@code gpt-4o}, {@code azure/gpt-4o},
 *     {@code anthropic.claude-sonnet-4-5-20250929-v1:0})
 * @param provider the LiteLLM provider ({@code openai}, {@code azure}, {@code bedrock_converse} ...) or, for
 *     an override of a model the snapshot does not know, the provider the override names
 * @param mode {@code chat}, {@code embedding}, {@code completion}, {@code image_generation} ...
 * @param tiers ascending by {@link PriceTier#aboveInputTokens()}; the first one is the base tier (0)
 * @param regionalMultipliers data-residency uplift by region code ({@code eu}, {@code us}), e.g. 1.1
 * @param unsupportedFields cost fields of the source that Tollgate does not charge (per second, per
 *     character ...); listed so that nobody mistakes their absence from a cost for a zero price
 */
public record PricedModel(
    String key,
    String provider,
    String mode,
    Optional<Long> maxInputTokens,
    PriceVersion version,
    List<PriceTier> tiers,
    Map<String, BigDecimal> regionalMultipliers,
    Set<String> unsupportedFields) {

  public PricedModel {
    requireNonNull(key, "key");
    requireNonNull(provider, "provider");
    requireNonNull(mode, "mode");
    requireNonNull(maxInputTokens, "maxInputTokens");
    requireNonNull(version, "version");
    List<PriceTier> sorted = new ArrayList<>(tiers);
    sorted.sort(Comparator.comparingLong(PriceTier::aboveInputTokens));
    if (sorted.isEmpty() || sorted.getFirst().aboveInputTokens() != 0) {
      sorted.addFirst(PriceTier.builder(0).build());
    }
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).aboveInputTokens() == sorted.get(i - 1).aboveInputTokens()) {
        throw new IllegalArgumentException("tiers: two tiers above " + sorted.get(i).aboveInputTokens() + " tokens (expected: distinct thresholds)");
      }
    }
    tiers = List.copyOf(sorted);
    regionalMultipliers = Map.copyOf(new TreeMap<>(regionalMultipliers));
    unsupportedFields = Set.copyOf(new TreeSet<>(unsupportedFields));
  }

  /** Whether any price at all is listed; a model priced only per second or per character is not. */
  public boolean priceable() {
    for (PriceTier t : tiers) {
      if (!t.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The standard, base-tier price of a component, in USD per unit. */
  public Optional<BigDecimal> rate(PriceComponent component) {
    return tiers.getFirst().rate(ServiceTier.STANDARD, component);
  }

  /** The standard, base-tier price in USD per million units (tokens). */
  public Optional<BigDecimal> ratePerMillion(PriceComponent component) {
    return rate(component).map(r -> r.movePointRight(6).stripTrailingZeros());
  }

  /** The index into {@link #tiers()} that a request with this many prompt tokens is billed at. */
  public int tierIndexFor(long promptTokens) {
    int sel = 0;
    for (int i = 1; i < tiers.size(); i++) {
      if (promptTokens > tiers.get(i).aboveInputTokens()) {
        sel = i;
      }
    }
    return sel;
  }

  /** Whether the model lists any price for this service tier (every model lists standard prices, if any). */
  public boolean offers(ServiceTier serviceTier) {
    for (PriceTier t : tiers) {
      if (t.lists(serviceTier)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether Anthropic's documented prompt-cache multipliers apply: 5-minute writes 1.25x, 1-hour writes
   * 2x and reads 0.1x the base input price. True for Claude models wherever they are served.
   */
  public boolean anthropicFamily() {
    return provider.equals("anthropic") || key.toLowerCase(Locale.ROOT).contains("claude");
  }

  public boolean embedding() {
    return mode.equals("embedding") || mode.equals("rerank") || mode.equals("moderation");
  }

  PricedModel withVersion(PriceVersion version) {
    return new PricedModel(key, provider, mode, maxInputTokens, version, tiers, regionalMultipliers, unsupportedFields);
  }

  PricedModel withKey(String key) {
    return new PricedModel(key, provider, mode, maxInputTokens, version, tiers, regionalMultipliers, unsupportedFields);
  }
}
