package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares the catalog with pydantic/genai-prices, an independent source, and reports every price the two
 * disagree on beyond rounding (relative difference above one part per million), and every price one of
 * them has and the other lacks. It never changes a price: where they disagree a person decides, with an
 * override if needed. The basis of {@code tollgate pricing check --cross-check}.
 */
public final class PriceCrossCheck {
  /** The genai-prices snapshot shipped beside the LiteLLM one. */
  public static final String BUNDLED_RESOURCE = "/pricing/genai_prices_v2.json";
  private static final BigDecimal TOLERANCE = new BigDecimal("0.000001");

  /** genai-prices provider id to Tollgate provider name. */
  private static final Map<String, String> PROVIDERS = providers();

  /** genai-prices price field to the catalog component, with the factor from per-token to that field's unit. */
  private record Field(PriceComponent component, int movePoint) {}

  private static final Map<String, Field> FIELDS = fields();

  public enum Kind {
    /** Both list a price and they differ. */
    DIFFERENT,
    /** Only the LiteLLM catalog lists this price. */
    ONLY_LITELLM,
    /** Only genai-prices lists this price. */
    ONLY_GENAI
  }

  /**
   * @param field genai-prices' name, with {@code >N} for the tier above N prompt tokens ({@code input_mtok>200000})
   * @param litellm the catalog's price in the field's unit (USD per million tokens, per thousand requests)
   */
  public record Discrepancy(String modelKey, String genaiModel, String field, Optional<BigDecimal> litellm,
                            Optional<BigDecimal> genai, Kind kind) {
    @Override
    public String toString() {
      return kind + " " + modelKey + " (genai " + genaiModel + ") " + field + ": litellm "
          + litellm.map(BigDecimal::toPlainString).orElse("-") + ", genai " + genai.map(BigDecimal::toPlainString).orElse("-");
    }
  }

  /**
   * @param compared LiteLLM models that matched a genai-prices model
   * @param unmatched LiteLLM models of the compared providers that genai-prices does not know
   */
  public record Report(LocalDate date, int compared, int unmatched, List<Discrepancy> discrepancies) {
    public Report {
      discrepancies = List.copyOf(discrepancies);
    }

    public List<Discrepancy> forModel(String key) {
      return discrepancies.stream().filter(d -> d.modelKey().equals(key)).toList();
    }

    public long count(Kind kind) {
      return discrepancies.stream().filter(d -> d.kind() == kind).count();
    }

    public String render() {
      StringBuilder sb = new StringBuilder("price cross-check with genai-prices on ").append(date).append(": ")
          .append(compared).append(" models compared, ").append(unmatched).append(" unknown to genai-prices; ")
          .append(count(Kind.DIFFERENT)).append(" prices differ, ").append(count(Kind.ONLY_LITELLM))
          .append(" only in LiteLLM, ").append(count(Kind.ONLY_GENAI)).append(" only in genai-prices\n");
      discrepancies.forEach(d -> sb.append("  ").append(d).append('\n'));
      return sb.toString();
    }
  }

  private PriceCrossCheck() {}

