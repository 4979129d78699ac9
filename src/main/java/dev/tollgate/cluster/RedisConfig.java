package dev.tollgate.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code redis:} section. Without {@code url} the counters and cache stay in the process (embedded
 * mode); with it, every replica shares them through Redis.
 *
 * <pre>{@code
 * redis:
 *   url: redis://127.0.0.1:6379      # rediss:// for TLS; a password goes in the URL: redis://:secret@host:6379
 *   key-prefix: "tollgate:"          # every key and channel starts with it (several deployments, one Redis)
 *   command-timeout: 500ms           # a command not answered by then counts as Redis down
 *   connect-timeout: 2s
 *   budgets-fail-mode: closed        # Redis down: refuse requests under a hard budget (503) ... or open: admit them
 *   rate-limits-fail-mode: open      # Redis down: admit (limits are not enforced meanwhile) ... or closed: 503
 * }</pre>
 *
 * @param budgetsFailMode what budget admission does while Redis is unreachable
 * @param rateLimitsFailMode what rate limiting does while Redis is unreachable
 */
public record RedisConfig(Optional<String> url, String keyPrefix, Duration commandTimeout, Duration connectTimeout,
                          FailMode budgetsFailMode, FailMode rateLimitsFailMode) {
  static final Set<String> KEYS = Set.of("url", "key-prefix", "command-timeout", "connect-timeout", "budgets-fail-mode",
      "rate-limits-fail-mode");

  /** What a shared-counter check does while Redis cannot be reached. */
  public enum FailMode {
    /** Refuse with 503: nothing is admitted that could not be counted. */
    CLOSED,
    /** Admit without counting: availability over enforcement. */
    OPEN
  }

  public RedisConfig {
    requireNonNull(url, "redis.url");
    requireNonNull(keyPrefix, "redis.key-prefix");
    requireNonNull(commandTimeout, "redis.command-timeout");
    requireNonNull(connectTimeout, "redis.connect-timeout");
    requireNonNull(budgetsFailMode, "redis.budgets-fail-mode");
    requireNonNull(rateLimitsFailMode, "redis.rate-limits-fail-mode");
    url.ifPresent(RedisConfig::checkUrl);
    if (keyPrefix.isEmpty() || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException("redis.key-prefix", keyPrefix, "a non-empty prefix without spaces, such as tollgate:");
    }
    if (commandTimeout.toMillis() < 1 || commandTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ConfigException("redis.command-timeout", commandTimeout, "1ms..60s");
    }
    if (connectTimeout.toMillis() < 1 || connectTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ConfigException("redis.connect-timeout", connectTimeout, "1ms..60s");
    }
  }

  public static RedisConfig ofDefaults() {
    return new RedisConfig(Optional.empty(), "tollgate:", Duration.ofMillis(500), Duration.ofSeconds(2), FailMode.CLOSED,
        FailMode.OPEN);
  }

  public RedisConfig withUrl(String url) {
    return new RedisConfig(Optional.of(url), keyPrefix, commandTimeout, connectTimeout, budgetsFailMode, rateLimitsFailMode);
  }

  public RedisConfig withKeyPrefix(String keyPrefix) {
    return new RedisConfig(url, keyPrefix, commandTimeout, connectTimeout, budgetsFailMode, rateLimitsFailMode);
  }

  public RedisConfig withFailModes(FailMode budgets, FailMode rateLimits) {
    return new RedisConfig(url, keyPrefix, commandTimeout, connectTimeout, budgets, rateLimits);
  }

  public boolean enabled() {
    return url.isPresent();
  }

  /** The URL with any password replaced, for logs and health output. */
  public Optional<String> displayUrl() {
    return url.map(RedisConfig::redact);
  }

  /** Never prints a password. */
  @Override
  public String toString() {
    return "RedisConfig[url=" + displayUrl().orElse("-") + ", key-prefix=" + keyPrefix + ", command-timeout=" + commandTimeout
        + ", connect-timeout=" + connectTimeout + ", budgets-fail-mode=" + budgetsFailMode + ", rate-limits-fail-mode="
        + rateLimitsFailMode + "]";
  }

  static String redact(String url) {
    return url.replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@").replaceAll("//([^/@:]+)@", "//***@");
  }

  private static void checkUrl(String url) {
    try {
      URI u = new URI(url);
      if (!("redis".equals(u.getScheme()) || "rediss".equals(u.getScheme())) || u.getHost() == null) {
        throw new ConfigException("redis.url", redact(url), "redis://host:port or rediss://host:port");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException("redis.url", redact(url), "redis://host:port or rediss://host:port");
    }
  }

  /** Reads the {@code redis:} section; absent or null means {@link #ofDefaults()}. */
  public static RedisConfig parse(JsonNode node) {
    RedisConfig d = ofDefaults();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return d;
    }
    if (!node.isObject()) {
      throw new ConfigException("redis", node.asText(), "a mapping with url, key-prefix, ...");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new ConfigException("redis." + k, node.get(k).asText(), "no such key; known: " + String.join(", ", KEYS.stream().sorted().toList()));
      }
    }
    Optional<String> url = text(node, "url").filter(s -> !s.isBlank());
    return new RedisConfig(url,
        text(node, "key-prefix").orElse(d.keyPrefix()),
        text(node, "command-timeout").map(s -> Durations.parseDuration("redis.command-timeout", s)).orElse(d.commandTimeout()),
        text(node, "connect-timeout").map(s -> Durations.parseDuration("redis.connect-timeout", s)).orElse(d.connectTimeout()),
        text(node, "budgets-fail-mode").map(s -> failMode("redis.budgets-fail-mode", s)).orElse(d.budgetsFailMode()),
        text(node, "rate-limits-fail-mode").map(s -> failMode("redis.rate-limits-fail-mode", s)).orElse(d.rateLimitsFailMode()));
  }

  private static Optional<String> text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      throw new ConfigException("redis." + key, v.toString(), "a string");
    }
    return Optional.of(v.asText());
  }

  private static FailMode failMode(String key, String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "closed" -> FailMode.CLOSED;
      case "open" -> FailMode.OPEN;
      default -> throw new ConfigException(key, text, "closed or open");
    };
  }
}
