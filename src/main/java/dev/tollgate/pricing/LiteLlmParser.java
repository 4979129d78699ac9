package dev.tollgate.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the LiteLLM {@code model_prices_and_context_window.json} format. Every amount is read as a
 * {@link BigDecimal} from the JSON text (the shared mapper reads floats as BigDecimal), never through a
 * {@code double}.
 *
 * <p>Price field grammar: {@code <base>[_above_<N>[k]_tokens][_batches|_flex|_priority]}, where the bases are
 * the {@link PriceComponent} fields; plus {@code tiered_pricing} (ranges of prompt tokens),
 * {@code search_context_cost_per_query} and {@code regional_processing_uplift_multiplier_<region>}.
 */
final class LiteLlmParser {
  record Result(List<PricedModel> models, LoadReport report) {}

  /** Thrown for an entry that cannot be read; the entry is skipped and reported. */
  static final class EntryException extends Exception {
    EntryException(String message) {
      super(message);
    }
  }

  private record Base(String field, PriceComponent component) {}

  private static final List<Base> BASES = baseFields();
  private static final Pattern SUFFIX = Pattern.compile("(?:_above_(\\d+)(k?)_tokens)?(?:_(batches|flex|priority))?");
  private static final Pattern REGION = Pattern.compile("regional_processing_uplift_multiplier_([a-z0-9_]+)");
  private static final String CACHE_HIT_ALIAS = "input_cost_per_token_cache_hit";
  private static final Set<String> NOT_MODELS = Set.of("sample_spec");

  private LiteLlmParser() {}

  private static List<Base> baseFields() {
    List<Base> bases = new ArrayList<>();
    for (PriceComponent c : PriceComponent.values()) {
      if (c.unit() != PriceComponent.Unit.QUERY && c.unit() != PriceComponent.Unit.MULTIPLIER) {
        bases.add(new Base(c.liteLlmField(), c));
      }
    }
    bases.add(new Base("input_cost_per_query", PriceComponent.REQUEST));
    bases.sort(Comparator.comparingInt((Base b) -> b.field().length()).reversed());
    return List.copyOf(bases);
  }

