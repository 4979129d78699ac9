package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A price set by an operator (config or admin API) for one model from {@code effectiveFrom} on. It is a
 * <b>complete</b> price sheet: what it does not list is not listed (the snapshot's values are not merged
 * in), so that an override reads exactly as what it charges. Claude models still get Anthropic's
 * documented cache multipliers derived from the override's input price.
 *
 * <p>Build one with {@link #builder}; humans write USD per million tokens, which is converted exactly
 * ({@code 2.50} per million = {@code 0.0000025} per token).
 *
 * @param provider a Tollgate provider name ({@code openai}, {@code azure}, {@code anthropic} ...), or empty
 *     for "whatever provider serves this model name"
 * @param id the price version id to record; generated from the content when empty
 */
public record PriceOverride(
    String provider,
    String model,
    Instant effectiveFrom,
    String source,
    Optional<String> id,
    Optional<String> mode,
    List<PriceTier> tiers,
    Map<String, BigDecimal> regionalMultipliers) {

  public PriceOverride {
    requireNonNull(provider, "provider");
    requireNonNull(model, "model");
    requireNonNull(effectiveFrom, "effectiveFrom");
    requireNonNull(source, "source");
    requireNonNull(id, "id");
    requireNonNull(mode, "mode");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model: '" + model + "' (expected: a model name)");
    }
    if (source.isBlank()) {
      throw new IllegalArgumentException("source: '' (expected: e.g. config or admin-api)");
    }
    tiers = List.copyOf(tiers);
    if (tiers.stream().allMatch(PriceTier::isEmpty)) {
      throw new IllegalArgumentException("override of " + model + ": no price (expected: at least input-per-million or another price)");
    }
    regionalMultipliers = Map.copyOf(regionalMultipliers);
    regionalMultipliers.forEach((region, m) -> {
      if (m.compareTo(BigDecimal.ONE) < 0) {
        throw new IllegalArgumentException("regional multiplier " + region + ": " + m.toPlainString() + " (expected: >= 1)");
      }
    });
  }

  public static Builder builder(String provider, String model, Instant effectiveFrom) {
    return new Builder(provider, model, effectiveFrom);
  }

  /** The version id this override is recorded under: its explicit id, or source, key, date and a content hash. */
  String versionId(String key) {
    return id.orElseGet(() -> source + ":" + key + "@" + effectiveFrom + "#" + contentHash());
  }

  PricedModel toModel(String key, String liteLlmProvider, String defaultMode, Optional<Long> maxInputTokens) {
    PriceVersion version = new PriceVersion(versionId(key), source, effectiveFrom);
    return new PricedModel(key, liteLlmProvider, mode.orElse(defaultMode), maxInputTokens, version, tiers,
        regionalMultipliers, java.util.Set.of());
  }

  private String contentHash() {
    StringBuilder sb = new StringBuilder(provider).append('|').append(model).append('|').append(mode.orElse(""));
    for (PriceTier t : tiers) {
      sb.append("|>").append(t.aboveInputTokens());
      t.rates().forEach((st, rates) -> rates.forEach((c, r) ->
          sb.append(',').append(st).append('.').append(c).append('=').append(r.stripTrailingZeros().toPlainString())));
    }
    new TreeMap<>(regionalMultipliers).forEach((r, m) -> sb.append("|").append(r).append('=').append(m.stripTrailingZeros().toPlainString()));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** Collects prices; validates at {@link #build()}. */
  public static final class Builder {

    private final String provider;
    private final String model;
    private final Instant effectiveFrom;
    private String source = "override";
    private Optional<String> id = Optional.empty();
    private Optional<String> mode = Optional.empty();
    private final Map<Long, PriceTier.Builder> tiers = new TreeMap<>();
    private final Map<String, BigDecimal> regions = new TreeMap<>();

    private Builder(String provider, String model, Instant effectiveFrom) {
      this.provider = requireNonNull(provider, "provider");
      this.model = requireNonNull(model, "model");
      this.effectiveFrom = requireNonNull(effectiveFrom, "effectiveFrom");
      tiers.put(0L, PriceTier.builder(0));
    }

    public Builder source(String source) {
      this.source = requireNonNull(source, "source");
      return this;
    }

    public Builder id(String id) {
      this.id = Optional.of(requireNonNull(id, "id"));
      return this;
    }

    public Builder mode(String mode) {
      this.mode = Optional.of(requireNonNull(mode, "mode"));
      return this;
    }

    /** Standard price of a token component in USD per million tokens, e.g. {@code "2.50"}. */
    public Builder perMillion(PriceComponent component, String usdPerMillion) {
      return perMillion(0, ServiceTier.STANDARD, component, new BigDecimal(usdPerMillion));
    }

    public Builder perMillion(ServiceTier serviceTier, PriceComponent component, BigDecimal usdPerMillion) {
      return perMillion(0, serviceTier, component, usdPerMillion);
    }

    /** A token price that applies when the prompt has more than {@code aboveInputTokens} tokens. */
    public Builder perMillion(long aboveInputTokens, ServiceTier serviceTier, PriceComponent component, BigDecimal usdPerMillion) {
      if (component.unit() != PriceComponent.Unit.TOKEN) {
        throw new IllegalArgumentException(component.configName() + " is priced per " + component.unit().name().toLowerCase(java.util.Locale.ROOT)
            + " (expected: a token component for a per-million price)");
      }
      return put(aboveInputTokens, serviceTier, component, usdPerMillion.movePointLeft(6));
    }

    /** A price per request, per image or per web-search query, in USD. */
    public Builder perUnit(PriceComponent component, BigDecimal usd) {
      return perUnit(0, ServiceTier.STANDARD, component, usd);
    }

    public Builder perUnit(long aboveInputTokens, ServiceTier serviceTier, PriceComponent component, BigDecimal usd) {
      if (component.unit() == PriceComponent.Unit.TOKEN || component.unit() == PriceComponent.Unit.MULTIPLIER) {
        throw new IllegalArgumentException(component.configName() + " (expected: a per-request, per-image or per-query component)");
      }
      return put(aboveInputTokens, serviceTier, component, usd);
    }

    public Builder regionalMultiplier(String region, BigDecimal multiplier) {
      regions.put(requireNonNull(region, "region"), requireNonNull(multiplier, "multiplier"));
      return this;
    }

    private Builder put(long above, ServiceTier serviceTier, PriceComponent component, BigDecimal usdPerUnit) {
      requireNonNull(serviceTier, "serviceTier");
      requireNonNull(usdPerUnit, "price");
      tiers.computeIfAbsent(above, PriceTier::builder).replace(serviceTier, component, usdPerUnit);
      return this;
    }

    public PriceOverride build() {
      List<PriceTier> built = new ArrayList<>();
      tiers.values().forEach(b -> built.add(b.build()));
      return new PriceOverride(provider, model, effectiveFrom, source, id, mode, built, regions);
    }
  }
}
