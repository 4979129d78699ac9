package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.usage.TokenUsage;
import java.util.Iterator;
import java.util.Map;

/**
 * Maps an Anthropic {@code usage} object to {@link TokenUsage}. Anthropic reports cache traffic
 * <i>outside</i> {@code input_tokens}: {@code input_tokens} is only the uncached part, so it maps to
 * {@code inputTokens} as it is, {@code cache_read_input_tokens} to {@code cacheReadTokens}, and cache
 * writes to the 5 m / 1 h classes ({@code cache_creation.ephemeral_5m_input_tokens} /
 * {@code ephemeral_1h_input_tokens} when the split is given, else all of
 * {@code cache_creation_input_tokens} is 5 m, the default TTL). {@code output_tokens} includes thinking;
 * {@code output_tokens_details.thinking_tokens}, when present, is the reasoning part of it.
 */
public final class AnthropicUsage {
  private AnthropicUsage() {}

  public static TokenUsage parse(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return TokenUsage.ZERO;
    }
    long input = count(usage, "input_tokens");
    long read = count(usage, "cache_read_input_tokens");
    long creation = count(usage, "cache_creation_input_tokens");
    JsonNode split = usage.path("cache_creation");
    long w1h = 0;
    long w5m = creation;
    if (split.isObject()) {
      w1h = count(split, "ephemeral_1h_input_tokens");
      // the split is authoritative; a total larger than the split is 5 m (the default TTL)
      w5m = Math.max(count(split, "ephemeral_5m_input_tokens"), creation - w1h);
    }
    long output = count(usage, "output_tokens");
    long thinking = Math.min(output, count(usage.path("output_tokens_details"), "thinking_tokens"));
    return new TokenUsage(input, read, w5m, w1h, 0, 0, output, thinking, 0);
  }

  /**
   * Folds a streamed usage update into what is known so far: {@code message_start} carries the input
   * side, {@code message_delta} the cumulative output (and, on newer API versions, the input side again).
   * Fields present in {@code update} win.
   */
  static ObjectNode merge(ObjectNode soFar, JsonNode update) {
    if (update == null || !update.isObject()) {
      return soFar;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNull()) {
        soFar.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return soFar;
  }

  /** The usage object an Anthropic-format answer carries, from normalised counts. */
  public static ObjectNode toJson(TokenUsage u) {
    ObjectNode o = Json.object();
    o.put("input_tokens", u.inputTokens() + u.audioInputTokens() + u.imageInputTokens());
    o.put("cache_creation_input_tokens", u.cacheWrite5mTokens() + u.cacheWrite1hTokens());
    o.put("cache_read_input_tokens", u.cacheReadTokens());
    o.putObject("cache_creation").put("ephemeral_5m_input_tokens", u.cacheWrite5mTokens())
        .put("ephemeral_1h_input_tokens", u.cacheWrite1hTokens());
    o.put("output_tokens", u.totalOutputTokens());
    return o;
  }

  private static long count(JsonNode node, String field) {
    return Math.max(0, node.path(field).asLong(0));
  }
}
