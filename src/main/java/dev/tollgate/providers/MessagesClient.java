package dev.tollgate.providers;

import io.vertx.core.Future;

/**
 * A provider that speaks Anthropic's Messages API natively. {@code POST /v1/messages} routed to such a
 * provider is passed through as it is (cache_control, thinking, betas ... survive); the call's body is
 * the caller's Anthropic request, and replies and stream events are Anthropic's, untranslated.
 */
public interface MessagesClient {
  /** A non-streamed Messages call; the reply body is Anthropic's {@code message} JSON. */
  Future<ProviderReply> messages(ProviderCall call);

  /** A streamed Messages call; events are Anthropic's named SSE events ({@code message_start} ...). */
  StreamHandle streamMessages(ProviderCall call, StreamObserver observer);
}
