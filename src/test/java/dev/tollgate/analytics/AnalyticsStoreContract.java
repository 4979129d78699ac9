package dev.tollgate.analytics;

import static dev.tollgate.analytics.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.usage.TokenUsage;
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

  /** The same ledger answered from the raw rows only: what every rollup answer must equal. */
  protected abstract AnalyticsStore rawStore();

  /** Appends through the ledger's idempotent path (journal replay); returns how many rows were new. */
  protected abstract int replay(List<UsageRecord> rows);

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

  @Test
  void rollupAnswers_equalRawAnswers_afterMoreRows_andAfterAReplay() {
    List<UsageRecord> first = randomRows(new java.util.Random(7), 700);
    append(first);
    assertSameAsRaw();
    List<UsageRecord> more = randomRows(new java.util.Random(8), 300);
    append(more);
    assertSameAsRaw();
    Totals before = store().totals(WIDE);
    assertThat(before.attempts()).isEqualTo(4 + 700 + 300);
    assertThat(replay(first)).as("a replay of appended rows appends nothing").isZero();
    assertThat(replay(more.subList(0, 50))).isZero();
    assertThat(store().totals(WIDE)).as("a replay counts nothing twice").isEqualTo(before);
    assertSameAsRaw();
  }

  /** Tokens in all nine classes, so that a rollup that drops or mixes up one of them shows. */
  private static TokenUsage everyClass(java.util.Random rnd) {
    long output = rnd.nextInt(4_000);
    return new TokenUsage(rnd.nextInt(50_000), rnd.nextInt(20_000), rnd.nextInt(3_000), rnd.nextInt(2_000), rnd.nextInt(900),
        rnd.nextInt(700), output, output == 0 ? 0 : rnd.nextLong(output + 1), rnd.nextInt(500));
  }

  private static final Slice WIDE = Slice.all(T.minus(Duration.ofDays(3)), T.plus(Duration.ofDays(3)));

  /** Slices the rollup answers whole, in part (unaligned ends) or not at all (under an hour, filters). */
  protected static List<Slice> comparedSlices() {
    Slice unaligned = Slice.all(T.minus(Duration.ofDays(1)).plusSeconds(17 * 60 + 23).plusNanos(1_000), T.plus(Duration.ofHours(20)).minusSeconds(301));
    Optional<String> none = Optional.empty();
    return List.of(WIDE, ALL, unaligned,
        unaligned.withScope(Optional.of("org_b"), none),
        WIDE.withScope(Optional.of("org_a"), Optional.of("proj_a2")),
        Slice.all(T.plusSeconds(600), T.plusSeconds(2400)),
        Slice.all(T.plusSeconds(600), T.plusSeconds(3 * 3600 + 60)),
        new Slice(unaligned.from(), unaligned.to(), none, none, Optional.of("proj_b-k1"), none, none, none, none),
        new Slice(WIDE.from(), WIDE.to(), none, none, none, none, none, none, Optional.of("t2")),
        new Slice(WIDE.from(), WIDE.to(), none, none, none, Optional.of("m1"), none, none, none));
  }

  private void assertSameAsRaw() {
    AnalyticsStore raw = rawStore();
    for (Slice s : comparedSlices()) {
      assertThat(store().totals(s)).as("totals %s", s).isEqualTo(raw.totals(s));
      assertThat(store().spend(s)).as("spend %s", s).isEqualTo(raw.spend(s));
      for (Dimension d : Dimension.values()) {
        assertThat(groups(store().breakdown(s, d))).as("breakdown by %s of %s", d, s).isEqualTo(groups(raw.breakdown(s, d)));
      }
      List<Optional<Dimension>> bys = new java.util.ArrayList<>();
      bys.add(Optional.empty());
      for (Dimension d : Dimension.values()) {
        bys.add(Optional.of(d));
      }
      for (Duration slot : List.of(Duration.ofHours(1), Duration.ofMinutes(15))) {
        for (Optional<Dimension> by : bys) {
          assertThat(slots(store().series(s, slot, by))).as("series %s by %s of %s", slot, by, s)
              .isEqualTo(slots(raw.series(s, slot, by)));
        }
      }
      assertThat(store().latency(s)).as("latency %s", s).isEqualTo(raw.latency(s));
    }
    List<Instant> windows = List.of(T.minus(Duration.ofHours(5)), T, T.plus(Duration.ofHours(2)));
    for (Dimension d : List.of(Dimension.PROJECT, Dimension.KEY, Dimension.MODEL)) {
      for (Duration length : List.of(Duration.ofHours(1), Duration.ofHours(2), Duration.ofMinutes(30))) {
        assertThat(new java.util.HashSet<>(store().spendByWindow(d, windows, length))).as("windows by %s of %s", d, length)
            .isEqualTo(new java.util.HashSet<>(raw.spendByWindow(d, windows, length)));
      }
    }
  }

  private static Map<String, Totals> groups(List<Group> groups) {
    Map<String, Totals> out = new java.util.TreeMap<>();
    groups.forEach(g -> out.merge(g.key(), g.totals(), Totals::plus));
    return out;
  }

  /** Slot rows summed per (slot, group): a backend may return one group's slot in more than one row. */
  private static Map<String, List<Long>> slots(List<SlotRow> rows) {
    Map<String, List<Long>> out = new java.util.TreeMap<>();
    for (SlotRow r : rows) {
      List<Long> v = List.of(r.costNanos(), r.requests(), r.errors(), r.inputTokens(), r.outputTokens());
      out.merge(r.slot() + " " + r.group(), v, (a, b) -> java.util.stream.IntStream.range(0, a.size())
          .mapToObj(i -> a.get(i) + b.get(i)).toList());
    }
    return out;
  }

  /** Rows over three days around T at uneven instants, with every dimension varied. */
  protected static List<UsageRecord> randomRows(java.util.Random rnd, int n) {
    List<UsageRecord> out = new java.util.ArrayList<>(n);
    String[][] projects = {{"org_a", "proj_a1"}, {"org_a", "proj_a2"}, {"org_b", "proj_b"}, {"org_c", "proj_c"}};
    String[][] tagSets = {{}, {"t1"}, {"t2"}, {"t1", "t2"}, {"t3", "t\"x"}};
    UsageFlag[][] flagSets = {{}, {UsageFlag.CACHE_HIT}, {UsageFlag.FALLBACK_USED}, {UsageFlag.ESTIMATED, UsageFlag.CACHE_HIT}};
    int[] statuses = {200, 200, 200, 429, 500};
    for (int i = 0; i < n; i++) {
      String[] p = projects[rnd.nextInt(projects.length)];
      Rows r = row().org(p[0]).project(p[1]).key(p[1] + "-k" + rnd.nextInt(2)) // a key belongs to one project
          .model("m" + rnd.nextInt(4))
          .provider("p" + rnd.nextInt(3)).cost(rnd.nextLong(1, 5_000_000_000L)).saved(rnd.nextInt(3) == 0 ? rnd.nextInt(9_999) : 0)
          .tokens(everyClass(rnd)).latency(rnd.nextLong(0, 30_000)).status(statuses[rnd.nextInt(statuses.length)])
          .flags(flagSets[rnd.nextInt(flagSets.length)]).tags(tagSets[rnd.nextInt(tagSets.length)])
          .attempt(rnd.nextInt(4) == 0 ? 2 : 1)
          .at(T.minus(Duration.ofDays(1)).plusNanos(rnd.nextLong(0, Duration.ofDays(3).toNanos()) / 1000 * 1000));
      if (rnd.nextBoolean()) {
        r.user("u" + rnd.nextInt(5));
      }
      if (rnd.nextInt(3) == 0) {
        r.served("m" + rnd.nextInt(4));
      }
      if (rnd.nextBoolean()) {
        r.ttft(rnd.nextLong(0, 5_000));
      }
      out.add(r.build());
    }
    return out;
  }
}
