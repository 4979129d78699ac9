package dev.tollgate.analytics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.analytics.AnalyticsParams.Range;
import dev.tollgate.analytics.CostAnalytics.ForecastPeriod;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.Money;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The cost and analytics API. Handlers validate every parameter on the event loop (a bad one is a 400 naming
 * it), then query on a worker thread. Amounts are nano-USD integers with an exact {@code *_usd} decimal string
 * beside them; rates and shares are decimals rounded to 4 places.
 */
public final class AnalyticsRoutes {
  static final int MAX_TOP = 100;

  private final CostAnalytics analytics;
  private final AnomalyStore anomalies;

  public AnalyticsRoutes(CostAnalytics analytics, AnomalyStore anomalies) {
    this.analytics = analytics;
    this.anomalies = anomalies;
  }

  public void register(Router router) {
    router.get("/api/v1/costs/summary").handler(this::summary);
    router.get("/api/v1/costs/breakdown").handler(this::breakdown);
    router.get("/api/v1/costs/timeseries").handler(this::timeseries);
    router.get("/api/v1/analytics/latency").handler(this::latency);
    router.get("/api/v1/analytics/forecast").handler(this::forecast);
    router.get("/api/v1/analytics/anomalies").handler(this::anomalies);
  }

  private void summary(RoutingContext ctx) {
    ZoneId zone = AnalyticsParams.zone(ctx);
    Range r = AnalyticsParams.range(ctx, zone, analytics.now(), "this-month");
    Slice cur = AnalyticsParams.slice(ctx, r.from(), r.to());
    Slice prev = cur.withRange(r.previousFrom(), r.previousTo());
    Web.blocking(ctx, 200, () -> {
      CostAnalytics.Summary s = analytics.summary(cur, prev);
      ObjectNode o = head("cost_summary", r, zone);
      totals(o, s.current());
      ObjectNode p = o.putObject("previous");
      p.put("from", r.previousFrom().toString()).put("to", r.previousTo().toString());
      money(p, "cost", s.previous().costNanos());
      p.put("requests", s.previous().requests());
      ObjectNode change = o.putObject("change");
      change.put("cost_nanos", s.current().costNanos() - s.previous().costNanos());
      putChange(change, "cost_pct", s.current().costNanos(), s.previous().costNanos());
      change.put("requests", s.current().requests() - s.previous().requests());
      putChange(change, "requests_pct", s.current().requests(), s.previous().requests());
      return o;
    });
  }

  private void breakdown(RoutingContext ctx) {
    Dimension by = AnalyticsParams.dimension(ctx, "by").orElseThrow(() -> new InvalidRequestException("by",
        "by: missing (expected one of: " + Arrays.stream(Dimension.values()).map(Dimension::param).collect(Collectors.joining(", ")) + ")"));
    int top = AnalyticsParams.integer(ctx, "top", 10, 1, MAX_TOP);
    ZoneId zone = AnalyticsParams.zone(ctx);
    Range r = AnalyticsParams.range(ctx, zone, analytics.now(), "this-month");
    Slice slice = AnalyticsParams.slice(ctx, r.from(), r.to());
    Web.blocking(ctx, 200, () -> {
      CostAnalytics.Breakdown b = analytics.breakdown(slice, by, top);
      ObjectNode o = head("cost_breakdown", r, zone);
      o.put("by", by.param()).put("top", top).put("groups", b.groups());
      totals(o.putObject("total"), b.total());
      ArrayNode data = o.putArray("data");
      for (Group g : b.top()) {
        data.add(group(g, b.total().costNanos()));
      }
      b.other().ifPresent(g -> data.add(group(g, b.total().costNanos()).put("other_groups", b.otherGroups())));
      return o;
    });
  }

