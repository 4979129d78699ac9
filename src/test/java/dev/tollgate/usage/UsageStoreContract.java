package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.common.InvalidRequestException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageStore} backend must do. A backend's test extends this and supplies an empty
 * store per test.
 */
public abstract class UsageStoreContract {
  protected static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  /** An empty store, new for each test. */
  protected abstract UsageStore store();

  protected static UsageRecord record(String requestId, int attempt, Instant startedAt) {
    return new UsageRecord(requestId, attempt, startedAt, Optional.of(startedAt.plusMillis(40)), startedAt.plusMillis(250),
        "key_a", Optional.empty(), List.of(), "mock", "mock-small", "mock-small", "chat", false, TokenUsage.of(10, 5),
        0L, 200, Optional.empty(), Set.of());
  }

  private static UsageRecord with(UsageRecord r, String keyId, String model, String provider, int status) {
    return new UsageRecord(r.requestId(), r.attempt(), r.startedAt(), r.firstTokenAt(), r.endedAt(), keyId, r.userId(),
        r.tags(), provider, model, model, r.endpoint(), r.stream(), r.usage(), r.costNanos(), status, r.errorClass(), r.flags());
  }

  private static UsageQuery query(int limit) {
    return UsageQuery.latest(limit);
  }

  private static UsageQuery next(UsageQuery q, String cursor) {
    return new UsageQuery(q.from(), q.to(), q.keyId(), Optional.empty(), q.model(), q.provider(), Optional.empty(), Optional.empty(), q.status(), q.limit(), Optional.of(cursor));
  }

  @Test
  void attribution_roundTrips_andFiltersByOrgAndProject() {
    UsageRecord a = record("req-a", 1, T0).withAttribution(Optional.of("org_1"), Optional.of("proj_1"))
        .withDeployment(Optional.of("openai-eu"), 12_345L);
    UsageRecord b = record("req-b", 1, T0.plusSeconds(1)).withAttribution(Optional.of("org_1"), Optional.of("proj_2"));
    UsageRecord c = record("req-c", 1, T0.plusSeconds(2)).withAttribution(Optional.of("org_2"), Optional.of("proj_3"));
    UsageRecord master = record("req-m", 1, T0.plusSeconds(3));
    store().append(List.of(a, b, c, master));

    assertThat(store().query(query(10).withScope(Optional.of("org_1"), Optional.empty())).records()).containsExactly(b, a);
    assertThat(store().query(query(10).withScope(Optional.of("org_1"), Optional.of("proj_1"))).records()).containsExactly(a);
    assertThat(store().query(query(10).withScope(Optional.of("org_1"), Optional.of("proj_3"))).records()).isEmpty();
    assertThat(store().query(query(10)).records()).containsExactly(master, c, b, a);
    List<UsageRecord> exported = new ArrayList<>();
    store().export(query(10).withScope(Optional.of("org_2"), Optional.empty()), exported::add);
    assertThat(exported).containsExactly(c);
  }

  @Test
  void append_thenQuery_returnsEveryFieldAsWritten() {
    UsageRecord full = new UsageRecord("req-full", 2, T0, Optional.of(T0.plus(123_456, ChronoUnit.MICROS)),
        T0.plusSeconds(3), "key_full", Optional.of("user-7"), List.of("team:search", "env:prod"), "openai-compatible",
        "gpt-4o", "gpt-4o-2024-08-06", "chat", true,
        new TokenUsage(100, 20, 3, 4, 5, 6, 70, 30, 8), 1_234_567L, 502, Optional.of("upstream_error"),
        EnumSet.of(UsageFlag.ESTIMATED, UsageFlag.CLIENT_CLOSED));
    UsageRecord bare = new UsageRecord("req-bare", 0, T0.minusSeconds(1), Optional.empty(), T0.minusSeconds(1), "key_bare",
        Optional.empty(), List.of(), "mock", "mock-small", "mock-small", "embeddings", false, TokenUsage.ZERO, 0L, 400,
        Optional.of("invalid_json"), Set.of());

    store().append(List.of(full, bare));

    assertThat(store().query(query(10)).records()).containsExactly(full, bare);
    assertThat(store().count()).isEqualTo(2);
  }

  @Test
  void append_emptyBatch_changesNothing() {
    store().append(List.of());

    assertThat(store().count()).isZero();
    assertThat(store().query(query(10))).isEqualTo(new UsagePage(List.of(), Optional.empty()));
  }

