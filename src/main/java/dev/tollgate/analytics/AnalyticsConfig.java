package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Durations;
import dev.tollgate.common.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * The {@code analytics:} section of {@code tollgate.yaml}:
 *
 * <pre>{@code
 * analytics:
 *   anomaly-enabled: true
 *   anomaly-interval: 5m          # how often the detector looks at the current and the last hour
 *   anomaly-baseline-weeks: 4     # the same hour of the week, this many weeks back
 *   anomaly-threshold: "4"        # robust z-score
 *   anomaly-min-amount: "5"       # USD above the baseline's median, so small noise never alerts
 * }</pre>
 */
public record AnalyticsConfig(boolean anomalyEnabled, Duration anomalyInterval, int anomalyBaselineWeeks,
                              BigDecimal anomalyThreshold, long anomalyMinAmountNanos) {
  public static final Set<String> KEYS = Set.of("anomaly-enabled", "anomaly-interval", "anomaly-baseline-weeks",
      "anomaly-threshold", "anomaly-min-amount");

  public AnalyticsConfig {
    requireNonNull(anomalyInterval, "anomalyInterval");
    requireNonNull(anomalyThreshold, "anomalyThreshold");
    if (anomalyInterval.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new ConfigException("analytics.anomaly-interval", anomalyInterval.toString(), ">= 10s");
    }
    if (anomalyBaselineWeeks < 2 || anomalyBaselineWeeks > 12) {
      throw new ConfigException("analytics.anomaly-baseline-weeks", Integer.toString(anomalyBaselineWeeks), "2..12");
    }
    if (anomalyThreshold.signum() <= 0) {
      throw new ConfigException("analytics.anomaly-threshold", anomalyThreshold.toPlainString(), "> 0");
    }
    if (anomalyMinAmountNanos < 0) {
      throw new ConfigException("analytics.anomaly-min-amount", Money.usd(anomalyMinAmountNanos), ">= 0");
    }
  }

  public static AnalyticsConfig ofDefaults() {
    return new AnalyticsConfig(true, Duration.ofMinutes(5), 4, new BigDecimal("4"), 5 * Money.NANOS_PER_USD);
  }

  public static AnalyticsConfig parse(JsonNode node) {
    AnalyticsConfig d = ofDefaults();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return d;
    }
    if (!node.isObject()) {
      throw new ConfigException("analytics", node.getNodeType().name().toLowerCase(java.util.Locale.ROOT), "a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new ConfigException("analytics." + k, k, "one of " + new java.util.TreeSet<>(KEYS));
      }
    }
    boolean enabled = d.anomalyEnabled();
    if (node.has("anomaly-enabled")) {
      String v = node.get("anomaly-enabled").asText();
      if (!v.equals("true") && !v.equals("false")) {
        throw new ConfigException("analytics.anomaly-enabled", v, "true or false");
      }
      enabled = Boolean.parseBoolean(v);
    }
    Duration interval = node.has("anomaly-interval")
        ? duration("analytics.anomaly-interval", node.get("anomaly-interval").asText()) : d.anomalyInterval();
    int weeks = d.anomalyBaselineWeeks();
    if (node.has("anomaly-baseline-weeks")) {
      String v = node.get("anomaly-baseline-weeks").asText();
      try {
        weeks = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new ConfigException("analytics.anomaly-baseline-weeks", v, "an integer 2..12");
      }
    }
    BigDecimal threshold = node.has("anomaly-threshold")
        ? decimal("analytics.anomaly-threshold", node.get("anomaly-threshold")) : d.anomalyThreshold();
    long min = d.anomalyMinAmountNanos();
    if (node.has("anomaly-min-amount")) {
      BigDecimal usd = decimal("analytics.anomaly-min-amount", node.get("anomaly-min-amount"));
      try {
        min = usd.movePointRight(9).longValueExact();
      } catch (ArithmeticException e) {
        throw new ConfigException("analytics.anomaly-min-amount", usd.toPlainString(), "USD with at most 9 decimals");
      }
    }
    return new AnalyticsConfig(enabled, interval, weeks, threshold, min);
  }

  private static Duration duration(String key, String v) {
    return Durations.parseDuration(key, v);
  }

  private static BigDecimal decimal(String key, JsonNode v) {
    if (v.isDouble() || v.isFloat()) {
      throw new ConfigException(key, v.asText(), "an exact decimal (quote it)");
    }
    try {
      return new BigDecimal(v.asText());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, v.asText(), "a decimal number");
    }
  }
}
