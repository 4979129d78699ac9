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
    long cached = Math.min(prompt, in.path("cached_tokens").asLong(0));
    long audioIn = Math.min(prompt - cached, in.path("audio_tokens").asLong(0));
    long audioOut = Math.min(completion, out.path("audio_tokens").asLong(0));
    long textOut = completion - audioOut;
    long reasoning = Math.min(textOut, out.path("reasoning_tokens").asLong(0));
    return Optional.of(new TokenUsage(prompt - cached - audioIn, cached, 0, 0, audioIn, 0, textOut, reasoning, audioOut));
  }
}
