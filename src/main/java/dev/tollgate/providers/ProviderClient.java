package dev.tollgate.providers;

import io.vertx.core.Future;

/**
 * One provider's wire protocol. Small on purpose: retries, metering and auth wrap it. Implementations
 * are bound to one verticle (one event loop) and never block.
 */
public interface ProviderClient {
  /** A non-streamed call. Fails with a {@code TollgateException} (upstream error, timeout). */
  Future<ProviderReply> call(ProviderCall call);

  /** A streamed call; events, usage and the end arrive through {@code observer}. */
  StreamHandle stream(ProviderCall call, StreamObserver observer);
}
