package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import dev.tollgate.usage.TokenUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What budgets should count for a request: its real cost when the model is priced, otherwise a
 * conservative estimate, so that an unpriced model can never spend a budget for free.
 *
 * <p>The estimate bills every input token (all classes) at one input rate and every output token at one
 * output rate, rounded up to the nano-dollar:
 * <ol>
 *   <li>the configured default ({@code pricing.unpriced-estimate}), when there is one;</li>
 *   <li>else the highest input and output prices of any chat/completion model the catalog lists for the
 *       same provider family, across every prompt-size and service tier;</li>
 *   <li>else (a provider the catalog does not know) the highest such prices of the first-party
 *       families ({@link #REFERENCE_PROVIDERS}): the whole catalog is not used because a few third-party
 *       entries carry per-million figures in per-token fields (see {@link LoadReport#suspicious()}).</li>
 * </ol>
 */
public final class UnpricedEstimator {
  private static final Set<String> TEXT_MODES = Set.of("chat", "completion", "responses");
  /** The providers whose prices bound an estimate for a provider the catalog does not know. */
  public static final List<String> REFERENCE_PROVIDERS = List.of("openai", "anthropic", "gemini", "vertex_ai", "bedrock", "azure");
  private static final List<PriceComponent> INPUT_SIDE = List.of(PriceComponent.INPUT, PriceComponent.CACHE_READ,
      PriceComponent.CACHE_WRITE_5M, PriceComponent.CACHE_WRITE_1H, PriceComponent.AUDIO_INPUT, PriceComponent.IMAGE_INPUT);
  private static final List<PriceComponent> OUTPUT_SIDE = List.of(PriceComponent.OUTPUT, PriceComponent.REASONING,
      PriceComponent.AUDIO_OUTPUT);

  /** A per-token input and output rate, in USD. */
  public record Rates(BigDecimal inputPerToken, BigDecimal outputPerToken) {
    public Rates {
      requireNonNull(inputPerToken, "inputPerToken");
      requireNonNull(outputPerToken, "outputPerToken");
      if (inputPerToken.signum() < 0 || outputPerToken.signum() < 0) {
        throw new IllegalArgumentException("estimate rates: " + inputPerToken + ", " + outputPerToken + " (expected: >= 0)");
      }
    }

    /** From USD per million tokens, as written in config: {@code ofPerMillion("15", "75")}. */
    public static Rates ofPerMillion(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
      return new Rates(inputPerMillion.movePointLeft(6), outputPerMillion.movePointLeft(6));
    }
  }

  /** Where an estimate came from. */
  public enum Basis { PRICED, CONFIGURED_DEFAULT, PROVIDER_MAX, REFERENCE_MAX, NONE }

  /**
   * @param nanos what to reserve or count, in nano-USD
   * @param cost the real cost when {@code basis} is {@code PRICED}
   */
  public record Estimate(long nanos, Basis basis, Optional<Cost> cost, String explanation) {}

  private final Supplier<PriceCatalog> catalog;
  private final Optional<Rates> configuredDefault;

  public UnpricedEstimator(Supplier<PriceCatalog> catalog, Optional<Rates> configuredDefault) {
    this.catalog = requireNonNull(catalog, "catalog");
    this.configuredDefault = requireNonNull(configuredDefault, "configuredDefault");
  }

  public UnpricedEstimator(PriceCatalog catalog, Optional<Rates> configuredDefault) {
    this(() -> catalog, configuredDefault);
    requireNonNull(catalog, "catalog");
  }

  public Estimate estimate(String provider, String model, TokenUsage usage, CostContext context, Instant at) {
    PriceCatalog c = catalog.get();
    Optional<PricedModel> priced = c.lookup(provider, model, at);
    if (priced.isPresent()) {
      Cost cost = CostEngine.cost(priced.get(), usage, context);
      if (!cost.unpriced()) {
        return new Estimate(cost.totalNanos(), Basis.PRICED, Optional.of(cost), "priced by " + cost.priceVersionId().orElse("?"));
      }
    }
    Basis basis;
    Optional<Rates> rates;
    if (configuredDefault.isPresent()) {
      basis = Basis.CONFIGURED_DEFAULT;
      rates = configuredDefault;
    } else {
      rates = ProviderFamily.of(provider).any() ? Optional.empty() : maxRates(c, provider, at);
      basis = Basis.PROVIDER_MAX;
      if (rates.isEmpty()) {
        rates = REFERENCE_PROVIDERS.stream().map(p -> maxRates(c, p, at)).flatMap(Optional::stream)
            .reduce((a, b) -> new Rates(a.inputPerToken().max(b.inputPerToken()), a.outputPerToken().max(b.outputPerToken())));
        basis = Basis.REFERENCE_MAX;
      }
    }
    if (rates.isEmpty()) {
      return new Estimate(0, Basis.NONE, Optional.empty(), "no price known for " + model + " and none to estimate from");
    }
    Rates r = rates.get();
    BigDecimal usd = r.inputPerToken().multiply(BigDecimal.valueOf(usage.totalInputTokens()))
        .add(r.outputPerToken().multiply(BigDecimal.valueOf(usage.totalOutputTokens())));
    long nanos = usd.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
    return new Estimate(nanos, basis, Optional.empty(), "estimated for unpriced " + model + " at input "
        + perMillion(r.inputPerToken()) + " / output " + perMillion(r.outputPerToken()) + " USD per million tokens ("
        + basis.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
  }

  /** The highest input-side and output-side token prices of the provider family's text models. */
  static Optional<Rates> maxRates(PriceCatalog catalog, String provider, Instant at) {
    BigDecimal maxIn = null;
    BigDecimal maxOut = null;
    for (Iterator<PricedModel> it = catalog.modelsAt(provider, at).iterator(); it.hasNext(); ) {
      PricedModel m = it.next();
      if (!TEXT_MODES.contains(m.mode())) {
        continue;
      }
      for (PriceTier t : m.tiers()) {
        for (ServiceTier s : ServiceTier.values()) {
          maxIn = max(maxIn, t, s, INPUT_SIDE);
          maxOut = max(maxOut, t, s, OUTPUT_SIDE);
        }
      }
    }
    if (maxIn == null || maxOut == null) {
      return Optional.empty();
    }
    return Optional.of(new Rates(maxIn, maxOut));
  }

  private static BigDecimal max(BigDecimal current, PriceTier tier, ServiceTier s, List<PriceComponent> components) {
    for (PriceComponent c : components) {
      BigDecimal r = tier.rateOrNull(s, c);
      if (r != null && (current == null || r.compareTo(current) > 0)) {
        current = r;
      }
    }
    return current;
  }

  private static String perMillion(BigDecimal perToken) {
    return perToken.movePointRight(6).stripTrailingZeros().toPlainString();
  }
}
