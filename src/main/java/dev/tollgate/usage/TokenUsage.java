package dev.tollgate.usage;

/**
 * Token counts normalised across providers into <b>disjoint</b> classes, so that a cost is a plain sum
 * of count x unit price and nothing is counted twice:
 *
 * <ul>
 *   <li>{@code inputTokens}: text input billed at the model's normal input price. It excludes cache
 *       reads, cache writes, audio and image input (OpenAI's {@code prompt_tokens} includes
 *       {@code cached_tokens}; an adapter subtracts them here).</li>
 *   <li>{@code cacheReadTokens}, {@code cacheWrite5mTokens}, {@code cacheWrite1hTokens}: prompt-cache
 *       traffic (Anthropic reports these outside {@code input_tokens}).</li>
 *   <li>{@code audioInputTokens}, {@code imageInputTokens}: non-text input.</li>
 *   <li>{@code outputTokens}: text output, <i>including</i> reasoning tokens.</li>
 *   <li>{@code reasoningTokens}: the part of {@code outputTokens} spent on reasoning (informational).</li>
 *   <li>{@code audioOutputTokens}: audio output, outside {@code outputTokens}.</li>
 * </ul>
 */
public record TokenUsage(
    long inputTokens,
    long cacheReadTokens,
    long cacheWrite5mTokens,
    long cacheWrite1hTokens,
    long audioInputTokens,
    long imageInputTokens,
    long outputTokens,
    long reasoningTokens,
    long audioOutputTokens) {

  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0, 0, 0, 0, 0);

  public TokenUsage {
    requireNonNegative("inputTokens", inputTokens);
    requireNonNegative("cacheReadTokens", cacheReadTokens);
    requireNonNegative("cacheWrite5mTokens", cacheWrite5mTokens);
    requireNonNegative("cacheWrite1hTokens", cacheWrite1hTokens);
    requireNonNegative("audioInputTokens", audioInputTokens);
    requireNonNegative("imageInputTokens", imageInputTokens);
    requireNonNegative("outputTokens", outputTokens);
    requireNonNegative("reasoningTokens", reasoningTokens);
    requireNonNegative("audioOutputTokens", audioOutputTokens);
    if (reasoningTokens > outputTokens) {
      throw new IllegalArgumentException("reasoningTokens: " + reasoningTokens + " (expected: <= outputTokens " + outputTokens + ")");
    }
  }

  /** Plain text in, text out. */
  public static TokenUsage of(long inputTokens, long outputTokens) {
    return new TokenUsage(inputTokens, 0, 0, 0, 0, 0, outputTokens, 0, 0);
  }

  /** Every input token, whatever its class: what OpenAI calls {@code prompt_tokens}. */
  public long totalInputTokens() {
    return inputTokens + cacheReadTokens + cacheWrite5mTokens + cacheWrite1hTokens + audioInputTokens + imageInputTokens;
  }

  /** Every output token: what OpenAI calls {@code completion_tokens}. */
  public long totalOutputTokens() {
    return outputTokens + audioOutputTokens;
  }

  public long totalTokens() {
    return totalInputTokens() + totalOutputTokens();
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
  }
}
