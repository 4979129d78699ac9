package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The analytics query service: summaries, top-N breakdowns, time series in any time zone, latency
 * percentiles and period-end forecasts, all over a {@link Slice} (which carries the tenant scope). Blocking
 * (it reads the store): call it off the event loop.
 */
public final class CostAnalytics {
  /** The most buckets one time series may have. */
  public static final int MAX_BUCKETS = 2000;
  /** Days of daily history the forecast fits on. */
  static final int FORECAST_HISTORY_DAYS = 56;

  private final AnalyticsStore store;
  private final Clock clock;

  public CostAnalytics(AnalyticsStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  public Instant now() {
    return clock.instant();
  }

  public record Summary(Totals current, AnalyticsStore.Spend previous) {}

  public Summary summary(Slice current, Slice previous) {
    return new Summary(store.totals(current), store.spend(previous));
  }

  /**
   * @param top the biggest groups by cost (ties: more requests, then key)
   * @param other everything else folded into one group, with how many groups it holds
   * @param total the whole slice (for tags: each row once, although a row counts under each of its tags)
   */
  public record Breakdown(Totals total, List<Group> top, Optional<Group> other, int otherGroups, int groups) {}

  public Breakdown breakdown(Slice slice, Dimension by, int top) {
    List<Group> groups = new ArrayList<>(store.breakdown(slice, by));
    groups.sort(BY_COST);
    Totals total = by == Dimension.TAG ? store.totals(slice)
        : groups.stream().map(Group::totals).reduce(Totals.ZERO, Totals::plus);
    List<Group> head = List.copyOf(groups.subList(0, Math.min(top, groups.size())));
    List<Group> tail = groups.subList(head.size(), groups.size());
    Optional<Group> other = tail.isEmpty() ? Optional.empty()
        : Optional.of(new Group(Group.OTHER, tail.stream().map(Group::totals).reduce(Totals.ZERO, Totals::plus)));
    return new Breakdown(total, head, other, tail.size(), groups.size());
  }

  static final Comparator<Group> BY_COST = Comparator
      .comparingLong((Group g) -> g.totals().costNanos()).reversed()
      .thenComparing(Comparator.comparingLong((Group g) -> g.totals().requests()).reversed())
      .thenComparing(Group::key);

  /** Spend of one bucket (or of one group in it). */
  public record Point(long costNanos, long requests, long errors, long inputTokens, long outputTokens) {
    static final Point ZERO = new Point(0, 0, 0, 0, 0);

    Point plus(SlotRow r) {
      return new Point(costNanos + r.costNanos(), requests + r.requests(), errors + r.errors(),
          inputTokens + r.inputTokens(), outputTokens + r.outputTokens());
    }
  }

  public record Bucketed(Instant start, Instant end, Point total, Map<String, Point> groups) {}

  /**
   * @param groups the top groups by cost over the whole range, then {@link Group#OTHER} when there are more
   */
  public record Series(Bucket bucket, ZoneId zone, List<String> groups, List<Bucketed> points) {}

  public Series series(Slice slice, Bucket bucket, ZoneId zone, Optional<Dimension> by, int top) {
    TimeBuckets buckets = TimeBuckets.of(slice.from(), slice.to(), bucket, zone, MAX_BUCKETS);
    // the first local bucket may start before `from`: the rows read stay within [from, to)
    List<SlotRow> rows = store.series(slice, buckets.slot(), by);
    List<String> groups = List.of();
    Map<String, String> groupOf = new HashMap<>();
    if (by.isPresent()) {
      Map<String, long[]> cost = new HashMap<>();
      for (SlotRow r : rows) {
        long[] c = cost.computeIfAbsent(r.group(), g -> new long[2]);
        c[0] += r.costNanos();
        c[1] += r.requests();
      }
      List<String> ordered = new ArrayList<>(cost.keySet());
      ordered.sort(Comparator.comparingLong((String g) -> cost.get(g)[0]).reversed()
          .thenComparing(Comparator.comparingLong((String g) -> cost.get(g)[1]).reversed())
          .thenComparing(Comparator.naturalOrder()));
      List<String> named = new ArrayList<>(ordered.subList(0, Math.min(top, ordered.size())));
      for (String g : ordered) {
        groupOf.put(g, named.contains(g) ? g : Group.OTHER);
      }
      if (ordered.size() > named.size()) {
        named.add(Group.OTHER);
      }
      groups = List.copyOf(named);
    }
    int n = buckets.size();
    Point[] totals = new Point[n];
    List<Map<String, Point>> perGroup = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      totals[i] = Point.ZERO;
      Map<String, Point> m = new LinkedHashMap<>();
      for (String g : groups) {
        m.put(g, Point.ZERO);
      }
      perGroup.add(m);
    }
    for (SlotRow r : rows) {
      int i = buckets.indexOf(r.slot());
      if (i < 0) {
        continue;
      }
      if (by.isPresent()) {
        perGroup.get(i).merge(groupOf.get(r.group()), Point.ZERO.plus(r), CostAnalytics::add);
        if (by.get() == Dimension.TAG) {
          continue; // a row with two tags is one row: the total comes from the ungrouped pass below
        }
      }
      totals[i] = totals[i].plus(r);
    }
    if (by.isPresent() && by.get() == Dimension.TAG) {
      for (SlotRow r : store.series(slice, buckets.slot(), Optional.empty())) {
        int i = buckets.indexOf(r.slot());
        if (i >= 0) {
          totals[i] = totals[i].plus(r);
        }
      }
    }
    List<Bucketed> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      points.add(new Bucketed(buckets.starts().get(i), buckets.end(i), totals[i], perGroup.get(i)));
    }
    return new Series(bucket, zone, groups, points);
  }

  private static Point add(Point a, Point b) {
    return new Point(a.costNanos() + b.costNanos(), a.requests() + b.requests(), a.errors() + b.errors(),
        a.inputTokens() + b.inputTokens(), a.outputTokens() + b.outputTokens());
  }

  public List<ModelLatency> latency(Slice slice) {
    return store.latency(slice);
  }

  /** The period a forecast projects to the end of. */
  public enum ForecastPeriod {
    THIS_WEEK, THIS_MONTH, THIS_QUARTER, THIS_YEAR;

    public String param() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    LocalDate start(LocalDate today) {
      return switch (this) {
        case THIS_WEEK -> today.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
        case THIS_MONTH -> today.withDayOfMonth(1);
        case THIS_QUARTER -> today.withDayOfMonth(1).withMonth((today.getMonthValue() - 1) / 3 * 3 + 1);
        case THIS_YEAR -> today.withDayOfYear(1);
      };
    }

    LocalDate end(LocalDate start) {
      return switch (this) {
        case THIS_WEEK -> start.plusWeeks(1);
        case THIS_MONTH -> start.plusMonths(1);
        case THIS_QUARTER -> start.plusMonths(3);
        case THIS_YEAR -> start.plusYears(1);
      };
    }
  }

  /**
   * @param naiveLinearNanos spend so far divided by the days elapsed times the period's days: the run-rate
   *     extrapolation the forecast is meant to beat, for comparison
   */
  public record PeriodForecast(ForecastPeriod period, ZoneId zone, LocalDate start, LocalDate end, Instant asOf,
                               Forecaster.Result result, long naiveLinearNanos) {}

  /** {@code scope} supplies the org/project/filters; its time range is ignored. */
  public PeriodForecast forecast(Slice scope, ForecastPeriod period, ZoneId zone) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, zone);
    LocalDate start = period.start(today);
    LocalDate end = period.end(start);
    LocalDate first = start.isBefore(today.minusDays(FORECAST_HISTORY_DAYS)) ? start : today.minusDays(FORECAST_HISTORY_DAYS);
    Instant from = first.atStartOfDay(zone).toInstant();
    Instant until = now.plusNanos(1000); // today's bucket exists even at 00:00:00 sharp
    TimeBuckets days = TimeBuckets.of(from, until, Bucket.DAY, zone, 800);
    long[] daily = new long[days.size()];
    for (SlotRow r : store.series(scope.withRange(from, until), days.slot(), Optional.empty())) {
      int i = days.indexOf(r.slot());
      if (i >= 0) {
        daily[i] += r.costNanos();
      }
    }
    long[] history = java.util.Arrays.copyOf(daily, daily.length - 1); // the last bucket is today, partial
    long todaySoFar = daily[daily.length - 1];
    Forecaster.Result result = Forecaster.forecast(first, history, todaySoFar, today, start, end);
    double elapsedDays = Duration.between(start.atStartOfDay(zone).toInstant(), now).toMillis() / 86_400_000.0;
    long periodDays = ChronoUnit.DAYS.between(start, end);
    long naive = elapsedDays <= 0 ? result.actualNanos() : Math.round(result.actualNanos() / elapsedDays * periodDays);
    return new PeriodForecast(period, zone, start, end, now, result, naive);
  }
}
