package dev.tollgate.analytics;

import static dev.tollgate.analytics.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.common.EventBus;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbAnalyticsStore;
import dev.tollgate.storage.DuckDbAnomalyStore;
import dev.tollgate.storage.DuckDbUsageStore;
import dev.tollgate.usage.UsageRecord;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detector over a real DuckDB ledger: four steady weeks, then one key spends ten times its usual hour. */
class AnomalyDetectorTest {
  private static final long USD = 1_000_000_000L;
  private static final Instant NOW = Instant.parse("2026-11-10T14:20:00Z");
  private static final Instant HOUR = Instant.parse("2026-11-10T14:00:00Z");

  @TempDir Path dir;
  private Database db;
  private DuckDbUsageStore usage;
  private final List<SpendAnomaly> published = new CopyOnWriteArrayList<>();
  private AnomalyDetector detector;
  private DuckDbAnomalyStore anomalies;

  @BeforeEach
  void setUp() {
    db = Database.open("jdbc:duckdb:" + dir.resolve("ledger.duckdb"));
    usage = new DuckDbUsageStore(db);
    EventBus events = new EventBus();
    events.subscribe(SpendAnomaly.class, published::add);
    anomalies = new DuckDbAnomalyStore(db);
    detector = new AnomalyDetector(new DuckDbAnalyticsStore(db), anomalies, events, AnalyticsConfig.ofDefaults(),
        Clock.fixed(NOW, ZoneOffset.UTC));
    List<UsageRecord> rows = new ArrayList<>();
    long[] usual = {9, 10, 11, 10};
    for (int week = 1; week <= 4; week++) {
      for (Instant hour : List.of(HOUR, HOUR.minus(Duration.ofHours(1)))) {
        Instant t = hour.minus(Duration.ofDays(7L * week)).plusSeconds(600);
        rows.add(row().key("key_steady").project("proj_s").model("gpt-4o").at(t).cost(usual[week - 1] * USD).build());
        rows.add(row().key("key_spiky").project("proj_x").model("gpt-spiky").at(t).cost(usual[week - 1] * USD).build());
        // an hour of the week with spend only in other hours of the day must not count as baseline
        rows.add(row().key("key_spiky").project("proj_x").model("gpt-spiky").at(t.plus(Duration.ofHours(3))).cost(500 * USD).build());
      }
    }
    // this hour: steady as usual, the spiky key spends 100 USD in ten calls, and a new key spends 2 USD
    rows.add(row().key("key_steady").project("proj_s").model("gpt-4o").at(HOUR.plusSeconds(60)).cost(11 * USD).build());
    for (int i = 0; i < 10; i++) {
      rows.add(row().key("key_spiky").project("proj_x").model("gpt-spiky").at(HOUR.plusSeconds(60 + i)).cost(10 * USD).build());
    }
    rows.add(row().key("key_new").project("proj_n").model("gpt-4o").at(HOUR.plusSeconds(30)).cost(2 * USD).build());
    usage.append(rows);
  }

  @AfterEach
  void tearDown() {
    detector.close();
    usage.close();
    db.close();
  }

  @Test
  void spike_isPublishedOncePerDimension_withItsBaseline() {
    List<SpendAnomaly> found = detector.scan();

    assertThat(found).extracting(SpendAnomaly::dimension, SpendAnomaly::value)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("key", "key_spiky"),
            org.assertj.core.groups.Tuple.tuple("project", "proj_x"), org.assertj.core.groups.Tuple.tuple("model", "gpt-spiky"));
    assertThat(published).containsExactlyInAnyOrderElementsOf(found);
    SpendAnomaly key = found.stream().filter(a -> a.dimension().equals("key")).findFirst().orElseThrow();
    assertThat(key.observedNanos()).isEqualTo(100 * USD);
    assertThat(key.baselineNanos()).isEqualTo(10 * USD); // median of 9, 10, 10, 11
    assertThat(key.windowStart()).isEqualTo(HOUR);
    assertThat(key.window()).isEqualTo(Duration.ofHours(1));
    assertThat(key.orgId()).contains("org_a");
    assertThat(key.projectId()).contains("proj_x");
    assertThat(key.score()).isGreaterThanOrEqualTo(new BigDecimal("4"));
    SpendAnomaly model = found.stream().filter(a -> a.dimension().equals("model")).findFirst().orElseThrow();
    assertThat(model.orgId()).isEmpty();
  }

  @Test
  void secondScan_publishesNothingNew_andTheStoreListsTheSpikes() {
    detector.scan();
    published.clear();

    assertThat(detector.scan()).isEmpty();
    assertThat(published).isEmpty();
    List<AnomalyStore.Detected> listed = anomalies.list(HOUR.minus(Duration.ofDays(1)), NOW, Optional.empty(), Optional.empty(), 10);
    assertThat(listed).hasSize(3);
    assertThat(listed).allSatisfy(d -> assertThat(d.detectedAt()).isEqualTo(NOW));
    assertThat(anomalies.list(HOUR.minus(Duration.ofDays(1)), NOW, Optional.of("org_other"), Optional.empty(), 10)).isEmpty();
    assertThat(anomalies.list(HOUR.minus(Duration.ofDays(1)), NOW, Optional.of("org_a"), Optional.of("proj_x"), 10))
        .extracting(d -> d.anomaly().dimension()).containsExactlyInAnyOrder("key", "project");
  }

  @Test
  void higherMinimumAmount_silencesTheSpike() {
    AnalyticsConfig d = AnalyticsConfig.ofDefaults();
    AnomalyDetector strict = new AnomalyDetector(new DuckDbAnalyticsStore(db), anomalies, new EventBus(),
        new AnalyticsConfig(true, d.anomalyInterval(), 4, d.anomalyThreshold(), 200 * USD), Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(strict.scan()).isEmpty();
  }
}
