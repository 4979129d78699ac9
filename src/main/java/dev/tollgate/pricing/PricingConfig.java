package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.common.ConfigException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code pricing:} section of {@code tollgate.yaml}:
 *
 * <pre>{@code
 * pricing:
 *   unpriced-estimate:              # optional: what budgets count for a model with no price
 *     input-per-million: "15"
 *     output-per-million: "75"
 *   overrides:
 *     - provider: openai            # optional; omitted = whoever serves this model name
 *       model: gpt-4o
 *       effective-from: 2026-09-01  # a date (00:00 UTC) or an instant; omitted = always
 *       input-per-million: "2.00"   # USD per million tokens, exact decimal strings
 *       output-per-million: "8.00"
 *       cache-read-per-million: "1.00"
 *       batch: {input-per-million: "1.00", output-per-million: "4.00"}
 *       long-context:
 *         - above-input-tokens: 200000
 *           input-per-million: "5.00"
 *           output-per-million: "15.00"
 * }</pre>
 *
 * Amounts are read exactly: quote them, or read the YAML with
 * {@link DeserializationFeature#USE_BIG_DECIMAL_FOR_FLOATS} (as {@link #parseYaml} does). A float that
 * reached the tree as a binary {@code double} is rejected rather than silently rounded.
 */
public record PricingConfig(List<PriceOverride> overrides, Optional<UnpricedEstimator.Rates> unpricedEstimate) {
  public static final String SOURCE = "config";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);

  /** Rate keys, in the order they are documented. */
  static final Map<String, PriceComponent> RATE_KEYS = rateKeys();
  private static final Map<String, ServiceTier> SERVICE_TIER_KEYS =
      Map.of("batch", ServiceTier.BATCH, "flex", ServiceTier.FLEX, "priority", ServiceTier.PRIORITY);
  private static final Set<String> SECTION_KEYS = Set.of("overrides", "unpriced-estimate");
  private static final Set<String> OVERRIDE_KEYS =
      Set.of("provider", "model", "effective-from", "id", "mode", "long-context", "regional-multipliers");

  public PricingConfig {
    overrides = List.copyOf(overrides);
    requireNonNull(unpricedEstimate, "pricing.unpriced-estimate");
  }

  public static PricingConfig ofDefaults() {
    return new PricingConfig(List.of(), Optional.empty());
  }

  /** The catalog with these overrides applied. */
  public PriceCatalog applyTo(PriceCatalog catalog) {
    return overrides.isEmpty() ? catalog : catalog.withOverrides(overrides);
  }

  private static Map<String, PriceComponent> rateKeys() {
    Map<String, PriceComponent> m = new LinkedHashMap<>();
    m.put("input-per-million", PriceComponent.INPUT);
    m.put("output-per-million", PriceComponent.OUTPUT);
    m.put("cache-read-per-million", PriceComponent.CACHE_READ);
    m.put("cache-write-5m-per-million", PriceComponent.CACHE_WRITE_5M);
    m.put("cache-write-1h-per-million", PriceComponent.CACHE_WRITE_1H);
    m.put("reasoning-per-million", PriceComponent.REASONING);
    m.put("audio-input-per-million", PriceComponent.AUDIO_INPUT);
    m.put("audio-output-per-million", PriceComponent.AUDIO_OUTPUT);
    m.put("image-input-per-million", PriceComponent.IMAGE_INPUT);
    m.put("per-request", PriceComponent.REQUEST);
    m.put("per-input-image", PriceComponent.INPUT_IMAGE);
    m.put("per-output-image", PriceComponent.OUTPUT_IMAGE);
    return Map.copyOf(m);
  }

  /** Parses a YAML document whose root has a {@code pricing:} key (tests, tools). */
  public static PricingConfig parseYaml(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new ConfigException("pricing", firstLine(e.getMessage()), "valid YAML");
    }
    return parse(root == null ? null : root.get("pricing"));
  }

  /**
   * Binds the value of the {@code pricing:} key; {@code null} or a missing node gives the defaults.
   * Unknown keys are errors, named with their full path.
   */
  public static PricingConfig parse(JsonNode section) {
    if (section == null || section.isMissingNode() || section.isNull()) {
      return ofDefaults();
    }
    if (!section.isObject()) {
      throw new ConfigException("pricing", section.toString(), "a mapping with overrides and unpriced-estimate");
    }
    checkKeys("pricing", section, SECTION_KEYS);
    Optional<UnpricedEstimator.Rates> estimate = Optional.empty();
    JsonNode est = section.get("unpriced-estimate");
    if (est != null && !est.isNull()) {
      if (!est.isObject()) {
        throw new ConfigException("pricing.unpriced-estimate", est.toString(), "a mapping with input-per-million and output-per-million");
      }
      checkKeys("pricing.unpriced-estimate", est, Set.of("input-per-million", "output-per-million"));
      estimate = Optional.of(UnpricedEstimator.Rates.ofPerMillion(
          requiredAmount("pricing.unpriced-estimate.input-per-million", est.get("input-per-million")),
          requiredAmount("pricing.unpriced-estimate.output-per-million", est.get("output-per-million"))));
    }
    List<PriceOverride> overrides = new ArrayList<>();
    JsonNode list = section.get("overrides");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new ConfigException("pricing.overrides", list.toString(), "a list of {model, input-per-million, ...}");
      }
      for (int i = 0; i < list.size(); i++) {
        overrides.add(override("pricing.overrides[" + i + "]", list.get(i)));
      }
    }
    return new PricingConfig(overrides, estimate);
  }

  /**
   * One override in the same shape as an entry of {@code pricing.overrides} (the admin API takes this
   * shape too), tagged with {@code source}.
   */
  public static PriceOverride parseOverride(String path, JsonNode node, String source) {
    return override(path, node, source);
  }

  private static PriceOverride override(String path, JsonNode node) {
    return override(path, node, SOURCE);
  }

  private static PriceOverride override(String path, JsonNode node, String source) {
    if (!node.isObject()) {
      throw new ConfigException(path, node.toString(), "a mapping with model and prices");
    }
    JsonNode modelNode = node.get("model");
    if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank()) {
      throw new ConfigException(path + ".model", modelNode == null ? null : modelNode.toString(), "a model name");
    }
    String model = modelNode.asText().trim();
    String p = path.replaceFirst("\\[\\d+]$", "") + "[" + model + "]";
    Set<String> allowed = new java.util.HashSet<>(OVERRIDE_KEYS);
    allowed.addAll(RATE_KEYS.keySet());
    allowed.addAll(SERVICE_TIER_KEYS.keySet());
    checkKeys(p, node, allowed);
    String provider = text(p + ".provider", node.get("provider")).orElse("");
    Instant from = text(p + ".effective-from", node.get("effective-from")).map(v -> instant(p + ".effective-from", v)).orElse(Instant.EPOCH);
    PriceOverride.Builder b = PriceOverride.builder(provider, model, from).source(source);
    text(p + ".id", node.get("id")).ifPresent(b::id);
    text(p + ".mode", node.get("mode")).ifPresent(b::mode);
    rates(p, node, 0, b);
    JsonNode regions = node.get("regional-multipliers");
    if (regions != null && !regions.isNull()) {
      if (!regions.isObject()) {
        throw new ConfigException(p + ".regional-multipliers", regions.toString(), "a mapping such as {eu: \"1.1\"}");
      }
      for (Map.Entry<String, JsonNode> e : regions.properties()) {
        b.regionalMultiplier(e.getKey().toLowerCase(Locale.ROOT), requiredAmount(p + ".regional-multipliers." + e.getKey(), e.getValue()));
      }
    }
    JsonNode longContext = node.get("long-context");
    if (longContext != null && !longContext.isNull()) {
      if (!longContext.isArray()) {
        throw new ConfigException(p + ".long-context", longContext.toString(), "a list of {above-input-tokens, input-per-million, ...}");
      }
      for (int i = 0; i < longContext.size(); i++) {
        String lp = p + ".long-context[" + i + "]";
        JsonNode tier = longContext.get(i);
        if (!tier.isObject()) {
          throw new ConfigException(lp, tier.toString(), "a mapping with above-input-tokens and prices");
        }
        Set<String> tierKeys = new java.util.HashSet<>(RATE_KEYS.keySet());
        tierKeys.addAll(SERVICE_TIER_KEYS.keySet());
        tierKeys.add("above-input-tokens");
        checkKeys(lp, tier, tierKeys);
        JsonNode above = tier.get("above-input-tokens");
        if (above == null || !above.canConvertToLong() || !above.isIntegralNumber() || above.longValue() <= 0) {
          throw new ConfigException(lp + ".above-input-tokens", above == null ? null : above.toString(), "a token count > 0, such as 200000");
        }
        rates(lp, tier, above.longValue(), b);
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(p, model, e.getMessage());
    }
  }

  /** Reads the rate keys of one mapping and of its batch/flex/priority sub-mappings. */
  private static void rates(String path, JsonNode node, long above, PriceOverride.Builder b) {
    for (Map.Entry<String, PriceComponent> e : RATE_KEYS.entrySet()) {
      JsonNode v = node.get(e.getKey());
      if (v == null || v.isNull()) {
        continue;
      }
      rate(b, above, ServiceTier.STANDARD, e.getValue(), requiredAmount(path + "." + e.getKey(), v));
    }
    for (Map.Entry<String, ServiceTier> t : SERVICE_TIER_KEYS.entrySet()) {
      JsonNode sub = node.get(t.getKey());
      if (sub == null || sub.isNull()) {
        continue;
      }
      String sp = path + "." + t.getKey();
      if (!sub.isObject()) {
        throw new ConfigException(sp, sub.toString(), "a mapping of prices such as {input-per-million: \"1.25\"}");
      }
      checkKeys(sp, sub, RATE_KEYS.keySet());
      for (Map.Entry<String, PriceComponent> e : RATE_KEYS.entrySet()) {
        JsonNode v = sub.get(e.getKey());
        if (v != null && !v.isNull()) {
          rate(b, above, t.getValue(), e.getValue(), requiredAmount(sp + "." + e.getKey(), v));
        }
      }
    }
  }

  private static void rate(PriceOverride.Builder b, long above, ServiceTier tier, PriceComponent c, BigDecimal amount) {
    if (c.unit() == PriceComponent.Unit.TOKEN) {
      b.perMillion(above, tier, c, amount);
    } else {
      b.perUnit(above, tier, c, amount);
    }
  }

  private static BigDecimal requiredAmount(String key, JsonNode v) {
    if (v == null || v.isNull()) {
      throw new ConfigException(key, null, "a USD amount such as \"2.50\"");
    }
    BigDecimal d;
    if (v.isBigDecimal() || v.isIntegralNumber()) {
      d = v.decimalValue();
    } else if (v.isTextual()) {
      try {
        d = new BigDecimal(v.asText().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, v.asText(), "a USD amount such as \"2.50\"");
      }
    } else if (v.isNumber()) {
      throw new ConfigException(key, v.asText(), "an exact decimal: quote it (\"" + v.asText()
          + "\") or read the YAML with USE_BIG_DECIMAL_FOR_FLOATS; a binary float is not exact");
    } else {
      throw new ConfigException(key, v.toString(), "a USD amount such as \"2.50\"");
    }
    if (d.signum() < 0) {
      throw new ConfigException(key, d.toPlainString(), ">= 0");
    }
    return d;
  }

  private static Optional<String> text(String key, JsonNode v) {
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      throw new ConfigException(key, v.toString(), "a string");
    }
    return Optional.of(v.asText().trim());
  }

  private static Instant instant(String key, String value) {
    try {
      if (value.length() == 10) {
        return PriceCatalog.startOfDay(LocalDate.parse(value));
      }
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ConfigException(key, value, "a date such as 2026-09-01 (00:00 UTC) or an instant such as 2026-09-01T12:00:00Z");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static void checkKeys(String path, JsonNode node, Set<String> allowed) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!allowed.contains(e.getKey())) {
        JsonNode v = e.getValue();
        throw new ConfigException(path + "." + e.getKey(), v.isValueNode() ? v.asText() : v.toString(),
            "one of " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }
}
