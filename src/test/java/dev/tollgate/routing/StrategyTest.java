package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.common.EventBus;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The strategies over one model's deployments, with an injected clock and a seeded random source. */
class StrategyTest {
  private final MutableClock clock = new MutableClock();
  private final EventBus events = new EventBus();

  private static ModelConfig deployment(String id, int weight, int priority, String upstream, Strategy strategy) {
    return ModelConfig.mock("chat").withRouting(List.of(), java.util.OptionalLong.empty(), Optional.of(strategy))
        .asDeployment(id, weight, priority, Optional.empty());
  }

  private Deployments deployments(Strategy strategy, Map<String, Long> prices, ModelConfig... ds) {
    return new Deployments(List.of(ds), RoutingConfig.ofDefaults().withBreaker(new BreakerConfig(2, Duration.ofSeconds(10), 1)),
        clock, m -> prices.getOrDefault(m.deploymentId(), Deployments.UNPRICED), Optional.empty(), events);
  }

  private static List<String> ids(List<Deployment> plan) {
    return plan.stream().map(Deployment::id).toList();
  }

  @Test
  void weighted_sharesTrafficInProportionToWeight() {
    Deployments d = deployments(Strategy.WEIGHTED, Map.of(), deployment("a", 3, 0, "m", Strategy.WEIGHTED),
        deployment("b", 1, 0, "m", Strategy.WEIGHTED));
    SplittableRandom random = new SplittableRandom(1234);
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      List<Deployment> plan = d.plan(d.all().getFirst().target(), random);
      assertThat(plan).hasSize(2);
      first.merge(plan.getFirst().id(), 1, Integer::sum);
    }
    assertThat(first.get("a")).isBetween(2800, 3200);
    assertThat(first.get("b")).isBetween(800, 1200);
  }

  @Test
  void weighted_zeroWeightGoesLast() {
    Deployments d = deployments(Strategy.WEIGHTED, Map.of(), deployment("a", 0, 0, "m", Strategy.WEIGHTED),
        deployment("b", 1, 0, "m", Strategy.WEIGHTED));
    for (int seed = 0; seed < 50; seed++) {
      assertThat(ids(d.plan(d.all().getFirst().target(), new SplittableRandom(seed)))).containsExactly("b", "a");
    }
  }

  @Test
  void lowestLatency_prefersTheFasterEwma_andMeasuresNewOnesFirst() {
    Deployments d = deployments(Strategy.LATENCY, Map.of(), deployment("slow", 1, 0, "m", Strategy.LATENCY),
        deployment("fast", 1, 0, "m", Strategy.LATENCY), deployment("new", 1, 0, "m", Strategy.LATENCY));
    Deployment slow = d.find("chat", "slow").orElseThrow();
    Deployment fast = d.find("chat", "fast").orElseThrow();
    for (long ms : new long[] {900, 1100, 1000}) {
      slow.started();
      slow.succeeded(ms);
    }
    fast.started();
    fast.succeeded(100);
    assertThat(ids(d.plan(slow.target(), new SplittableRandom(1)))).containsExactly("new", "fast", "slow");
    assertThat(slow.latencyEwmaMs()).isBetween(900.0, 1100.0);
  }

  @Test
  void leastBusy_prefersFewestInFlight() {
    Deployments d = deployments(Strategy.LEAST_BUSY, Map.of(), deployment("a", 1, 0, "m", Strategy.LEAST_BUSY),
        deployment("b", 1, 0, "m", Strategy.LEAST_BUSY));
    Deployment a = d.find("chat", "a").orElseThrow();
    a.started();
    a.started();
    d.find("chat", "b").orElseThrow().started();
    assertThat(ids(d.plan(a.target(), new SplittableRandom(3)))).containsExactly("b", "a");
    a.ended();
    a.ended();
    assertThat(ids(d.plan(a.target(), new SplittableRandom(3)))).containsExactly("a", "b");
  }

  @Test
  void cheapest_ordersByCatalogPrice_unpricedLast() {
    Deployments d = deployments(Strategy.CHEAPEST, Map.of("a", 500L, "b", 200L), deployment("a", 1, 0, "m", Strategy.CHEAPEST),
        deployment("b", 1, 0, "m", Strategy.CHEAPEST), deployment("c", 1, 0, "m", Strategy.CHEAPEST));
    assertThat(ids(d.plan(d.all().getFirst().target(), new SplittableRandom(9)))).containsExactly("b", "a", "c");
  }

  @Test
  void priority_lowestNumberFirst() {
    Deployments d = deployments(Strategy.PRIORITY, Map.of(), deployment("backup", 1, 2, "m", Strategy.PRIORITY),
        deployment("main", 1, 1, "m", Strategy.PRIORITY));
    assertThat(ids(d.plan(d.all().getFirst().target(), new SplittableRandom(5)))).containsExactly("main", "backup");
  }

  @Test
  void openBreakerAndDisabledDeployments_areLeftOut_untilTheCooldownEnds() {
    Deployments d = deployments(Strategy.PRIORITY, Map.of(), deployment("a", 1, 1, "m", Strategy.PRIORITY),
        deployment("b", 1, 2, "m", Strategy.PRIORITY), deployment("c", 1, 3, "m", Strategy.PRIORITY));
    Deployment a = d.find("chat", "a").orElseThrow();
    for (int i = 0; i < 2; i++) {
      a.started();
      a.failed();
    }
    d.find("chat", "c").orElseThrow().enabled(false);
    assertThat(ids(d.plan(a.target(), new SplittableRandom(1)))).containsExactly("b");
    clock.advance(Duration.ofSeconds(10));
    assertThat(ids(d.plan(a.target(), new SplittableRandom(1)))).containsExactly("a", "b");
    assertThat(a.health().recentErrors()).isEqualTo(2);
  }

  @Test
  void aBreakerOpening_isPublishedOnce() {
    List<ProviderCircuitOpened> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    events.subscribe(ProviderCircuitOpened.class, opened::add);
    Deployments d = deployments(Strategy.PRIORITY, Map.of(), deployment("a", 1, 1, "m", Strategy.PRIORITY));
    Deployment a = d.find("chat", "a").orElseThrow();
    for (int i = 0; i < 4; i++) {
      a.started();
      a.failed();
    }
    assertThat(opened).hasSize(1);
    assertThat(opened.getFirst().deployment()).isEqualTo("chat/a");
    assertThat(opened.getFirst().provider()).isEqualTo("mock");
    assertThat(opened.getFirst().at()).isBeforeOrEqualTo(clock.instant());
  }
}
