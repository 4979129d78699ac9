package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import dev.tollgate.usage.TokenUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Exact cost of one usage record: every token class of {@link TokenUsage} (they are disjoint) times its
 * unit price, in {@link BigDecimal}, summed, and rounded <b>once</b> to nano-USD with {@link #ROUNDING}.
 *
 * <p>Rules (docs/pricing.md has the full table):
 * <ul>
 *   <li><b>Long context.</b> When the prompt (every input token: text, cache reads and writes, audio,
 *       image) is <i>more than</i> a tier's threshold ({@code *_above_200k_tokens}, a
 *       {@code tiered_pricing} range), every token of the request, input and output, is billed at that
 *       tier's prices: how Anthropic and Google bill, and how LiteLLM and genai-prices read the fields.</li>
 *   <li><b>Service tier.</b> Batch, flex and priority use their listed prices; a missing one falls back to
 *       the standard price ({@link CostFlag#FALLBACK}).</li>
 *   <li><b>Reasoning</b> tokens are part of the output; a model with a distinct reasoning price bills
 *       them at it and the rest of the output at the output price.</li>
 *   <li><b>Claude prompt caching.</b> A missing cache price is derived from the input price by Anthropic's
 *       documented multipliers: 5-minute writes 1.25x, 1-hour writes 2x, reads 0.1x
 *       ({@link CostFlag#DERIVED}).</li>
 *   <li><b>Missing prices</b> otherwise fall back, in order, to a lower prompt-size tier's price for the
 *       same component, then: cache read and cache write to the input price, a 1-hour write to the
 *       5-minute write price, audio to the text price ({@link CostFlag#FALLBACK}); image tokens are input
 *       tokens at the input price unless a model lists an image price. What has no price at all is not
 *       charged and the cost is flagged {@link CostFlag#INCOMPLETE}.</li>
 *   <li><b>Embeddings</b> bill input only.</li>
 * </ul>
 */
public final class CostEngine {
  /**
   * Half-even: a tie (an exact half nano-dollar, common with prices such as $0.075 per million tokens)
   * goes to the even neighbour, so rounding errors cancel out over a ledger of millions of records
   * instead of drifting upwards as with half-up. The error of one record is at most 0.5 nano-USD.
   */
  public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

  static final BigDecimal ANTHROPIC_WRITE_5M = new BigDecimal("1.25");
  static final BigDecimal ANTHROPIC_WRITE_1H = new BigDecimal("2");
  static final BigDecimal ANTHROPIC_READ = new BigDecimal("0.1");

  private CostEngine() {}

  /** Looks the model up at {@code at} and costs the usage; {@link Cost#unpriced} if the model is unknown. */
  public static Cost price(PriceCatalog catalog, String provider, String model, TokenUsage usage, CostContext context, Instant at) {
    Optional<PricedModel> m = catalog.lookup(provider, model, at);
    if (m.isEmpty()) {
      return Cost.unpriced(provider, model, "not in the price catalog at " + at);
    }
    return cost(m.get(), usage, context);
  }

  public static Cost cost(PricedModel model, TokenUsage usage, CostContext context) {
    requireNonNull(model, "model");
    requireNonNull(usage, "usage");
    requireNonNull(context, "context");
    if (!model.priceable()) {
      return Cost.unpriced(model, model.unsupportedFields().isEmpty()
          ? "the price entry lists no price"
          : "priced only by " + String.join(", ", model.unsupportedFields()) + ", which Tollgate does not charge");
    }
    return new Computation(model, usage.totalInputTokens(), context).run(usage);
  }

  private record Rate(BigDecimal usd, PriceBasis basis) {}

  /** One costing: mutable, single use. */
  private static final class Computation {
    private final PricedModel model;
    private final CostContext context;
    private final List<PriceTier> tiers;
    private final int selected;
    private final ServiceTier serviceTier;
    private final List<CostLine> lines = new ArrayList<>(6);
    private final Set<CostFlag> flags = EnumSet.noneOf(CostFlag.class);
    private List<String> notes = List.of();
    private BigDecimal total = BigDecimal.ZERO;

    Computation(PricedModel model, long promptTokens, CostContext context) {
      this.model = model;
      this.context = context;
      this.tiers = model.tiers();
      this.selected = model.tierIndexFor(promptTokens);
      if (selected > 0) {
        flags.add(CostFlag.LONG_CONTEXT);
      }
      ServiceTier requested = context.serviceTier();
      if (requested != ServiceTier.STANDARD && !model.offers(requested)) {
        flags.add(CostFlag.FALLBACK);
        note(model.key() + " lists no " + requested.wireName() + " prices; standard prices used");
        this.serviceTier = ServiceTier.STANDARD;
      } else {
        this.serviceTier = requested;
      }
    }

    Cost run(TokenUsage u) {
      tokens(PriceComponent.INPUT, u.inputTokens());
      tokens(PriceComponent.CACHE_READ, u.cacheReadTokens());
      tokens(PriceComponent.CACHE_WRITE_5M, u.cacheWrite5mTokens());
      tokens(PriceComponent.CACHE_WRITE_1H, u.cacheWrite1hTokens());
      tokens(PriceComponent.AUDIO_INPUT, u.audioInputTokens());
      long imageTokens = u.imageInputTokens();
      if (context.inputImages() > 0) {
        Rate perImage = resolve(PriceComponent.INPUT_IMAGE);
        if (perImage != null) {
          line(PriceComponent.INPUT_IMAGE, context.inputImages(), perImage);
          if (imageTokens > 0) {
            note(imageTokens + " image tokens not charged: " + model.key() + " bills input images per image");
          }
          imageTokens = 0;
        }
      }
      tokens(PriceComponent.IMAGE_INPUT, imageTokens);
      if (!model.embedding()) {
        long output = u.outputTokens();
        if (u.reasoningTokens() > 0) {
          Rate reasoning = resolve(PriceComponent.REASONING);
          if (reasoning != null) {
            line(PriceComponent.REASONING, u.reasoningTokens(), reasoning);
            output -= u.reasoningTokens();
          }
        }
        tokens(PriceComponent.OUTPUT, output);
        tokens(PriceComponent.AUDIO_OUTPUT, u.audioOutputTokens());
        if (context.outputImages() > 0) {
          Rate perImage = resolve(PriceComponent.OUTPUT_IMAGE);
          if (perImage == null && model.mode().equals("image_generation")) {
            perImage = resolve(PriceComponent.INPUT_IMAGE); // LiteLLM lists DALL-E's per-image price this way
          }
          units(PriceComponent.OUTPUT_IMAGE, context.outputImages(), perImage);
        }
      }
      Rate perRequest = resolve(PriceComponent.REQUEST);
      if (perRequest != null) {
        line(PriceComponent.REQUEST, 1, perRequest);
      }
      if (context.webSearchQueries() > 0) {
        PriceComponent c = switch (context.searchContextSize()) {
          case LOW -> PriceComponent.WEB_SEARCH_LOW;
          case MEDIUM -> PriceComponent.WEB_SEARCH_MEDIUM;
          case HIGH -> PriceComponent.WEB_SEARCH_HIGH;
        };
        units(c, context.webSearchQueries(), resolve(c));
      }
      context.region().ifPresent(this::regionalUplift);
      long nanos = total.movePointRight(9).setScale(0, ROUNDING).longValueExact();
      return new Cost(nanos, total, lines, Optional.of(model.key()), Optional.of(model.version()), flags, notes);
    }

    private void regionalUplift(String region) {
      BigDecimal multiplier = model.regionalMultipliers().get(region);
      if (multiplier != null && multiplier.compareTo(BigDecimal.ONE) > 0) {
        BigDecimal amount = total.multiply(multiplier.subtract(BigDecimal.ONE));
        lines.add(new CostLine(PriceComponent.REGIONAL_UPLIFT, 1, multiplier, amount, PriceBasis.LISTED));
        total = total.add(amount);
      }
    }

    private void tokens(PriceComponent c, long quantity) {
      if (quantity == 0) {
        return;
      }
      units(c, quantity, resolve(c));
    }

    private void units(PriceComponent c, long quantity, Rate rate) {
      if (rate == null) {
        flags.add(CostFlag.INCOMPLETE);
        note(quantity + " " + c.configName() + " " + c.unit().name().toLowerCase(java.util.Locale.ROOT)
            + "(s) not charged: " + model.key() + " lists no price for them");
        return;
      }
      line(c, quantity, rate);
    }

    private void line(PriceComponent c, long quantity, Rate rate) {
      BigDecimal amount = rate.usd().multiply(BigDecimal.valueOf(quantity));
      lines.add(new CostLine(c, quantity, rate.usd(), amount, rate.basis()));
      total = total.add(amount);
      if (rate.basis() == PriceBasis.DERIVED) {
        flags.add(CostFlag.DERIVED);
      } else if (rate.basis() == PriceBasis.FALLBACK) {
        flags.add(CostFlag.FALLBACK);
      }
    }

    /** The unit price of a component for this request, or null if there is none. Adds notes for substitutes. */
    private Rate resolve(PriceComponent c) {
      PriceTier tier = tiers.get(selected);
      BigDecimal r = tier.rateOrNull(serviceTier, c);
      if (r != null) {
        return new Rate(r, PriceBasis.LISTED);
      }
      if (serviceTier != ServiceTier.STANDARD) {
        r = tier.rateOrNull(ServiceTier.STANDARD, c);
        if (r != null) {
          note("no " + serviceTier.wireName() + " price for " + c.configName() + "; standard price used");
          return new Rate(r, PriceBasis.FALLBACK);
        }
      }
      if (model.anthropicFamily()) {
        BigDecimal multiplier = switch (c) {
          case CACHE_READ -> ANTHROPIC_READ;
          case CACHE_WRITE_5M -> ANTHROPIC_WRITE_5M;
          case CACHE_WRITE_1H -> ANTHROPIC_WRITE_1H;
          default -> null;
        };
        if (multiplier != null) {
          Rate input = resolve(PriceComponent.INPUT);
          if (input != null) {
            note(c.configName() + " price derived: " + multiplier.toPlainString() + " x input (Anthropic prompt-caching rule)");
            return new Rate(input.usd().multiply(multiplier),
                input.basis() == PriceBasis.FALLBACK ? PriceBasis.FALLBACK : PriceBasis.DERIVED);
          }
        }
      }
      for (int t = selected - 1; t >= 0; t--) {
        PriceTier lower = tiers.get(t);
        r = lower.rateOrNull(serviceTier, c);
        if (r == null && serviceTier != ServiceTier.STANDARD) {
          r = lower.rateOrNull(ServiceTier.STANDARD, c);
        }
        if (r != null && c.unit() != PriceComponent.Unit.TOKEN) {
          return new Rate(r, PriceBasis.LISTED); // per-request/image/query fees do not depend on prompt size
        }
        if (r != null) {
          note("no " + c.configName() + " price above " + tier.aboveInputTokens() + " prompt tokens; the price "
              + (t == 0 ? "of ordinary prompts" : "above " + lower.aboveInputTokens() + " tokens") + " used");
          return new Rate(r, PriceBasis.FALLBACK);
        }
      }
      return switch (c) {
        case IMAGE_INPUT -> resolve(PriceComponent.INPUT);
        case CACHE_READ, CACHE_WRITE_5M, AUDIO_INPUT -> substitute(c, PriceComponent.INPUT);
        case CACHE_WRITE_1H -> substitute(c, PriceComponent.CACHE_WRITE_5M);
        case AUDIO_OUTPUT -> substitute(c, PriceComponent.OUTPUT);
        default -> null;
      };
    }

    private Rate substitute(PriceComponent missing, PriceComponent instead) {
      Rate r = resolve(instead);
      if (r == null) {
        return null;
      }
      note("no " + missing.configName() + " price; billed at the " + instead.configName() + " price");
      return new Rate(r.usd(), PriceBasis.FALLBACK);
    }

    private void note(String note) {
      if (notes.isEmpty()) {
        notes = new ArrayList<>(2);
      }
      if (!notes.contains(note)) {
        notes.add(note);
      }
    }
  }
}