  public static Report runBundled(PriceCatalog catalog, Instant at) {
    try (InputStream in = PriceCrossCheck.class.getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BUNDLED_RESOURCE);
      }
      return run(catalog, in, at);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Report run(PriceCatalog catalog, Path genaiJson, Instant at) {
    try (InputStream in = Files.newInputStream(genaiJson)) {
      return run(catalog, in, at);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Report run(PriceCatalog catalog, InputStream genaiJson, Instant at) {
    requireNonNull(catalog, "catalog");
    LocalDate date = LocalDate.ofInstant(requireNonNull(at, "at"), ZoneOffset.UTC);
    List<Discrepancy> out = new ArrayList<>();
    int compared = 0;
    int unmatched = 0;
    for (GenaiPrices.Provider provider : GenaiPrices.parse(genaiJson)) {
      String tollgateProvider = PROVIDERS.get(provider.id());
      if (tollgateProvider == null) {
        continue;
      }
      ProviderFamily family = ProviderFamily.of(tollgateProvider);
      for (Iterator<PricedModel> it = catalog.modelsAt(tollgateProvider, at).sorted(Comparator.comparing(PricedModel::key)).iterator(); it.hasNext(); ) {
        PricedModel m = it.next();
        Optional<GenaiPrices.Model> g = provider.find(strip(m.key(), family));
        if (g.isEmpty()) {
          unmatched++;
          continue;
        }
        compared++;
        compare(m, g.get(), g.get().pricesOn(date), out);
      }
    }
    return new Report(date, compared, unmatched, out);
  }

  private static void compare(PricedModel m, GenaiPrices.Model g, Map<String, GenaiPrices.Price> prices, List<Discrepancy> out) {
    PriceTier base = m.tiers().getFirst();
    for (Map.Entry<String, Field> f : FIELDS.entrySet()) {
      Field field = f.getValue();
      GenaiPrices.Price gp = prices.get(f.getKey());
      Optional<BigDecimal> lv = base.rate(ServiceTier.STANDARD, field.component()).map(r -> r.movePointRight(field.movePoint()));
      check(m, g, f.getKey(), lv, Optional.ofNullable(gp).map(GenaiPrices.Price::base), out);
      Map<Long, BigDecimal> genaiTiers = gp == null ? Map.of() : gp.tiers();
      for (PriceTier t : m.tiers().subList(1, m.tiers().size())) {
        Optional<BigDecimal> lt = t.rate(ServiceTier.STANDARD, field.component()).map(r -> r.movePointRight(field.movePoint()));
        if (lt.isPresent() || genaiTiers.containsKey(t.aboveInputTokens())) {
          check(m, g, f.getKey() + ">" + t.aboveInputTokens(), lt, Optional.ofNullable(genaiTiers.get(t.aboveInputTokens())), out);
        }
      }
      for (Map.Entry<Long, BigDecimal> gt : genaiTiers.entrySet()) {
        boolean litellmHasTier = m.tiers().stream().anyMatch(t -> t.aboveInputTokens() == gt.getKey());
        if (!litellmHasTier) {
          check(m, g, f.getKey() + ">" + gt.getKey(), Optional.empty(), Optional.of(gt.getValue()), out);
        }
      }
    }
  }

  private static void check(PricedModel m, GenaiPrices.Model g, String field, Optional<BigDecimal> litellm,
                            Optional<BigDecimal> genai, List<Discrepancy> out) {
    Kind kind;
    if (litellm.isPresent() && genai.isPresent()) {
      if (agree(litellm.get(), genai.get())) {
        return;
      }
      kind = Kind.DIFFERENT;
    } else if (litellm.isPresent()) {
      kind = Kind.ONLY_LITELLM;
    } else if (genai.isPresent()) {
      kind = Kind.ONLY_GENAI;
    } else {
      return;
    }
    out.add(new Discrepancy(m.key(), g.id(), field, litellm.map(PriceCrossCheck::plain), genai.map(PriceCrossCheck::plain), kind));
  }

  /** Without trailing zeros and without an exponent: 10, 2.5, 0.075. */
  private static BigDecimal plain(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  /** Equal up to one part per million: the sources write prices per token and per million respectively. */
  static boolean agree(BigDecimal a, BigDecimal b) {
    BigDecimal max = a.abs().max(b.abs());
    return a.subtract(b).abs().compareTo(max.multiply(TOLERANCE)) <= 0;
  }

  private static String strip(String key, ProviderFamily family) {
    for (String prefix : family.keyPrefixes()) {
      if (!prefix.isEmpty() && key.startsWith(prefix)) {
        return key.substring(prefix.length());
      }
    }
    return key;
  }

  private static Map<String, String> providers() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("openai", "openai");
    m.put("anthropic", "anthropic");
    m.put("google", "gemini");
    m.put("aws", "bedrock");
    m.put("azure", "azure");
    m.put("mistral", "mistral");
    m.put("deepseek", "deepseek");
    m.put("groq", "groq");
    m.put("x-ai", "xai");
    m.put("cohere", "cohere");
    m.put("perplexity", "perplexity");
    m.put("together", "together_ai");
    m.put("fireworks", "fireworks_ai");
    m.put("openrouter", "openrouter");
    m.put("cerebras", "cerebras");
    m.put("minimax", "minimax");
    m.put("moonshotai", "moonshot");
    m.put("novita", "novita");
    m.put("ovhcloud", "ovhcloud");
    m.put("zai", "zai");
    m.put("voyageai", "voyage");
    return Map.copyOf(m);
  }

  private static Map<String, Field> fields() {
    Map<String, Field> m = new LinkedHashMap<>();
    m.put("input_mtok", new Field(PriceComponent.INPUT, 6));
    m.put("output_mtok", new Field(PriceComponent.OUTPUT, 6));
    m.put("cache_read_mtok", new Field(PriceComponent.CACHE_READ, 6));
    m.put("cache_write_mtok", new Field(PriceComponent.CACHE_WRITE_5M, 6));
    m.put("cache_write_1h_mtok", new Field(PriceComponent.CACHE_WRITE_1H, 6));
    m.put("input_audio_mtok", new Field(PriceComponent.AUDIO_INPUT, 6));
    m.put("output_audio_mtok", new Field(PriceComponent.AUDIO_OUTPUT, 6));
    m.put("requests_kcount", new Field(PriceComponent.REQUEST, 3));
    return java.util.Collections.unmodifiableMap(m);
  }
}