  @Test
  void query_returnsNewestFirstAndStopsAtTheLimit() {
    store().append(List.of(record("a", 0, T0), record("c", 0, T0.plusSeconds(2)), record("b", 0, T0.plusSeconds(1))));

    UsagePage page = store().query(query(2));

    assertThat(page.records()).extracting(UsageRecord::requestId).containsExactly("c", "b");
    assertThat(page.nextCursor()).isPresent();
  }

  @Test
  void query_filtersByKeyModelProviderAndStatus() {
    store().append(List.of(
        with(record("k1", 0, T0), "key_1", "mock-small", "mock", 200),
        with(record("k2", 0, T0.plusSeconds(1)), "key_2", "mock-small", "mock", 200),
        with(record("m1", 0, T0.plusSeconds(2)), "key_1", "gpt-4o", "openai-compatible", 200),
        with(record("s1", 0, T0.plusSeconds(3)), "key_1", "mock-small", "mock", 429)));

    assertThat(ids(new UsageQuery(Optional.empty(), Optional.empty(), Optional.of("key_2"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10, Optional.empty())))
        .containsExactly("k2");
    assertThat(ids(new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("gpt-4o"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10, Optional.empty())))
        .containsExactly("m1");
    assertThat(ids(new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("mock"), Optional.empty(), Optional.empty(), Optional.empty(), 10, Optional.empty())))
        .containsExactly("s1", "k2", "k1");
    assertThat(ids(new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(429), 10, Optional.empty())))
        .containsExactly("s1");
    assertThat(ids(new UsageQuery(Optional.empty(), Optional.empty(), Optional.of("key_1"), Optional.empty(), Optional.of("mock-small"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(200), 10, Optional.empty())))
        .containsExactly("k1");
  }

  @Test
  void query_modelFilter_matchesRequestedOrServedModel() {
    UsageRecord r = record("alias", 0, T0);
    store().append(List.of(new UsageRecord(r.requestId(), 0, r.startedAt(), r.firstTokenAt(), r.endedAt(), r.keyId(), r.userId(),
        r.tags(), r.provider(), "fast", "gpt-4o-mini", r.endpoint(), r.stream(), r.usage(), 0L, 200, Optional.empty(), Set.of())));

    assertThat(ids(filterModel("fast"))).containsExactly("alias");
    assertThat(ids(filterModel("gpt-4o-mini"))).containsExactly("alias");
    assertThat(ids(filterModel("gpt-4o"))).isEmpty();
  }

