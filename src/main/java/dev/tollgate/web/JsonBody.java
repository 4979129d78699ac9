package dev.tollgate.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON request body of the admin API, read field by field: wrong types, over-long values and unknown
 * fields are a 400 naming the field, before anything is changed.
 */
public final class JsonBody {
  private final ObjectNode node;

  private JsonBody(ObjectNode node) {
    this.node = node;
  }

  /** Parses the body (an empty body is {@code {}}) and refuses fields not in {@code allowed}. */
  public static JsonBody parse(RoutingContext ctx, Set<String> allowed) {
    byte[] bytes = Web.bodyBytes(ctx);
    ObjectNode node = bytes.length == 0 ? Json.object() : Json.parseObject(bytes);
    Set<String> unknown = new TreeSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        unknown.add(f);
      }
    }
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw new InvalidRequestException(first, "unknown field" + (unknown.size() > 1 ? "s " : " ") + unknown
          + " (expected: " + new TreeSet<>(allowed) + ")", "unknown_field");
    }
    return new JsonBody(node);
  }

  public boolean has(String field) {
    return node.has(field);
  }

  public boolean isEmpty() {
    return node.isEmpty();
  }

  public String requiredString(String field, int max) {
    return string(field, max).orElseThrow(() -> new InvalidRequestException(field,
        field + ": <missing> (expected: a string)", "invalid_value"));
  }

  /** Absent or null: empty. Otherwise a non-blank string of at most {@code max} characters. */
  public Optional<String> string(String field, int max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new InvalidRequestException(field, field + ": " + cut(v.toString()) + " (expected: a string)");
    }
    String s = v.asText();
    if (s.length() > max) {
      throw new InvalidRequestException(field, field + ": <" + s.length() + " characters> (expected: at most " + max + ")");
    }
    return Optional.of(s);
  }

  public Optional<Boolean> bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw new InvalidRequestException(field, field + ": " + cut(v.toString()) + " (expected: true or false)");
    }
    return Optional.of(v.asBoolean());
  }

  /** Absent: empty. Null: present and empty (cleared). Else an array of non-blank strings. */
  public Optional<List<String>> strings(String field, int maxItems, int maxLength) {
    JsonNode v = node.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isNull()) {
      return Optional.of(List.of());
    }
    if (!v.isArray() || v.size() > maxItems) {
      throw new InvalidRequestException(field, field + ": " + cut(v.toString()) + " (expected: an array of at most "
          + maxItems + " strings)");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > maxLength) {
        throw new InvalidRequestException(field, field + ": " + cut(item.toString()) + " (expected: non-blank strings of at most "
            + maxLength + " characters)");
      }
      if (!out.contains(item.asText())) {
        out.add(item.asText());
      }
    }
    return Optional.of(out);
  }

  /** Absent: empty. Null: present and empty (cleared). Else an object of string values. */
  public Optional<Map<String, String>> stringMap(String field, int maxEntries, int maxKey, int maxValue) {
    JsonNode v = node.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isNull()) {
      return Optional.of(Map.of());
    }
    if (!v.isObject() || v.size() > maxEntries) {
      throw new InvalidRequestException(field, field + ": " + cut(v.toString()) + " (expected: an object of at most "
          + maxEntries + " string values)");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (e.getKey().isBlank() || e.getKey().length() > maxKey || !e.getValue().isTextual()
          || e.getValue().asText().length() > maxValue) {
        throw new InvalidRequestException(field, field + "." + cut(e.getKey()) + ": " + cut(e.getValue().toString())
            + " (expected: keys of 1.." + maxKey + " characters, string values of at most " + maxValue + ")");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return Optional.of(out);
  }

  /** Absent: empty. Null: present and empty (no limit). Else an integer in [min, max]. */
  public Optional<OptionalLong> optionalLong(String field, long min, long max) {
    JsonNode v = node.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isNull()) {
      return Optional.of(OptionalLong.empty());
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw new InvalidRequestException(field, field + ": " + cut(v.toString()) + " (expected: an integer " + min + ".." + max
          + ", or null)");
    }
    return Optional.of(OptionalLong.of(v.asLong()));
  }

  /** Absent: empty. Null: present and empty (never). Else an ISO-8601 instant. */
  public Optional<Optional<Instant>> instant(String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isNull()) {
      return Optional.of(Optional.empty());
    }
    try {
      return Optional.of(Optional.of(Instant.parse(v.asText())));
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(field, field + ": " + cut(v.toString())
          + " (expected: an ISO-8601 instant such as 2027-01-01T00:00:00Z)");
    }
  }

  /** The raw node of a field (absent: missing node). */
  public JsonNode raw(String field) {
    return node.path(field);
  }

  private static String cut(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