  private void timeseries(RoutingContext ctx) {
    Bucket bucket = Bucket.parse(AnalyticsParams.param(ctx, "bucket").orElse("day"));
    Optional<Dimension> by = AnalyticsParams.dimension(ctx, "group_by");
    int top = AnalyticsParams.integer(ctx, "top", 5, 1, MAX_TOP);
    ZoneId zone = AnalyticsParams.zone(ctx);
    Range r = AnalyticsParams.range(ctx, zone, analytics.now(), "last-30-days");
    Slice slice = AnalyticsParams.slice(ctx, r.from(), r.to());
    TimeBuckets.of(r.from(), r.to(), bucket, zone, CostAnalytics.MAX_BUCKETS); // too many buckets: 400 before any work
    Web.blocking(ctx, 200, () -> {
      CostAnalytics.Series s = analytics.series(slice, bucket, zone, by, top);
      ObjectNode o = head("cost_timeseries", r, zone);
      o.put("bucket", bucket.param());
      by.ifPresentOrElse(d -> o.put("group_by", d.param()), () -> o.putNull("group_by"));
      ArrayNode groups = o.putArray("groups");
      s.groups().forEach(groups::add);
      ArrayNode data = o.putArray("data");
      for (CostAnalytics.Bucketed b : s.points()) {
        ObjectNode p = data.addObject();
        p.put("start", b.start().atZone(zone).toOffsetDateTime().toString())
            .put("end", b.end().atZone(zone).toOffsetDateTime().toString());
        point(p, b.total());
        if (by.isPresent()) {
          ArrayNode gs = p.putArray("groups");
          for (Map.Entry<String, CostAnalytics.Point> e : b.groups().entrySet()) {
            point(gs.addObject().put("key", e.getKey()), e.getValue());
          }
        }
      }
      return o;
    });
  }

  private void latency(RoutingContext ctx) {
    ZoneId zone = AnalyticsParams.zone(ctx);
    Range r = AnalyticsParams.range(ctx, zone, analytics.now(), "last-7-days");
    Slice slice = AnalyticsParams.slice(ctx, r.from(), r.to());
    Web.blocking(ctx, 200, () -> {
      ObjectNode o = head("latency", r, zone);
      o.put("note", "successful attempts that were not response-cache hits; percentiles from a log-scale histogram, within 1.3 %");
      ArrayNode data = o.putArray("data");
      for (ModelLatency m : analytics.latency(slice)) {
        ObjectNode e = data.addObject().put("model", m.model()).put("attempts", m.attempts());
        percentiles(e.putObject("latency_ms"), m.latency());
        e.put("streamed", m.streamed());
        m.ttft().ifPresentOrElse(t -> percentiles(e.putObject("ttft_ms"), t), () -> e.putNull("ttft_ms"));
      }
      return o;
    });
  }

  private void forecast(RoutingContext ctx) {
    String name = AnalyticsParams.param(ctx, "period").orElse("this-month");
    ForecastPeriod period = Arrays.stream(ForecastPeriod.values()).filter(p -> p.param().equals(name)).findFirst()
        .orElseThrow(() -> new InvalidRequestException("period", "period: '" + name + "' (expected one of: "
            + Arrays.stream(ForecastPeriod.values()).map(ForecastPeriod::param).collect(Collectors.joining(", ")) + ")"));
    ZoneId zone = AnalyticsParams.zone(ctx);
    Instant now = analytics.now();
    Slice scope = AnalyticsParams.slice(ctx, now, now);
    Web.blocking(ctx, 200, () -> {
      CostAnalytics.PeriodForecast f = analytics.forecast(scope, period, zone);
      Forecaster.Result res = f.result();
      ObjectNode o = Json.object().put("object", "forecast").put("period", period.param())
          .put("period_start", f.start().toString()).put("period_end", f.end().toString()).put("tz", zone.getId())
          .put("as_of", f.asOf().toString());
      money(o, "actual", res.actualNanos());
      money(o, "projected", res.projectedNanos());
      ObjectNode interval = o.putObject("interval");
      interval.put("level", new BigDecimal("0.90"));
      money(interval, "lower", res.lowerNanos());
      money(interval, "upper", res.upperNanos());
      money(o, "naive_linear", f.naiveLinearNanos());
      o.put("method", "weekday factors x Theil-Sen trend on the last " + Forecaster.TREND_DAYS + " days");
      o.put("history_days", res.historyDays());
      money(o, "trend_per_day", res.slopeNanosPerDay());
      ObjectNode factors = o.putObject("weekday_factors");
      for (DayOfWeek d : DayOfWeek.values()) {
        factors.put(d.getDisplayName(TextStyle.FULL, Locale.ROOT).toLowerCase(Locale.ROOT),
            BigDecimal.valueOf(res.weekdayFactors()[d.getValue() - 1]).setScale(4, RoundingMode.HALF_UP));
      }
      ArrayNode days = o.putArray("days");
      for (Forecaster.DayForecast d : res.days()) {
        money(days.addObject().put("date", d.date().toString()), "forecast", d.nanos());
      }
      return o;
    });
  }

