package dev.tollgate.analytics;

import static dev.tollgate.analytics.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AnalyticsStore} backend must answer the same way. A backend's test extends this and
 * provides a store over an empty ledger plus a way to append rows (the PostgreSQL backend, answering from
 * rollups, runs the same cases).
 */
public abstract class AnalyticsStoreContract {
  private static final Instant T = Instant.parse("2026-11-10T10:00:00Z");
  private static final Slice ALL = Slice.all(T.minus(Duration.ofDays(1)), T.plus(Duration.ofDays(1)));

  protected abstract AnalyticsStore store();

  protected abstract void append(List<UsageRecord> rows);

  @BeforeEach
  void seed() {
    append(List.of(
        row().id("a").key("k1").model("m1").cost(100).tokens(10, 1).latency(100).tags("t1", "t2").user("u1").at(T).build(),
        row().id("b").key("k1").model("m1").cost(0).status(500).at(T.plusSeconds(60)).build(),
        row().id("b").attempt(2).key("k1").model("m1").served("m2").cost(50).flags(UsageFlag.FALLBACK_USED).at(T.plusSeconds(61)).build(),
        row().id("c").org("org_b").project("proj_b").key("k2").model("m2").cost(7).saved(70).flags(UsageFlag.CACHE_HIT)
            .at(T.plus(Duration.ofMinutes(90))).build()));
  }

  @Test
  void totals_countRequestsOnceAndEverythingElsePerAttempt() {
    Totals t = store().totals(ALL);
    assertThat(t.requests()).isEqualTo(3);
    assertThat(t.attempts()).isEqualTo(4);
    assertThat(t.errors()).isEqualTo(1);
    assertThat(t.fallbacks()).isEqualTo(1);
    assertThat(t.cacheHits()).isEqualTo(1);
    assertThat(t.costNanos()).isEqualTo(157);
    assertThat(t.savedNanos()).isEqualTo(70);
    assertThat(t.tokens().inputTokens()).isEqualTo(310);
    assertThat(store().spend(ALL)).isEqualTo(new AnalyticsStore.Spend(157, 3));
  }

  @Test
  void slice_scopesAndFilters() {
    assertThat(store().totals(ALL.withScope(Optional.of("org_b"), Optional.empty())).costNanos()).isEqualTo(7);
    Slice tag = new Slice(ALL.from(), ALL.to(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of("t2"));
    assertThat(store().totals(tag).costNanos()).isEqualTo(100);
    Slice prefix = new Slice(ALL.from(), ALL.to(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of("t"));
    assertThat(store().totals(prefix).attempts()).as("a tag filter matches whole tags only").isZero();
    assertThat(store().totals(ALL.withRange(T, T.plusSeconds(60))).attempts()).as("the range is half-open").isEqualTo(1);
  }

  @Test
  void breakdown_byServedModel_byTag_andByUserWithNone() {
    Map<String, Long> models = store().breakdown(ALL, Dimension.MODEL).stream()
        .collect(Collectors.toMap(Group::key, g -> g.totals().costNanos()));
    assertThat(models).isEqualTo(Map.of("m1", 100L, "m2", 57L));
    Map<String, Long> tags = store().breakdown(ALL, Dimension.TAG).stream()
        .collect(Collectors.toMap(Group::key, g -> g.totals().costNanos()));
    assertThat(tags).isEqualTo(Map.of("t1", 100L, "t2", 100L, Group.NONE, 57L));
    Map<String, Long> users = store().breakdown(ALL, Dimension.USER).stream()
        .collect(Collectors.toMap(Group::key, g -> g.totals().attempts()));
    assertThat(users).isEqualTo(Map.of("u1", 1L, Group.NONE, 3L));
  }

  @Test
  void series_sumsPerEpochAlignedSlot() {
    Map<Instant, Long> hourly = store().series(ALL, Duration.ofHours(1), Optional.empty()).stream()
        .collect(Collectors.toMap(SlotRow::slot, SlotRow::costNanos));
    assertThat(hourly).isEqualTo(Map.of(T, 150L, T.plus(Duration.ofHours(1)), 7L));
    List<SlotRow> byOrg = store().series(ALL, Duration.ofMinutes(15), Optional.of(Dimension.ORG));
    assertThat(byOrg).extracting(r -> r.slot() + " " + r.group() + " " + r.requests())
        .containsExactlyInAnyOrder(T + " org_a 2", T.plus(Duration.ofMinutes(90)) + " org_b 1");
  }

  @Test
  void spendByWindow_attributesKeysToTheirOrgAndProject() {
    List<AnalyticsStore.WindowSpend> w = store().spendByWindow(Dimension.KEY, List.of(T, T.plus(Duration.ofHours(1))), Duration.ofHours(1));
    assertThat(w).containsExactlyInAnyOrder(
        new AnalyticsStore.WindowSpend(0, "k1", Optional.of("org_a"), Optional.of("proj_a1"), 150),
        new AnalyticsStore.WindowSpend(1, "k2", Optional.of("org_b"), Optional.of("proj_b"), 7));
  }

  @Test
  void latency_skipsErrorsAndCacheHits() {
    List<ModelLatency> l = store().latency(ALL);
    assertThat(l).extracting(ModelLatency::model, ModelLatency::attempts)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("m1", 1L), org.assertj.core.groups.Tuple.tuple("m2", 1L));
    assertThat(l.getFirst().latency().p50()).isBetween(99L, 101L);
  }
}
