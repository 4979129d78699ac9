package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.usage.TokenUsage;
import java.util.Optional;

/**
 * Maps an OpenAI {@code usage} object to {@link TokenUsage}. OpenAI reports cached and audio tokens
 * <i>inside</i> {@code prompt_tokens} and reasoning and audio tokens inside {@code completion_tokens};
 * they are subtracted here so that the classes are disjoint and nothing is billed twice.
 */
public final class OpenAiUsage {
  private OpenAiUsage() {}

  public static Optional<TokenUsage> parse(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return Optional.empty();
    }
    long prompt = usage.path("prompt_tokens").asLong(0);
    long completion = usage.path("completion_tokens").asLong(0);
    JsonNode in = usage.path("prompt_tokens_details");
    JsonNode out = usage.path("completion_tokens_details");
    // DeepSeek reports cache hits as prompt_cache_hit_tokens (inside prompt_tokens) instead
    long cached = Math.min(prompt, in.has("cached_tokens") ? in.path("cached_tokens").asLong(0)
        : usage.path("prompt_cache_hit_tokens").asLong(0));
    long audioIn = Math.min(prompt - cached, in.path("audio_tokens").asLong(0));
    long audioOut = Math.min(completion, out.path("audio_tokens").asLong(0));
    long textOut = completion - audioOut;
    long reasoning = Math.min(textOut, out.path("reasoning_tokens").asLong(0));
    return Optional.of(new TokenUsage(prompt - cached - audioIn, cached, 0, 0, audioIn, 0, textOut, reasoning, audioOut));
  }

  /**
   * The OpenAI {@code usage} object for normalised counts (answers translated from another provider):
   * every input class inside {@code prompt_tokens}, cache reads as {@code cached_tokens}, reasoning
   * inside {@code completion_tokens}. Cache writes have no OpenAI field; they are inside
   * {@code prompt_tokens} and also reported as {@code cache_creation_input_tokens} (LiteLLM's name).
   */
  public static com.fasterxml.jackson.databind.node.ObjectNode toJson(TokenUsage u) {
    var o = dev.tollgate.common.Json.object();
    o.put("prompt_tokens", u.totalInputTokens()).put("completion_tokens", u.totalOutputTokens())
        .put("total_tokens", u.totalTokens());
    o.putObject("prompt_tokens_details").put("cached_tokens", u.cacheReadTokens()).put("audio_tokens", u.audioInputTokens());
    o.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens())
        .put("audio_tokens", u.audioOutputTokens());
    if (u.cacheWrite5mTokens() + u.cacheWrite1hTokens() > 0) {
      o.put("cache_creation_input_tokens", u.cacheWrite5mTokens() + u.cacheWrite1hTokens());
    }
    return o;
  }
}