  private void anomalies(RoutingContext ctx) {
    ZoneId zone = AnalyticsParams.zone(ctx);
    Range r = AnalyticsParams.range(ctx, zone, analytics.now(), "last-7-days");
    int limit = AnalyticsParams.integer(ctx, "limit", 100, 1, 1000);
    Slice scope = AnalyticsParams.slice(ctx, r.from(), r.to());
    Web.blocking(ctx, 200, () -> {
      ObjectNode o = head("list", r, zone);
      ArrayNode data = o.putArray("data");
      for (AnomalyStore.Detected d : anomalies.list(r.from(), r.to(), scope.orgId(), scope.projectId(), limit)) {
        data.add(anomaly(d));
      }
      return o;
    });
  }

  static ObjectNode anomaly(AnomalyStore.Detected d) {
    SpendAnomaly a = d.anomaly();
    ObjectNode o = Json.object().put("type", "spend_spike").put("dimension", a.dimension()).put("value", a.value());
    a.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    a.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    o.put("window_start", a.windowStart().toString()).put("window_seconds", a.window().toSeconds());
    money(o, "observed", a.observedNanos());
    money(o, "baseline", a.baselineNanos());
    o.put("score", a.score());
    o.put("detected_at", d.detectedAt().toString());
    return o;
  }

  private static ObjectNode head(String object, Range r, ZoneId zone) {
    ObjectNode o = Json.object().put("object", object);
    r.period().ifPresent(p -> o.put("period", p));
    return o.put("from", r.from().toString()).put("to", r.to().toString()).put("tz", zone.getId());
  }

  static void totals(ObjectNode o, Totals t) {
    money(o, "cost", t.costNanos());
    o.put("requests", t.requests()).put("attempts", t.attempts());
    money(o, "avg_cost_per_request", t.requests() == 0 ? 0 // exact division, rounded once to the nano-dollar
        : java.math.BigDecimal.valueOf(t.costNanos()).divide(java.math.BigDecimal.valueOf(t.requests()), 0,
            java.math.RoundingMode.HALF_EVEN).longValueExact());
    o.put("avg_latency_ms", t.attempts() == 0 ? 0 : t.latencyMillisSum() / t.attempts());
    o.put("errors", t.errors()).put("error_rate", rate(t.errors(), t.attempts()));
    o.put("fallbacks", t.fallbacks()).put("fallback_rate", rate(t.fallbacks(), t.requests()));
    o.put("cache_hits", t.cacheHits()).put("cache_hit_rate", rate(t.cacheHits(), t.requests()));
    money(o, "saved", t.savedNanos());
    TokenUsage u = t.tokens();
    o.putObject("tokens")
        .put("input", u.inputTokens()).put("cache_read", u.cacheReadTokens())
        .put("cache_write_5m", u.cacheWrite5mTokens()).put("cache_write_1h", u.cacheWrite1hTokens())
        .put("audio_input", u.audioInputTokens()).put("image_input", u.imageInputTokens())
        .put("output", u.outputTokens()).put("reasoning", u.reasoningTokens()).put("audio_output", u.audioOutputTokens())
        .put("total", u.totalTokens());
  }

  private static ObjectNode group(Group g, long totalCost) {
    ObjectNode o = Json.object().put("key", g.key());
    totals(o, g.totals());
    o.put("share", rate(g.totals().costNanos(), totalCost));
    return o;
  }

  private static void point(ObjectNode o, CostAnalytics.Point p) {
    money(o, "cost", p.costNanos());
    o.put("requests", p.requests()).put("errors", p.errors())
        .put("input_tokens", p.inputTokens()).put("output_tokens", p.outputTokens());
  }

  private static void percentiles(ObjectNode o, ModelLatency.Percentiles p) {
    o.put("p50", p.p50()).put("p95", p.p95()).put("p99", p.p99());
  }

  /** {@code name_nanos} (exact integer) and {@code name_usd} (exact decimal string). */
  static void money(ObjectNode o, String name, long nanos) {
    o.put(name + "_nanos", nanos).put(name + "_usd", Money.usd(nanos));
  }

  static BigDecimal rate(long part, long whole) {
    return whole == 0 ? BigDecimal.ZERO.setScale(4) : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
  }

  /** Percentage change, 2 decimals; null when there is nothing to compare with. */
  private static void putChange(ObjectNode o, String name, long now, long before) {
    if (before == 0) {
      o.putNull(name);
    } else {
      o.put(name, BigDecimal.valueOf(now - before).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(before), 2, RoundingMode.HALF_UP));
    }
  }
}
