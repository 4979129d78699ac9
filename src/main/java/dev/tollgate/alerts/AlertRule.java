package dev.tollgate.alerts;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When to alert and where to.
 *
 * @param budgetId for budget rules: the budget watched; empty means every budget the rule's owner sees
 * @param minScore for spend-spike rules: only anomalies at least this unusual
 * @param orgId the org that owns the rule (it only sees that org's budgets and spikes); empty for the master key
 */
public record AlertRule(String id, String name, Type type, Optional<String> budgetId, Optional<BigDecimal> minScore,
                        List<Channel> channels, Optional<String> orgId, Optional<String> projectId, boolean enabled,
                        Instant createdAt) {

  public enum Type {
    BUDGET_THRESHOLD, BURN_RATE, SPEND_SPIKE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Type parse(String s) {
      for (Type t : values()) {
        if (t.wire().equals(s)) {
          return t;
        }
      }
      throw new IllegalArgumentException("type: " + s + " (expected: budget_threshold, burn_rate or spend_spike)");
    }
  }

  /**
   * One destination.
   *
   * @param url webhook, Slack incoming-webhook or PagerDuty Events API URL (PagerDuty defaults to the public one)
   * @param secret the webhook's HMAC-SHA256 signing secret; never rendered
   * @param to email recipients
   * @param routingKey PagerDuty integration (routing) key; never rendered
   */
  public record Channel(ChannelType type, Optional<URI> url, Optional<String> secret, List<String> to,
                        Optional<String> routingKey) {
    public Channel {
      requireNonNull(type, "type");
      requireNonNull(url, "url");
      requireNonNull(secret, "secret");
      requireNonNull(routingKey, "routingKey");
      to = List.copyOf(to);
      switch (type) {
        case WEBHOOK, SLACK -> {
          if (url.isEmpty()) {
            throw new IllegalArgumentException("channels[].url: <missing> (expected: an http(s) URL for a " + type.wire() + " channel)");
          }
        }
        case EMAIL -> {
          if (to.isEmpty() || to.stream().anyMatch(a -> !a.matches("[^@\\s<>]+@[^@\\s<>]+"))) {
            throw new IllegalArgumentException("channels[].to: " + to + " (expected: one or more email addresses)");
          }
        }
        case PAGERDUTY -> {
          if (routingKey.isEmpty() || routingKey.get().isBlank()) {
            throw new IllegalArgumentException("channels[].routing_key: <missing> (expected: a PagerDuty integration key)");
          }
        }
      }
      url.ifPresent(u -> {
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
          throw new IllegalArgumentException("channels[].url: " + u + " (expected: an http(s) URL)");
        }
      });
    }

    /** Where deliveries went, for the delivery log: scheme and host only (URLs of webhooks are secrets too). */
    public String target() {
      return switch (type) {
        case EMAIL -> String.join(",", to);
        default -> url.map(u -> u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : ""))
            .orElse("pagerduty");
      };
    }
  }

  public enum ChannelType {
    WEBHOOK, SLACK, EMAIL, PAGERDUTY;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static ChannelType parse(String s) {
      for (ChannelType t : values()) {
        if (t.wire().equals(s)) {
          return t;
        }
      }
      throw new IllegalArgumentException("channels[].type: " + s + " (expected: webhook, slack, email or pagerduty)");
    }
  }

  public AlertRule {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(budgetId, "budgetId");
    requireNonNull(minScore, "minScore");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(createdAt, "createdAt");
    channels = List.copyOf(channels);
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("channels: [] (expected: at least one channel)");
    }
    if (type == Type.SPEND_SPIKE && budgetId.isPresent()) {
      throw new IllegalArgumentException("budget_id: " + budgetId.get() + " (expected: none for a spend_spike rule)");
    }
  }
}
