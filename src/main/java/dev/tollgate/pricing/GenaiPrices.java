package dev.tollgate.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads pydantic/genai-prices {@code data.json} (v2): providers, models with match clauses, and prices in
 * USD per million tokens, optionally dated ({@code start_date}) and tiered by prompt size. Used only to
 * cross-check the LiteLLM catalog, never to charge.
 */
final class GenaiPrices {
  /** A price in USD per million units; {@code tiers} apply (cliff) when the prompt has more than {@code start} tokens. */
  record Price(BigDecimal base, Map<Long, BigDecimal> tiers) {}

  record Conditional(Optional<LocalDate> startDate, boolean timeOfDay, Map<String, Price> prices) {}

  record Model(String id, Clause match, List<Conditional> prices) {
    /** The prices in effect on {@code date}: the last conditional whose start date has passed, else the first. */
    Map<String, Price> pricesOn(LocalDate date) {
      for (int i = prices.size() - 1; i >= 0; i--) {
        Conditional c = prices.get(i);
        if (c.timeOfDay()) {
          continue; // off-peak windows: not the list price
        }
        if (c.startDate().isEmpty() || !c.startDate().get().isAfter(date)) {
          return c.prices();
        }
      }
      return prices.getFirst().prices();
    }
  }

  record Provider(String id, List<Model> models) {
    Optional<Model> find(String modelName) {
      String name = modelName.toLowerCase(Locale.ROOT);
      for (Model m : models) {
        if (m.match().matches(name)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }

  sealed interface Clause {
    boolean matches(String name);
  }

  record StartsWith(String value) implements Clause {
    public boolean matches(String name) {
      return name.startsWith(value);
    }
  }

  record EndsWith(String value) implements Clause {
    public boolean matches(String name) {
      return name.endsWith(value);
    }
  }

  record Contains(String value) implements Clause {
    public boolean matches(String name) {
      return name.contains(value);
    }
  }

  record Equals(String value) implements Clause {
    public boolean matches(String name) {
      return name.equals(value);
    }
  }

  record Regex(Pattern pattern) implements Clause {
    public boolean matches(String name) {
      return pattern.matcher(name).find();
    }
  }

  record Or(List<Clause> clauses) implements Clause {
    public boolean matches(String name) {
      return clauses.stream().anyMatch(c -> c.matches(name));
    }
  }

  record And(List<Clause> clauses) implements Clause {
    public boolean matches(String name) {
      return clauses.stream().allMatch(c -> c.matches(name));
    }
  }

  private GenaiPrices() {}

  static List<Provider> parse(InputStream in) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("genai-prices: not valid JSON: " + e.getMessage(), e);
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException("genai-prices: expected an array of providers");
    }
    List<Provider> providers = new ArrayList<>();
    for (JsonNode p : root) {
      List<Model> models = new ArrayList<>();
      for (JsonNode m : p.path("models")) {
        models.add(new Model(m.path("id").asText(), clause(m.get("match")), conditionals(m.get("prices"))));
      }
      providers.add(new Provider(p.path("id").asText(), List.copyOf(models)));
    }
    return List.copyOf(providers);
  }

  private static List<Conditional> conditionals(JsonNode prices) {
    List<Conditional> out = new ArrayList<>();
    if (prices.isArray()) {
      for (JsonNode c : prices) {
        JsonNode constraint = c.get("constraint");
        Optional<LocalDate> start = Optional.empty();
        boolean timeOfDay = false;
        if (constraint != null && constraint.has("start_date")) {
          start = Optional.of(LocalDate.parse(constraint.get("start_date").asText()));
        } else if (constraint != null && constraint.has("start_time")) {
          timeOfDay = true;
        }
        out.add(new Conditional(start, timeOfDay, priceMap(c.get("prices"))));
      }
    } else {
      out.add(new Conditional(Optional.empty(), false, priceMap(prices)));
    }
    return List.copyOf(out);
  }

  private static Map<String, Price> priceMap(JsonNode node) {
    Map<String, Price> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = e.getValue();
      if (v.isNumber()) {
        out.put(e.getKey(), new Price(v.decimalValue(), Map.of()));
      } else if (v.isObject() && v.has("base")) {
        Map<Long, BigDecimal> tiers = new LinkedHashMap<>();
        for (JsonNode t : v.path("tiers")) {
          tiers.put(t.get("start").asLong(), t.get("price").decimalValue());
        }
        out.put(e.getKey(), new Price(v.get("base").decimalValue(), tiers));
      }
    }
    return out;
  }

  private static Clause clause(JsonNode node) {
    if (node == null || !node.isObject() || node.size() != 1) {
      throw new IllegalArgumentException("genai-prices: bad match clause " + node);
    }
    Map.Entry<String, JsonNode> e = node.properties().iterator().next();
    String v = e.getValue().isTextual() ? e.getValue().asText() : "";
    return switch (e.getKey()) {
      case "starts_with" -> new StartsWith(v);
      case "ends_with" -> new EndsWith(v);
      case "contains" -> new Contains(v);
      case "equals" -> new Equals(v);
      case "regex" -> new Regex(Pattern.compile(v));
      case "or", "and" -> {
        List<Clause> clauses = new ArrayList<>();
        e.getValue().forEach(c -> clauses.add(clause(c)));
        yield e.getKey().equals("or") ? new Or(List.copyOf(clauses)) : new And(List.copyOf(clauses));
      }
      default -> throw new IllegalArgumentException("genai-prices: unknown match clause " + e.getKey());
    };
  }
}
