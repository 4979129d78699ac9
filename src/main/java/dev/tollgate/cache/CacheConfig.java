package dev.tollgate.cache;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.routing.ConfigSection;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code cache:} section: the exact-match response cache.
 *
 * <pre>
 * cache:
 *   enabled: true
 *   ttl: 1h
 *   max-bytes: 256MiB          # the embedded (Caffeine) cache is bounded by the size of its entries
 *   max-entry-bytes: 1MiB      # larger answers are not cached
 *   keys: [key-id, ...]        # when set, only these keys use the cache
 *   projects: [project-id, ...] # when set, only these projects use the cache
 * </pre>
 *
 * A key or project listed in either list turns the cache on for it; with both lists empty, every request
 * may use it. Callers opt out per request with {@code Cache-Control: no-cache} or {@code x-tollgate-cache: off}.
 */
public record CacheConfig(boolean enabled, Duration ttl, long maxBytes, long maxEntryBytes, Set<String> keys,
                          Set<String> projects) {
  public static final String SECTION = "cache";
  public static final Set<String> KEYS = Set.of("enabled", "ttl", "max-bytes", "max-entry-bytes", "keys", "projects");

  public CacheConfig {
    requireNonNull(ttl, "cache.ttl");
    keys = Set.copyOf(keys);
    projects = Set.copyOf(projects);
    if (ttl.isNegative() || ttl.isZero()) {
      throw new ConfigException("cache.ttl", ttl, "> 0");
    }
    if (maxBytes < 1024) {
      throw new ConfigException("cache.max-bytes", maxBytes, ">= 1KiB");
    }
    if (maxEntryBytes < 1 || maxEntryBytes > maxBytes) {
      throw new ConfigException("cache.max-entry-bytes", maxEntryBytes, "1..cache.max-bytes (" + maxBytes + ")");
    }
  }

  public static CacheConfig ofDefaults() {
    return new CacheConfig(false, Duration.ofHours(1), 256L << 20, 1L << 20, Set.of(), Set.of());
  }

  public static CacheConfig enabledFor(Duration ttl) {
    return new CacheConfig(true, ttl, 256L << 20, 1L << 20, Set.of(), Set.of());
  }

  /** Whether requests of this key and project may use the cache. */
  public boolean appliesTo(String keyId, Optional<String> projectId) {
    if (!enabled) {
      return false;
    }
    if (keys.isEmpty() && projects.isEmpty()) {
      return true;
    }
    return keys.contains(keyId) || projectId.map(projects::contains).orElse(false);
  }

  public static CacheConfig parse(JsonNode node) {
    CacheConfig d = ofDefaults();
    ConfigSection s = ConfigSection.of(SECTION, node, KEYS);
    return new CacheConfig(s.bool("enabled", d.enabled()), s.duration("ttl", d.ttl()), size(s, "max-bytes", d.maxBytes()),
        size(s, "max-entry-bytes", d.maxEntryBytes()), Set.copyOf(s.strings("keys")), Set.copyOf(s.strings("projects")));
  }

  private static long size(ConfigSection s, String k, long fallback) {
    JsonNode v = s.get(k);
    if (v == null || v.isNull()) {
      return fallback;
    }
    return v.isIntegralNumber() ? v.longValue() : dev.tollgate.common.Durations.parseSize(s.key(k), v.asText());
  }
}
