package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.usage.TokenUsage;

/**
 * Maps a Gemini {@code usageMetadata} object to {@link TokenUsage}. Gemini counts
 * {@code cachedContentTokenCount} <i>inside</i> {@code promptTokenCount} (subtracted here), and
 * {@code thoughtsTokenCount} <i>outside</i> {@code candidatesTokenCount} (added here, since our
 * {@code outputTokens} includes reasoning). {@code toolUsePromptTokenCount} is input outside
 * {@code promptTokenCount} and is added to the input. Audio, from the per-modality details, is split out
 * on both sides (it has its own price); image and video input stay in {@code inputTokens}, which Gemini
 * bills at the text input rate.
 */
public final class GeminiUsage {
  private GeminiUsage() {}

  public static TokenUsage parse(JsonNode meta) {
    if (meta == null || !meta.isObject()) {
      return TokenUsage.ZERO;
    }
    long prompt = count(meta, "promptTokenCount");
    long cached = Math.min(prompt, count(meta, "cachedContentTokenCount"));
    long toolUse = count(meta, "toolUsePromptTokenCount");
    long audioIn = Math.min(prompt - cached,
        Math.max(0, modality(meta.path("promptTokensDetails"), "AUDIO") - modality(meta.path("cacheTokensDetails"), "AUDIO")));
    long candidates = count(meta, "candidatesTokenCount");
    long audioOut = Math.min(candidates, modality(meta.path("candidatesTokensDetails"), "AUDIO"));
    long thoughts = count(meta, "thoughtsTokenCount");
    long output = candidates - audioOut + thoughts;
    return new TokenUsage(prompt - cached - audioIn + toolUse, cached, 0, 0, audioIn, 0, output, thoughts, audioOut);
  }

  private static long modality(JsonNode details, String modality) {
    long n = 0;
    for (JsonNode d : details) {
      if (modality.equals(d.path("modality").asText())) {
        n += Math.max(0, d.path("tokenCount").asLong(0));
      }
    }
    return n;
  }

  private static long count(JsonNode node, String field) {
    return Math.max(0, node.path(field).asLong(0));
  }
}
