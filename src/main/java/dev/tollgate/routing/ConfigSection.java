package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Typed reads of one YAML mapping for the routing and cache sections; errors name the full key. */
public record ConfigSection(String prefix, JsonNode node) {

  /** The mapping at {@code node}, checked for unknown keys; an absent or null node is an empty mapping. */
  public static ConfigSection of(String prefix, JsonNode node, Set<String> known) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new ConfigSection(prefix, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }
    if (!node.isObject()) {
      throw new ConfigException(prefix, node.getNodeType().name().toLowerCase(Locale.ROOT), "a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new ConfigException(prefix + "." + k, node.get(k).asText(), "no such key; known: "
            + String.join(", ", known.stream().sorted().toList()));
      }
    }
    return new ConfigSection(prefix, node);
  }

  public String key(String k) {
    return prefix + "." + k;
  }

  public JsonNode get(String k) {
    return node.get(k);
  }

  public ConfigSection section(String k, Set<String> known) {
    return of(key(k), node.get(k), known);
  }

  public Duration duration(String k, Duration fallback) {
    JsonNode v = node.get(k);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isIntegralNumber()) {
      throw new ConfigException(key(k), v.asText(), "a duration with a unit, such as " + v.asText() + "ms or " + v.asText() + "s");
    }
    return Durations.parseDuration(key(k), v.asText());
  }

  public long integer(String k, long fallback) {
    JsonNode v = node.get(k);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isIntegralNumber()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.asText().strip());
      } catch (NumberFormatException e) {
        // below
      }
    }
    throw new ConfigException(key(k), v.asText(), "an integer");
  }

  public boolean bool(String k, boolean fallback) {
    JsonNode v = node.get(k);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    String t = v.asText().strip().toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("false")) {
      return Boolean.parseBoolean(t);
    }
    throw new ConfigException(key(k), v.asText(), "true or false");
  }

  public String string(String k, String fallback) {
    JsonNode v = node.get(k);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isValueNode()) {
      throw new ConfigException(key(k), v.toString(), "a string");
    }
    return v.asText();
  }

  public List<String> strings(String k) {
    JsonNode v = node.get(k);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new ConfigException(key(k), v.asText(), "a list of strings");
    }
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw new ConfigException(key(k), e.toString(), "a list of non-empty strings");
      }
      out.add(e.asText());
    }
    return out;
  }
}
