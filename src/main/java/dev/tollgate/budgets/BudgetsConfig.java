package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code budgets:} section of {@code tollgate.yaml}:
 *
 * <pre>{@code
 * budgets:
 *   time-zone: Europe/Berlin          # periods (day, week, month) start at local midnight here; default UTC
 *   reservation-ttl: 10m              # a reservation not settled by then is dropped (a crashed request cannot leak)
 *   default-max-output-tokens: 4096   # worst-case output when the request sets no max_tokens
 *   min-output-tokens: 16             # admit with a capped max_tokens only if the remainder pays at least this many
 *   max-output-tokens:                # per-model caps on the worst-case output
 *     gpt-4o: 16384
 * }</pre>
 */
public record BudgetsConfig(ZoneId timeZone, Duration reservationTtl, long defaultMaxOutputTokens, long minOutputTokens,
                            Map<String, Long> maxOutputTokens) {
  private static final Set<String> KEYS = Set.of("time-zone", "reservation-ttl", "default-max-output-tokens",
      "min-output-tokens", "max-output-tokens");

  public BudgetsConfig {
    requireNonNull(timeZone, "budgets.time-zone");
    requireNonNull(reservationTtl, "budgets.reservation-ttl");
    maxOutputTokens = Map.copyOf(maxOutputTokens);
    if (reservationTtl.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new ConfigException("budgets.reservation-ttl", reservationTtl, ">= 10s (longer than the slowest request)");
    }
    if (defaultMaxOutputTokens < 1) {
      throw new ConfigException("budgets.default-max-output-tokens", defaultMaxOutputTokens, ">= 1");
    }
    if (minOutputTokens < 1 || minOutputTokens > defaultMaxOutputTokens) {
      throw new ConfigException("budgets.min-output-tokens", minOutputTokens, "1..default-max-output-tokens");
    }
    maxOutputTokens.forEach((m, n) -> {
      if (n < 1) {
        throw new ConfigException("budgets.max-output-tokens." + m, n, ">= 1");
      }
    });
  }

  public static BudgetsConfig ofDefaults() {
    return new BudgetsConfig(ZoneId.of("UTC"), Duration.ofMinutes(10), 4096, 16, Map.of());
  }

  public BudgetsConfig withTimeZone(ZoneId zone) {
    return new BudgetsConfig(zone, reservationTtl, defaultMaxOutputTokens, minOutputTokens, maxOutputTokens);
  }

  /** The cap on a model's worst-case output tokens. */
  long outputCap(String model) {
    return maxOutputTokens.getOrDefault(model, defaultMaxOutputTokens);
  }

  public static BudgetsConfig parse(JsonNode node) {
    BudgetsConfig d = ofDefaults();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return d;
    }
    if (!node.isObject()) {
      throw new ConfigException("budgets", node.toString(), "a mapping");
    }
    node.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        throw new ConfigException("budgets." + k, node.get(k).toString(), "one of " + String.join(", ", KEYS.stream().sorted().toList()));
      }
    });
    ZoneId zone = d.timeZone();
    if (node.hasNonNull("time-zone")) {
      String z = node.get("time-zone").asText();
      try {
        zone = ZoneId.of(z);
      } catch (DateTimeException e) {
        throw new ConfigException("budgets.time-zone", z, "an IANA time zone such as Europe/Berlin or UTC");
      }
    }
    Duration ttl = node.hasNonNull("reservation-ttl")
        ? Durations.parseDuration("budgets.reservation-ttl", node.get("reservation-ttl").asText()) : d.reservationTtl();
    long def = integer(node, "default-max-output-tokens", d.defaultMaxOutputTokens());
    long min = integer(node, "min-output-tokens", d.minOutputTokens());
    Map<String, Long> caps = new LinkedHashMap<>();
    JsonNode m = node.get("max-output-tokens");
    if (m != null && !m.isNull()) {
      if (!m.isObject()) {
        throw new ConfigException("budgets.max-output-tokens", m.toString(), "a mapping of model name to tokens");
      }
      m.properties().forEach(e -> caps.put(e.getKey(), integer(m, e.getKey(), 0)));
    }
    return new BudgetsConfig(zone, ttl, def, min, caps);
  }

  private static long integer(JsonNode node, String key, long dflt) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.canConvertToLong() && v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isTextual() && v.asText().matches("-?\\d+")) {
      return Long.parseLong(v.asText());
    }
    throw new ConfigException("budgets." + key, v.toString(), "an integer");
  }
}
