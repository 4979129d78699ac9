package dev.tollgate.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;

/**
 * The embedded response cache: Caffeine, bounded by the bytes its entries hold, entries expiring
 * {@code ttl} after they were written. Time comes from the injected clock (Caffeine's {@link Ticker}).
 * In memory only, so its futures are already complete.
 */
public final class CaffeineResponseCache implements ResponseCache {
  private final Cache<String, CachedResponse> cache;
  private final long maxEntryBytes;

  public CaffeineResponseCache(CacheConfig config, Clock clock) {
    this.maxEntryBytes = config.maxEntryBytes();
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(config.maxBytes())
        .weigher((String k, CachedResponse v) -> (int) Math.min(Integer.MAX_VALUE, v.weight() + k.length()))
        .expireAfterWrite(config.ttl())
        .ticker(ticker)
        .executor(Runnable::run) // eviction bookkeeping inline: no ForkJoin pool threads in the gateway
        .build();
  }

  @Override
  public Future<Optional<CachedResponse>> get(String key) {
    return Future.succeededFuture(Optional.ofNullable(cache.getIfPresent(key)));
  }

  @Override
  public Future<Void> put(String key, CachedResponse response) {
    if (response.weight() <= maxEntryBytes) {
      cache.put(key, response);
    }
    return Future.succeededFuture();
  }

  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }
}
