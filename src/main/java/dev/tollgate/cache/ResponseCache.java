package dev.tollgate.cache;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * The response cache: exact match on a normalised request ({@link CacheKey}). Asynchronous, so a shared
 * implementation (Redis, in cluster mode) fits behind the same interface as the embedded one.
 */
public interface ResponseCache {
  Future<Optional<CachedResponse>> get(String key);

  Future<Void> put(String key, CachedResponse response);

  /** Caches nothing. */
  ResponseCache NONE = new ResponseCache() {
    @Override
    public Future<Optional<CachedResponse>> get(String key) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Void> put(String key, CachedResponse response) {
      return Future.succeededFuture();
    }
  };
}