  private static UsageQuery filterModel(String model) {
    return new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(model), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10, Optional.empty());
  }

  @Test
  void query_timeWindow_includesFromAndExcludesTo() {
    store().append(List.of(record("before", 0, T0.minusMillis(1)), record("at-from", 0, T0), record("inside", 0, T0.plusSeconds(30)),
        record("at-to", 0, T0.plusSeconds(60))));

    List<String> ids = ids(new UsageQuery(Optional.of(T0), Optional.of(T0.plusSeconds(60)), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10, Optional.empty()));

    assertThat(ids).containsExactly("inside", "at-from");
  }

  @Test
  void query_cursorPagination_over250Rows_returnsEveryRowExactlyOnceInOrder() {
    List<UsageRecord> rows = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      // Many rows share a timestamp and some requests have several attempts: the cursor must break ties.
      Instant at = T0.plus(i / 10, ChronoUnit.SECONDS).plus(i % 3, ChronoUnit.MICROS);
      rows.add(record("req-" + (i % 40), i / 40, at));
    }
    List<UsageRecord> shuffled = new ArrayList<>(rows);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    store().append(shuffled.subList(0, 125));
    store().append(shuffled.subList(125, 250));

    List<UsageRecord> seen = new ArrayList<>();
    UsageQuery q = query(17);
    int pages = 0;
    while (true) {
      UsagePage page = store().query(q);
      pages++;
      assertThat(page.records()).hasSizeLessThanOrEqualTo(17);
      seen.addAll(page.records());
      if (page.nextCursor().isEmpty()) {
        break;
      }
      q = next(q, page.nextCursor().get());
    }

    List<UsageRecord> expected = rows.stream().sorted(Comparator.comparing(UsageRecord::startedAt)
        .thenComparing(UsageRecord::requestId).thenComparing(UsageRecord::attempt).reversed()).toList();
    assertThat(seen).hasSize(250).containsExactlyElementsOf(expected);
    assertThat(new HashSet<>(seen.stream().map(r -> r.requestId() + "#" + r.attempt()).toList())).hasSize(250);
    assertThat(pages).isEqualTo(15); // ceil(250 / 17)
  }

  @Test
  void query_cursorPagination_respectsFilters() {
    List<UsageRecord> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(with(record("r" + i, 0, T0.plusSeconds(i)), i % 2 == 0 ? "key_even" : "key_odd", "mock-small", "mock", 200));
    }
    store().append(rows);

    List<String> seen = new ArrayList<>();
    UsageQuery q = new UsageQuery(Optional.empty(), Optional.empty(), Optional.of("key_even"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), 7, Optional.empty());
    while (true) {
      UsagePage page = store().query(q);
      page.records().forEach(r -> seen.add(r.requestId()));
      if (page.nextCursor().isEmpty()) {
        break;
      }
      q = next(q, page.nextCursor().get());
    }

    assertThat(seen).hasSize(30).allSatisfy(id -> assertThat(Integer.parseInt(id.substring(1)) % 2).isZero());
  }

  @Test
  void query_lastPageExactlyFull_hasNoNextCursor() {
    store().append(List.of(record("a", 0, T0), record("b", 0, T0.plusSeconds(1))));

    assertThat(store().query(query(2)).nextCursor()).isEmpty();
  }

  @Test
  void query_withGarbageCursor_failsAsInvalidRequest() {
    UsageQuery q = next(query(10), "not-a-cursor!");

    assertThatThrownBy(() -> store().query(q)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("cursor");
  }

  @Test
  void appendIfAbsent_skipsRowsAlreadyStored() {
    store().append(List.of(record("r1", 0, T0), record("r2", 0, T0.plusSeconds(1))));

    int added = store().appendIfAbsent(List.of(record("r1", 0, T0), record("r2", 0, T0.plusSeconds(1)), record("r3", 0, T0.plusSeconds(2))));

    assertThat(added).isEqualTo(1);
    assertThat(store().count()).isEqualTo(3);
    assertThat(ids(query(10))).containsExactly("r3", "r2", "r1");
  }

  @Test
  void appendIfAbsent_dropsDuplicatesInsideTheBatch() {
    int added = store().appendIfAbsent(List.of(record("dup", 0, T0), record("dup", 0, T0), record("other", 0, T0)));

    assertThat(added).isEqualTo(2);
    assertThat(store().count()).isEqualTo(2);
  }

  @Test
  void appendIfAbsent_keepsOtherAttemptsOfTheSameRequest() {
    store().append(List.of(record("retry", 0, T0)));

    int added = store().appendIfAbsent(List.of(record("retry", 0, T0), record("retry", 1, T0)));

    assertThat(added).isEqualTo(1);
    assertThat(store().query(query(10)).records()).extracting(UsageRecord::attempt).containsExactly(1, 0);
  }

  @Test
  void appendIfAbsent_replayedTwice_isIdempotent() {
    List<UsageRecord> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(record("replay-" + i, 0, T0.plusMillis(i * 7L)));
    }

    assertThat(store().appendIfAbsent(batch)).isEqualTo(50);
    assertThat(store().appendIfAbsent(batch)).isZero();
    assertThat(store().count()).isEqualTo(50);
  }

  @Test
  void appendIfAbsent_withSubMicrosecondTimestamps_stillRecognisesStoredRows() {
    // Clocks may have nanosecond precision; a store that keeps microseconds must still match the replay.
    List<UsageRecord> batch = List.of(record("nanos-1", 0, T0.plusNanos(1_500)), record("nanos-2", 0, T0.plusNanos(999_999_999)));

    assertThat(store().appendIfAbsent(batch)).isEqualTo(2);
    assertThat(store().appendIfAbsent(batch)).isZero();
    assertThat(store().count()).isEqualTo(2);
  }

  @Test
  void appendIfAbsent_emptyBatch_returnsZero() {
    assertThat(store().appendIfAbsent(List.of())).isZero();
  }

  @Test
  void query_tagFilter_matchesRowsCarryingTheTag() {
    UsageRecord r = record("tagged", 0, T0);
    UsageRecord tagged = new UsageRecord("tagged", 0, T0, r.firstTokenAt(), r.endedAt(), r.keyId(), r.userId(),
        List.of("team:search", "env:prod"), r.provider(), r.modelRequested(), r.modelServed(), r.endpoint(), r.stream(),
        r.usage(), 0L, 200, Optional.empty(), Set.of());
    store().append(List.of(tagged, record("untagged", 0, T0.plusSeconds(1))));

    assertThat(ids(query(10).withTag("env:prod"))).containsExactly("tagged");
    assertThat(ids(query(10).withTag("env"))).as("whole tags only").isEmpty();
  }

  private List<String> ids(UsageQuery q) {
    return store().query(q).records().stream().map(UsageRecord::requestId).toList();
  }
}
