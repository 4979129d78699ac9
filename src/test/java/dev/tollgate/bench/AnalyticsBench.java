package dev.tollgate.bench;

import dev.tollgate.Tollgate;
import dev.tollgate.analytics.AnalyticsConfig;
import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.Dimension;
import dev.tollgate.analytics.Slice;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.storage.PostgresAnalyticsStore;
import dev.tollgate.storage.PostgresDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Times every analytics endpoint over HTTP against a real Tollgate serving a generated ledger (see
 * {@code bench/analytics.sh}): each endpoint is called {@code warmup} times, then {@code runs} times, and the
 * median, p90 and max wall time of a whole HTTP round trip are written as a Markdown table. Not a test.
 *
 * <p>Arguments: {@code ledger as-of(ISO instant) out.md [runs=15] [warmup=3]}, the ledger a DuckDB file or a
 * {@code jdbc:postgresql:} URL. The gateway's clock is fixed at {@code as-of}, so "this month" means the same rows
 * on every run. On PostgreSQL a second table times the store calls behind the endpoints with the rollups and with
 * the raw ledger only ({@link #rollupsVersusRaw}), and fails if any answer differs.
 */
public final class AnalyticsBench {
  private static final String KEY = "tg-master-analytics-bench-0123456789";

  private AnalyticsBench() {}

  public static void main(String[] args) throws Exception {
    String ledger = args[0];
    boolean postgres = ledger.startsWith("jdbc:postgresql:");
    Instant asOf = Instant.parse(args[1]);
    Path out = Path.of(args[2]);
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    TollgateConfig d = TollgateConfig.ofDefaults();
    AnalyticsConfig a = d.analytics();
    TollgateConfig config = d.withServer(d.server().withPort(0))
        .withStore(postgres ? new TollgateConfig.StoreConfig(ledger) : TollgateConfig.StoreConfig.duckDbFile(Path.of(ledger)))
        .withAuth(new TollgateConfig.AuthConfig(Optional.of(KEY)))
        .withAnalytics(new AnalyticsConfig(false, a.anomalyInterval(), a.anomalyBaselineWeeks(), a.anomalyThreshold(),
            a.anomalyMinAmountNanos()));
    List<String> endpoints = List.of(
        "/api/v1/costs/summary?period=this-month",
        "/api/v1/costs/summary?period=last-30-days&tz=Europe/Berlin",
        "/api/v1/costs/summary?period=this-month&org=org_03",
        "/api/v1/costs/breakdown?by=model&top=10&period=this-month",
        "/api/v1/costs/breakdown?by=provider&period=this-month",
        "/api/v1/costs/breakdown?by=project&top=10&period=this-month",
        "/api/v1/costs/breakdown?by=key&top=20&period=this-month",
        "/api/v1/costs/breakdown?by=user&top=20&period=this-month",
        "/api/v1/costs/breakdown?by=tag&period=this-month",
        "/api/v1/costs/breakdown?by=status&period=this-month",
        "/api/v1/costs/breakdown?by=deployment&period=this-month",
        "/api/v1/costs/timeseries?bucket=day&tz=Europe/Berlin&period=last-30-days",
        "/api/v1/costs/timeseries?bucket=day&group_by=model&top=5&period=last-30-days",
        "/api/v1/costs/timeseries?bucket=hour&tz=Asia/Kolkata&period=last-7-days",
        "/api/v1/costs/timeseries?bucket=hour&group_by=project&period=last-7-days",
        "/api/v1/costs/timeseries?bucket=minute&period=today",
        "/api/v1/costs/timeseries?bucket=week&tz=America/New_York&period=last-90-days",
        "/api/v1/costs/timeseries?bucket=month&group_by=provider&period=last-90-days",
        "/api/v1/analytics/latency?period=last-7-days",
        "/api/v1/analytics/latency?period=this-month",
        "/api/v1/analytics/forecast?period=this-month",
        "/api/v1/analytics/forecast?period=this-month&tz=Europe/Berlin&org=org_00",
        "/api/v1/analytics/anomalies?period=last-7-days");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<String> rows = new ArrayList<>();
    long rowCount;
    try (Tollgate t = Tollgate.start(config, Clock.fixed(asOf, ZoneOffset.UTC))) {
      rowCount = t.usageStore().count();
      for (String path : endpoints) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).header("Authorization", "Bearer " + KEY).build();
        long[] ms = new long[runs];
        int bytes = 0;
        for (int i = 0; i < warmup + runs; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
          long took = System.nanoTime() - t0;
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + resp.statusCode() + ": " + resp.body());
          }
          bytes = resp.body().length();
          if (i >= warmup) {
            ms[i - warmup] = took;
          }
        }
        Arrays.sort(ms);
        String row = String.format(Locale.ROOT, "| `%s` | %.1f | %.1f | %.1f | %,d |", path.replace("|", "\\|"),
            ms[runs / 2] / 1e6, ms[(int) Math.ceil(runs * 0.9) - 1] / 1e6, ms[runs - 1] / 1e6, bytes);
        System.out.println(row);
        rows.add(row);
      }
    }
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Ledger: %s, %,d rows; clock fixed at %s; %d warm-up calls then %d timed calls per endpoint;"
        + " %d CPUs; load average at the end: %s.%n%n", postgres ? "PostgreSQL" : Path.of(ledger).getFileName(), rowCount, asOf, warmup, runs,
        Runtime.getRuntime().availableProcessors(), loadAverage()));
    md.append("| endpoint | median ms | p90 ms | max ms | response bytes |\n|---|---:|---:|---:|---:|\n");
    rows.forEach(r -> md.append(r).append('\n'));
    if (postgres) {
      md.append(rollupsVersusRaw(ledger, asOf, Math.min(runs, 3)));
    }
    Files.writeString(out, md.toString());
    System.out.println("wrote " + out);
  }

  /**
   * The store calls behind the endpoints, timed in-process with the rollups and with the raw ledger only
   * (median of {@code runs} after one warm-up call each); the answers must be equal, or the run fails.
   */
  static String rollupsVersusRaw(String url, Instant asOf, int runs) {
    Instant day = asOf.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    Slice month = Slice.all(java.time.LocalDate.ofInstant(asOf, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay()
        .toInstant(ZoneOffset.UTC), asOf);
    Slice week = Slice.all(day.minus(Duration.ofDays(7)), asOf);
    List<Instant> windows = new ArrayList<>();
    for (int h = 0; h < 7 * 24; h++) {
      windows.add(day.minus(Duration.ofDays(7)).plus(Duration.ofHours(h)));
    }
    Map<String, Function<AnalyticsStore, Object>> calls = new LinkedHashMap<>();
    calls.put("totals, this month", s -> s.totals(month));
    calls.put("totals, this month, org_03", s -> s.totals(month.withScope(Optional.of("org_03"), Optional.empty())));
    calls.put("breakdown by model, this month", s -> s.breakdown(month, Dimension.MODEL));
    calls.put("breakdown by key, this month", s -> s.breakdown(month, Dimension.KEY));
    calls.put("breakdown by user, this month", s -> s.breakdown(month, Dimension.USER));
    calls.put("breakdown by tag, this month", s -> s.breakdown(month, Dimension.TAG));
    calls.put("hourly series, last 7 days", s -> s.series(week, Duration.ofHours(1), Optional.empty()));
    calls.put("hourly series by project, last 7 days", s -> s.series(week, Duration.ofHours(1), Optional.of(Dimension.PROJECT)));
    calls.put("latency, this month", s -> s.latency(month));
    calls.put("spend of each key in 168 hourly windows", s -> s.spendByWindow(Dimension.KEY, windows, Duration.ofHours(1)));
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nStore calls in-process (no HTTP), %s; median of %d"
        + " after one warm-up call; the rollup and raw answers are checked equal:%n%n"
        + "| call | rollups ms | raw ledger ms | raw / rollups |%n|---|---:|---:|---:|%n", asOf, runs));
    try (PostgresDatabase db = PostgresDatabase.open(url)) {
      AnalyticsStore rollups = new PostgresAnalyticsStore(db);
      AnalyticsStore raw = new PostgresAnalyticsStore(db, false);
      for (Map.Entry<String, Function<AnalyticsStore, Object>> call : calls.entrySet()) {
        Object[] answer = new Object[2];
        double fast = median(() -> answer[0] = comparable(call.getValue().apply(rollups)), runs);
        double slow = median(() -> answer[1] = comparable(call.getValue().apply(raw)), runs);
        if (!answer[0].equals(answer[1])) {
          throw new IllegalStateException(call.getKey() + ": the rollups answered " + answer[0] + ", the raw ledger " + answer[1]);
        }
        String row = String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.0fx |", call.getKey(), fast, slow, slow / fast);
        System.out.println(row);
        md.append(row).append('\n');
      }
    }
    return md.toString();
  }

  /** Lists in a canonical order: the stores may return groups and slots in any order. */
  private static Object comparable(Object answer) {
    return answer instanceof List<?> l ? l.stream().map(String::valueOf).sorted().toList() : answer;
  }

  private static double median(Runnable call, int runs) {
    call.run();
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      call.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
