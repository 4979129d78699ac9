package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.EventBus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds spend spikes per project, key and model: each run compares the spend of the current (partial) hour
 * and of the last complete hour with the same hour of the week in each of the previous N weeks
 * ({@link RobustScore}). A partial hour is held against full-hour baselines, so it only fires early when it
 * already exceeds them. New anomalies are stored (one per dimension, value and window, across restarts) and
 * published as {@link SpendAnomaly} on the {@link EventBus}. Runs on its own thread, never on an event loop.
 */
public final class AnomalyDetector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AnomalyDetector.class);
  static final Duration WINDOW = Duration.ofHours(1);
  static final List<Dimension> DIMENSIONS = List.of(Dimension.PROJECT, Dimension.KEY, Dimension.MODEL);

  private final AnalyticsStore store;
  private final AnomalyStore anomalies;
  private final EventBus events;
  private final AnalyticsConfig config;
  private final Clock clock;
  private ScheduledExecutorService scheduler;

  public AnomalyDetector(AnalyticsStore store, AnomalyStore anomalies, EventBus events, AnalyticsConfig config, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.anomalies = requireNonNull(anomalies, "anomalies");
    this.events = requireNonNull(events, "events");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Runs every {@code analytics.anomaly-interval} on a daemon thread (when enabled). */
  public synchronized AnomalyDetector start() {
    if (config.anomalyEnabled() && scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tollgate-anomaly-detector");
        t.setDaemon(true);
        return t;
      });
      long period = config.anomalyInterval().toMillis();
      scheduler.scheduleWithFixedDelay(this::runSafely, period, period, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private void runSafely() {
    try {
      scan();
    } catch (RuntimeException e) {
      log.warn("anomaly detection failed, next try in {}: {}", config.anomalyInterval(), e.toString());
    }
  }

  /**
   * One pass over the current and the previous hour.
   *
   * @return the anomalies that were new (and were published)
   */
  public List<SpendAnomaly> scan() {
    Instant now = clock.instant();
    Instant current = now.truncatedTo(ChronoUnit.HOURS);
    List<SpendAnomaly> found = new ArrayList<>();
    for (Instant window : List.of(current.minus(WINDOW), current)) {
      for (Dimension d : DIMENSIONS) {
        found.addAll(detect(d, window));
      }
    }
    List<SpendAnomaly> fresh = new ArrayList<>();
    for (SpendAnomaly a : found) {
      if (anomalies.addIfAbsent(a, now)) {
        fresh.add(a);
        log.info("spend anomaly: {} {} spent {} nano-USD in the hour from {} (baseline median {}, score {})",
            a.dimension(), a.value(), a.observedNanos(), a.windowStart(), a.baselineNanos(), a.score());
        events.publish(a);
      }
    }
    return fresh;
  }

  /** The anomalies of one dimension in the window starting at {@code window}. */
  List<SpendAnomaly> detect(Dimension dimension, Instant window) {
    int weeks = config.anomalyBaselineWeeks();
    List<Instant> starts = new ArrayList<>(weeks + 1);
    for (int k = 0; k <= weeks; k++) {
      starts.add(window.minus(Duration.ofDays(7L * k)));
    }
    Map<String, long[]> spend = new HashMap<>();
    Map<String, AnalyticsStore.WindowSpend> owners = new HashMap<>();
    for (AnalyticsStore.WindowSpend w : store.spendByWindow(dimension, starts, WINDOW)) {
      spend.computeIfAbsent(w.value(), v -> new long[weeks + 1])[w.window()] += w.costNanos();
      if (w.window() == 0) {
        owners.put(w.value(), w);
      }
    }
    List<SpendAnomaly> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : spend.entrySet()) {
      long[] v = e.getValue();
      long observed = v[0];
      if (observed <= 0) {
        continue;
      }
      long[] baseline = java.util.Arrays.copyOfRange(v, 1, v.length);
      Optional<RobustScore.Score> spike = RobustScore.spike(observed, baseline, config.anomalyThreshold(),
          config.anomalyMinAmountNanos());
      if (spike.isPresent()) {
        AnalyticsStore.WindowSpend owner = owners.get(e.getKey());
        out.add(new SpendAnomaly(dimension.param(), e.getKey(), owner.orgId(), owner.projectId(), window, WINDOW,
            observed, spike.get().medianNanos(), spike.get().score()));
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try { // a scan in progress finishes its query before the database closes
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("anomaly detector still running after 10 s at shutdown");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
  }
}
