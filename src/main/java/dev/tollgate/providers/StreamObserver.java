package dev.tollgate.providers;

import dev.tollgate.common.TollgateException;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;

/**
 * What a provider adapter feeds while it streams. Events are complete SSE events in the caller's
 * format, ready to write: OpenAI chunks for {@link ProviderClient#stream}, Anthropic events for
 * {@link MessagesClient#streamMessages}. All methods are called on the verticle's event loop.
 */
public interface StreamObserver {
  /** A complete SSE event ({@code data: {...}\n\n}) to forward as it is. */
  void onEvent(Buffer sseEvent);

  /** The usage of the whole stream, as soon as the adapter knows it (before {@link #onComplete()}). */
  void onUsage(TokenUsage usage, String servedModel);

  /**
   * What the upstream has reported so far (Anthropic's {@code message_start} input counts, Gemini's
   * running {@code usageMetadata}), so that a stream cut short is recorded with the exact input side.
   * Superseded by {@link #onUsage}.
   */
  default void onPartialUsage(TokenUsage usageSoFar, String servedModel) {}

  /** The stream ended normally; the adapter has already sent {@code data: [DONE]}. */
  void onComplete();

  /** The stream failed; no more events follow. */
  void onError(TollgateException error);

  /** True while the caller reads slower than the upstream writes; the adapter pauses the upstream. */
  boolean writeQueueFull();

  /** Runs {@code resume} once the caller has caught up. */
  void onDrain(Runnable resume);
}