  static Result parse(InputStream in, String source, Instant effectiveFrom) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
    }
    return parse(root, source, effectiveFrom);
  }

  static Result parse(JsonNode root, String source, Instant effectiveFrom) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a JSON object of model entries");
    }
    List<PricedModel> models = new ArrayList<>();
    Map<String, String> skipped = new TreeMap<>();
    Map<String, Integer> unsupported = new TreeMap<>();
    Map<String, String> suspicious = new TreeMap<>();
    int unpriceable = 0;
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      if (NOT_MODELS.contains(key)) {
        skipped.put(key, "documentation entry, not a model");
        continue;
      }
      try {
        PricedModel m = parseEntry(key, e.getValue(), new PriceVersion(source + ":" + key, source, effectiveFrom));
        models.add(m);
        m.unsupportedFields().forEach(f -> unsupported.merge(f, 1, Integer::sum));
        if (!m.priceable()) {
          unpriceable++;
        }
        implausible(m).ifPresent(reason -> suspicious.put(key, reason));
      } catch (EntryException ex) {
        skipped.put(key, ex.getMessage());
      }
    }
    int entries = root.size();
    return new Result(List.copyOf(models),
        new LoadReport(source, entries, models.size(), unpriceable, new TreeMap<>(skipped), new TreeMap<>(unsupported),
            new TreeMap<>(suspicious)));
  }

  private static final BigDecimal IMPLAUSIBLE_PER_TOKEN = BigDecimal.valueOf(LoadReport.IMPLAUSIBLE_USD_PER_MILLION).movePointLeft(6);
  private static final Set<String> TEXT_MODES = Set.of("chat", "completion", "responses", "embedding");

  /** A text model whose token price is above $1000 per million tokens. */
  private static Optional<String> implausible(PricedModel m) {
    if (!TEXT_MODES.contains(m.mode())) {
      return Optional.empty();
    }
    for (PriceTier t : m.tiers()) {
      for (Map.Entry<ServiceTier, Map<PriceComponent, BigDecimal>> s : t.rates().entrySet()) {
        for (Map.Entry<PriceComponent, BigDecimal> r : s.getValue().entrySet()) {
          if (r.getKey().unit() == PriceComponent.Unit.TOKEN && r.getValue().compareTo(IMPLAUSIBLE_PER_TOKEN) > 0) {
            return Optional.of(r.getKey().configName() + " " + r.getValue().toPlainString() + " USD per token = "
                + r.getValue().movePointRight(6).stripTrailingZeros().toPlainString() + " USD per million tokens");
          }
        }
      }
    }
    return Optional.empty();
  }

  static PricedModel parseEntry(String key, JsonNode entry, PriceVersion version) throws EntryException {
    if (!entry.isObject()) {
      throw new EntryException("not a JSON object");
    }
    JsonNode providerNode = entry.get("litellm_provider");
    if (providerNode == null || !providerNode.isTextual() || providerNode.asText().isBlank()) {
      throw new EntryException("no litellm_provider (not a model entry)");
    }
    String mode = entry.hasNonNull("mode") ? entry.get("mode").asText() : "chat";
    Optional<Long> maxInput = Optional.empty();
    JsonNode maxNode = entry.get("max_input_tokens");
    if (maxNode != null && maxNode.isNumber()) {
      maxInput = Optional.of(maxNode.decimalValue().longValue());
    }

    Map<Long, PriceTier.Builder> tiers = new HashMap<>();
    Map<String, BigDecimal> regions = new HashMap<>();
    Set<String> unsupportedFields = new TreeSet<>();
    BigDecimal cacheHitAlias = null;

    for (Map.Entry<String, JsonNode> f : entry.properties()) {
      String name = f.getKey();
      JsonNode value = f.getValue();
      if (!isCostField(name) || value.isNull()) {
        continue;
      }
      if (name.equals("tiered_pricing")) {
        continue; // after the flat fields, so that flat fields win on a conflict
      }
      if (name.equals(CACHE_HIT_ALIAS)) {
        cacheHitAlias = amount(name, value);
        continue;
      }
      if (name.equals("search_context_cost_per_query")) {
        searchContext(value, tier(tiers, 0), unsupportedFields);
        continue;
      }
      Matcher region = REGION.matcher(name);
      if (region.matches()) {
        regions.put(region.group(1), amount(name, value));
        continue;
      }
      if (!priceField(name, value, tiers)) {
        unsupportedFields.add(name);
      }
    }
    if (cacheHitAlias != null) {
      tier(tiers, 0).putIfAbsent(ServiceTier.STANDARD, PriceComponent.CACHE_READ, cacheHitAlias);
    }
    JsonNode tiered = entry.get("tiered_pricing");
    if (tiered != null && !tiered.isNull()) {
      tieredPricing(tiered, tiers, unsupportedFields);
    }
    List<PriceTier> built = new ArrayList<>();
    tiers.values().forEach(b -> built.add(b.build()));
    try {
      return new PricedModel(key, providerNode.asText(), mode, maxInput, version, built, regions, unsupportedFields);
    } catch (IllegalArgumentException e) {
      throw new EntryException(e.getMessage());
    }
  }

  /** Reads one {@code <base>[_above_Nk_tokens][_tier]} field; false if the name is not one. */
  private static boolean priceField(String name, JsonNode value, Map<Long, PriceTier.Builder> tiers) throws EntryException {
    for (Base base : BASES) {
      if (!name.startsWith(base.field())) {
        continue;
      }
      Matcher m = SUFFIX.matcher(name.substring(base.field().length()));
      if (!m.matches()) {
        continue;
      }
      long threshold = 0;
      if (m.group(1) != null) {
        threshold = Long.parseLong(m.group(1)) * (m.group(2).isEmpty() ? 1 : 1000);
      }
      ServiceTier serviceTier = m.group(3) == null ? ServiceTier.STANDARD : switch (m.group(3)) {
        case "batches" -> ServiceTier.BATCH;
        case "flex" -> ServiceTier.FLEX;
        default -> ServiceTier.PRIORITY;
      };
      tier(tiers, threshold).putIfAbsent(serviceTier, base.component(), amount(name, value));
      return true;
    }
    return false;
  }

  private static void searchContext(JsonNode value, PriceTier.Builder base, Set<String> unsupported) throws EntryException {
    if (!value.isObject()) {
      unsupported.add("search_context_cost_per_query");
      return;
    }
    for (Map.Entry<String, JsonNode> s : value.properties()) {
      PriceComponent c = switch (s.getKey()) {
        case "search_context_size_low" -> PriceComponent.WEB_SEARCH_LOW;
        case "search_context_size_medium" -> PriceComponent.WEB_SEARCH_MEDIUM;
        case "search_context_size_high" -> PriceComponent.WEB_SEARCH_HIGH;
        default -> null;
      };
      if (c == null) {
        unsupported.add("search_context_cost_per_query." + s.getKey());
      } else if (!s.getValue().isNull()) {
        base.putIfAbsent(ServiceTier.STANDARD, c, amount("search_context_cost_per_query." + s.getKey(), s.getValue()));
      }
    }
  }

  /**
   * {@code tiered_pricing: [{range: [lo, hi], input_cost_per_token, ...}]}: a request whose prompt has more
   * than {@code lo} tokens (and at most {@code hi}) is billed entirely at that range's prices. Ranges by
   * search result count ({@code max_results_range}) are not token prices and are reported unsupported.
   */
  private static void tieredPricing(JsonNode tiered, Map<Long, PriceTier.Builder> tiers, Set<String> unsupported) throws EntryException {
    if (!tiered.isArray()) {
      throw new EntryException("tiered_pricing: expected an array");
    }
    for (JsonNode element : tiered) {
      JsonNode range = element.get("range");
      if (range == null) {
        unsupported.add(element.has("max_results_range") ? "tiered_pricing[max_results_range]" : "tiered_pricing[no range]");
        continue;
      }
      if (!range.isArray() || range.size() != 2 || !range.get(0).isNumber()) {
        throw new EntryException("tiered_pricing.range: " + range + " (expected: [from, to] token counts)");
      }
      BigDecimal lo = range.get(0).decimalValue();
      long from;
      try {
        from = lo.longValueExact();
      } catch (ArithmeticException e) {
        throw new EntryException("tiered_pricing.range: " + range + " (expected: whole token counts)");
      }
      PriceTier.Builder tier = tier(tiers, from);
      for (Map.Entry<String, JsonNode> f : element.properties()) {
        String name = f.getKey();
        if (name.equals("range") || f.getValue().isNull()) {
          continue;
        }
        boolean known = false;
        for (Base base : BASES) {
          if (base.field().equals(name)) {
            tier.putIfAbsent(ServiceTier.STANDARD, base.component(), amount("tiered_pricing." + name, f.getValue()));
            known = true;
            break;
          }
        }
        if (!known && name.equals(CACHE_HIT_ALIAS)) {
          tier.putIfAbsent(ServiceTier.STANDARD, PriceComponent.CACHE_READ, amount("tiered_pricing." + name, f.getValue()));
          known = true;
        }
        if (!known) {
          unsupported.add("tiered_pricing." + name);
        }
      }
    }
  }

  private static PriceTier.Builder tier(Map<Long, PriceTier.Builder> tiers, long threshold) {
    return tiers.computeIfAbsent(threshold, PriceTier::builder);
  }

  static boolean isCostField(String name) {
    return name.contains("cost") || name.contains("price") || name.contains("pricing") || name.contains("multiplier");
  }

  private static BigDecimal amount(String field, JsonNode value) throws EntryException {
    BigDecimal d;
    if (value.isBigDecimal() || value.isIntegralNumber()) {
      d = value.decimalValue();
    } else if (value.isTextual()) {
      try {
        d = new BigDecimal(value.asText().trim());
      } catch (NumberFormatException e) {
        throw new EntryException(field + ": '" + value.asText() + "' (expected: a number)");
      }
    } else if (value.isNumber()) {
      // A binary floating-point node: the tree was not read with USE_BIG_DECIMAL_FOR_FLOATS.
      throw new EntryException(field + ": " + value + " (expected: a decimal read exactly; parse with BigDecimal floats)");
    } else {
      throw new EntryException(field + ": " + value + " (expected: a number)");
    }
    if (d.signum() < 0) {
      throw new EntryException(field + ": " + d.toPlainString() + " (expected: >= 0)");
    }
    return d;
  }
}
