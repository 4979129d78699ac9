package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.EventBus;
import dev.tollgate.config.ModelConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * Every deployment of every model and their live state, shared by all event loops. {@link #plan} orders a
 * model's available deployments by its strategy: the first is tried first, the others take the retries.
 * Deployments whose breaker is open, or that an operator disabled, are left out. A breaker that opens is
 * published as {@link ProviderCircuitOpened}.
 */
public final class Deployments {
  /** Breaker gauges kept at most; later deployments are not exported (the health API still shows them). */
  public static final int MAX_BREAKER_SERIES = 200;
  /** Models reached through a {@code provider/*} route get their state lazily, up to this many. */
  static final int MAX_DYNAMIC = 1024;
  /** A price for the cheapest strategy: one request of 1k input and 1k output tokens, in nano-USD. */
  public static final long UNPRICED = Long.MAX_VALUE;

  private final RoutingConfig config;
  private final Clock clock;
  private final ToLongFunction<ModelConfig> price;
  private final Map<String, List<Deployment>> byModel = new LinkedHashMap<>();
  private final Map<String, Deployment> dynamic = new ConcurrentHashMap<>();
  private final Optional<MeterRegistry> registry;
  private final Optional<Counter> retries;
  private int breakerSeries;

  private final EventBus events;

  public Deployments(List<ModelConfig> models, RoutingConfig config, Clock clock, ToLongFunction<ModelConfig> price,
                     Optional<MeterRegistry> registry, EventBus events) {
    this.events = requireNonNull(events, "events");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.price = requireNonNull(price, "price");
    this.registry = requireNonNull(registry, "registry");
    for (ModelConfig m : models) {
      if (!m.isWildcard()) {
        byModel.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(track(new Deployment(m, config.breaker(), clock, events::publish)));
      }
    }
    byModel.replaceAll((k, v) -> List.copyOf(v));
    this.retries = registry.map(r -> Counter.builder("tollgate.retries").description("Upstream attempts after the first")
        .register(r));
  }

  public RoutingConfig config() {
    return config;
  }

  private Deployment track(Deployment d) {
    registry.ifPresent(r -> {
      synchronized (this) {
        if (breakerSeries >= MAX_BREAKER_SERIES) {
          return;
        }
        breakerSeries++;
      }
      Gauge.builder("tollgate.breaker.state", d, x -> x.breaker().state().ordinal())
          .description("Circuit breaker state per deployment: 0 closed, 1 open, 2 half-open")
          .tag("deployment", d.qualifiedId()).register(r);
    });
    return d;
  }

  /** Counts one retry (an attempt after the first) for the metrics. */
  public void countRetry() {
    retries.ifPresent(Counter::increment);
  }

  /** Every deployment: the configured ones by model in configuration order, then the {@code provider/*} routes met. */
  public List<Deployment> all() {
    List<Deployment> out = configured();
    out.addAll(dynamic.values());
    return out;
  }

  /** The deployments the configuration names, by model in configuration order. */
  public List<Deployment> configured() {
    List<Deployment> out = new ArrayList<>();
    byModel.values().forEach(out::addAll);
    return out;
  }

  public Optional<Deployment> find(String model, String id) {
    return byModel.getOrDefault(model, List.of()).stream().filter(d -> d.id().equals(id)).findFirst();
  }

  /** The deployments of a resolved model (a {@code provider/*} route is one deployment). */
  public List<Deployment> of(ModelConfig resolved) {
    List<Deployment> configured = byModel.get(resolved.name());
    if (configured != null) {
      return configured;
    }
    Deployment d = dynamic.get(resolved.name());
    if (d == null) {
      d = new Deployment(resolved, config.breaker(), clock, events::publish);
      if (dynamic.size() < MAX_DYNAMIC) {
        Deployment prev = dynamic.putIfAbsent(resolved.name(), d);
        d = prev != null ? prev : d;
      }
    }
    return List.of(d);
  }

  /** The available deployments of {@code resolved}, ordered by its strategy. Empty when none is available. */
  public List<Deployment> plan(ModelConfig resolved, RandomGenerator random) {
    List<Deployment> candidates = new ArrayList<>();
    for (Deployment d : of(resolved)) {
      if (d.enabled() && d.breaker().available()) {
        candidates.add(d);
      }
    }
    return order(candidates, resolved.strategy().orElse(config.strategy()), random);
  }

  List<Deployment> order(List<Deployment> candidates, Strategy strategy, RandomGenerator random) {
    if (candidates.size() <= 1) {
      return candidates;
    }
    return switch (strategy) {
      case WEIGHTED -> weighted(candidates, random);
      case LATENCY -> sorted(candidates, random, Comparator.comparingDouble(d -> {
        double l = d.latencyEwmaMs();
        return Double.isNaN(l) ? -1 : l; // unmeasured first, so it gets measured
      }));
      case LEAST_BUSY -> sorted(candidates, random, Comparator.comparingInt(Deployment::inFlight));
      case CHEAPEST -> sorted(candidates, random, Comparator.comparingLong(d -> price.applyAsLong(d.target())));
      case PRIORITY -> candidates.stream().sorted(Comparator.comparingInt((Deployment d) -> d.target().priority())
          .thenComparing(Comparator.comparingInt((Deployment d) -> d.weight()).reversed())).toList();
    };
  }

  /** Ties are broken at random, so equal deployments share the load. */
  private static List<Deployment> sorted(List<Deployment> in, RandomGenerator random, Comparator<Deployment> by) {
    List<Deployment> shuffled = new ArrayList<>(in);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Deployment t = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, t);
    }
    shuffled.sort(by); // stable: the shuffle decides among equals
    return shuffled;
  }

  /** Weighted sampling without replacement; weight-0 deployments come last (used only when the rest failed). */
  private static List<Deployment> weighted(List<Deployment> in, RandomGenerator random) {
    List<Deployment> pool = new ArrayList<>(in);
    List<Deployment> out = new ArrayList<>(in.size());
    while (!pool.isEmpty()) {
      long total = 0;
      for (Deployment d : pool) {
        total += d.weight();
      }
      if (total == 0) {
        out.addAll(pool);
        break;
      }
      long pick = random.nextLong(total);
      for (int i = 0; i < pool.size(); i++) {
        pick -= pool.get(i).weight();
        if (pick < 0) {
          out.add(pool.remove(i));
          break;
        }
      }
    }
    return out;
  }
}
