package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import dev.tollgate.cache.CacheConfig;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.routing.Deployments;
import dev.tollgate.routing.Sleeper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * What the gateway surfaces need besides keys and providers: the deployments and their live state (shared
 * by every event loop), the response cache, the retry sleeper and random source (injected so tests control
 * them), the event loop's Vert.x for timers, and the catalog's context windows.
 */
public record Resilience(Deployments deployments, ResponseCache cache, CacheConfig cacheConfig, Sleeper sleeper,
                         RandomGenerator random, Vertx vertx, Function<ModelConfig, OptionalLong> contextWindow,
                         Optional<MeterRegistry> registry) {
  public Resilience {
    requireNonNull(deployments, "deployments");
    requireNonNull(cache, "cache");
    requireNonNull(cacheConfig, "cacheConfig");
    requireNonNull(sleeper, "sleeper");
    requireNonNull(random, "random");
    requireNonNull(vertx, "vertx");
    requireNonNull(contextWindow, "contextWindow");
    requireNonNull(registry, "registry");
  }

  Dispatcher dispatcher(ModelCatalog catalog, java.util.Map<String, dev.tollgate.providers.ProviderClient> providers,
                        Relay relay, java.time.Clock clock) {
    return new Dispatcher(deployments, catalog, providers, relay, sleeper, random, vertx, clock, contextWindow);
  }

  Pipeline pipeline(dev.tollgate.gateway.Admission admission, ModelCatalog catalog, Metering metering, Relay relay,
                    java.time.Clock clock) {
    Pipeline.CacheCounters counters = registry.map(r -> Pipeline.CacheCounters.of(
        Counter.builder("tollgate.cache.hits").description("Requests answered from the response cache").register(r),
        Counter.builder("tollgate.cache.misses").description("Cacheable requests the response cache could not answer").register(r)))
        .orElse(Pipeline.CacheCounters.NONE);
    return new Pipeline(admission, cache, cacheConfig, counters, catalog, metering, relay, clock);
  }
}
