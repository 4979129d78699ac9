package dev.tollgate.alerts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code alerts:} section of {@code tollgate.yaml}:
 *
 * <pre>{@code
 * alerts:
 *   max-attempts: 5            # per channel and alert
 *   initial-backoff: 1s        # doubled after each failed attempt ...
 *   max-backoff: 5m            # ... up to this
 *   pagerduty-url: https://events.pagerduty.com/v2/enqueue
 *   smtp:
 *     host: smtp.example.com
 *     port: 587
 *     from: tollgate@example.com
 *     username: tollgate       # optional: AUTH PLAIN
 *     password: ${SMTP_PASSWORD}
 *     starttls: true
 * }</pre>
 */
public record AlertsConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff, URI pagerDutyUrl,
                           Optional<Smtp> smtp) {
  private static final Set<String> KEYS = Set.of("max-attempts", "initial-backoff", "max-backoff", "pagerduty-url", "smtp");
  private static final Set<String> SMTP_KEYS = Set.of("host", "port", "from", "username", "password", "starttls");
  public static final URI PAGERDUTY_EVENTS = URI.create("https://events.pagerduty.com/v2/enqueue");

  /** Where email alerts are sent from. The password is never logged. */
  public record Smtp(String host, int port, String from, Optional<String> username, Optional<String> password,
                     boolean starttls) {
    public Smtp {
      requireNonNull(host, "alerts.smtp.host");
      requireNonNull(from, "alerts.smtp.from");
      requireNonNull(username, "alerts.smtp.username");
      requireNonNull(password, "alerts.smtp.password");
      if (host.isBlank()) {
        throw new ConfigException("alerts.smtp.host", host, "a host name");
      }
      if (port < 1 || port > 65535) {
        throw new ConfigException("alerts.smtp.port", port, "1..65535");
      }
      if (!from.contains("@")) {
        throw new ConfigException("alerts.smtp.from", from, "an email address");
      }
      if (username.isPresent() != password.isPresent()) {
        throw new ConfigException("alerts.smtp.password", "<" + (password.isPresent() ? "set" : "missing") + ">",
            "username and password together");
      }
    }

    @Override
    public String toString() {
      return "Smtp[" + host + ":" + port + ", from " + from + "]";
    }
  }

  public AlertsConfig {
    requireNonNull(initialBackoff, "alerts.initial-backoff");
    requireNonNull(maxBackoff, "alerts.max-backoff");
    requireNonNull(pagerDutyUrl, "alerts.pagerduty-url");
    requireNonNull(smtp, "alerts.smtp");
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new ConfigException("alerts.max-attempts", maxAttempts, "1..20");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new ConfigException("alerts.max-backoff", maxBackoff, ">= alerts.initial-backoff (" + initialBackoff + ")");
    }
  }

  public static AlertsConfig ofDefaults() {
    return new AlertsConfig(5, Duration.ofSeconds(1), Duration.ofMinutes(5), PAGERDUTY_EVENTS, Optional.empty());
  }

  public AlertsConfig withSmtp(Smtp smtp) {
    return new AlertsConfig(maxAttempts, initialBackoff, maxBackoff, pagerDutyUrl, Optional.of(smtp));
  }

  public AlertsConfig withPagerDutyUrl(URI url) {
    return new AlertsConfig(maxAttempts, initialBackoff, maxBackoff, url, smtp);
  }

  /** The wait before attempt {@code attempt + 1} (attempts count from 1). */
  Duration backoff(int attempt) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  public static AlertsConfig parse(JsonNode node) {
    AlertsConfig d = ofDefaults();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return d;
    }
    if (!node.isObject()) {
      throw new ConfigException("alerts", node.toString(), "a mapping");
    }
    checkKeys(node, "alerts", KEYS);
    int attempts = node.hasNonNull("max-attempts") ? integer(node.get("max-attempts"), "alerts.max-attempts") : d.maxAttempts();
    Duration initial = node.hasNonNull("initial-backoff")
        ? Durations.parseDuration("alerts.initial-backoff", node.get("initial-backoff").asText()) : d.initialBackoff();
    Duration max = node.hasNonNull("max-backoff")
        ? Durations.parseDuration("alerts.max-backoff", node.get("max-backoff").asText()) : d.maxBackoff();
    URI pd = d.pagerDutyUrl();
    if (node.hasNonNull("pagerduty-url")) {
      try {
        pd = URI.create(node.get("pagerduty-url").asText());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("alerts.pagerduty-url", node.get("pagerduty-url").asText(), "an http(s) URL");
      }
    }
    Optional<Smtp> smtp = Optional.empty();
    JsonNode s = node.get("smtp");
    if (s != null && !s.isNull()) {
      if (!s.isObject()) {
        throw new ConfigException("alerts.smtp", s.toString(), "a mapping");
      }
      checkKeys(s, "alerts.smtp", SMTP_KEYS);
      smtp = Optional.of(new Smtp(s.path("host").asText(""), s.hasNonNull("port") ? integer(s.get("port"), "alerts.smtp.port") : 25,
          s.path("from").asText(""), text(s, "username"), text(s, "password"), s.path("starttls").asBoolean(false)));
    }
    return new AlertsConfig(attempts, initial, max, pd, smtp);
  }

  private static Optional<String> text(JsonNode n, String key) {
    return n.hasNonNull(key) ? Optional.of(n.get(key).asText()) : Optional.empty();
  }

  private static int integer(JsonNode v, String key) {
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.asInt();
    }
    if (v.isTextual() && v.asText().matches("\\d{1,9}")) {
      return Integer.parseInt(v.asText());
    }
    throw new ConfigException(key, v.toString(), "an integer");
  }

  private static void checkKeys(JsonNode node, String section, Set<String> known) {
    node.fieldNames().forEachRemaining(k -> {
      if (!known.contains(k)) {
        throw new ConfigException(section + "." + k, node.get(k).toString(), "one of " + String.join(", ", known.stream().sorted().toList()));
      }
    });
  }
}
