package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tollgate report}: a terminal summary of spend through the running server's analytics API — totals
 * and change, a daily sparkline, the month-end (or week-end) forecast, top models and projects.
 */
@Command(name = "report", description = "Print a cost report: totals, daily sparkline, forecast, top models and projects.")
final class ReportCommand implements Callable<Integer> {
  private static final char[] BARS = "▁▂▃▄▅▆▇█".toCharArray();

  @Mixin AdminOptions admin;

  @Spec CommandSpec spec;

  @Option(names = "--period", defaultValue = "this-month",
      description = "today, yesterday, this-week, last-week, this-month, last-month, last-7-days, last-30-days, last-90-days (default ${DEFAULT-VALUE}).")
  String period;

  @Option(names = "--tz", defaultValue = "UTC", description = "Time zone for days and periods, e.g. Europe/Berlin (default ${DEFAULT-VALUE}).")
  String tz;

  @Option(names = "--top", defaultValue = "5", description = "How many models and projects to list (default ${DEFAULT-VALUE}).")
  int top;

  // --org (the org to report on, and to act in with a session) comes with the admin options.
  @Option(names = "--project", description = "Only this project.")
  String project;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    return Commands.run(() -> {
      AdminClient client = AdminClient.from(admin);
      String org = admin.org == null || admin.org.isBlank() ? null : admin.org;
      String q = "period=" + enc(period) + "&tz=" + enc(tz) + (org == null ? "" : "&org=" + enc(org))
          + (project == null ? "" : "&project=" + enc(project));
      JsonNode summary = client.get("/api/v1/costs/summary?" + q);
      JsonNode days = client.get("/api/v1/costs/timeseries?bucket=day&" + q);
      JsonNode models = client.get("/api/v1/costs/breakdown?by=model&top=" + top + "&" + q);
      JsonNode projects = client.get("/api/v1/costs/breakdown?by=project&top=" + top + "&" + q);
      String forecastPeriod = switch (period) {
        case "this-month", "this-week" -> period;
        default -> null;
      };
      JsonNode forecast = forecastPeriod == null ? null
          : client.get("/api/v1/analytics/forecast?period=" + forecastPeriod + "&tz=" + enc(tz)
              + (org == null ? "" : "&org=" + enc(org)) + (project == null ? "" : "&project=" + enc(project)));
      render(out, summary, days, models, projects, forecast);
      out.flush();
    });
  }

  void render(PrintWriter out, JsonNode s, JsonNode days, JsonNode models, JsonNode projects, JsonNode forecast) {
    out.printf("Tollgate cost report: %s (%s to %s, %s)%n%n", s.path("period").asText("custom"), s.path("from").asText(),
        s.path("to").asText(), s.path("tz").asText());
    JsonNode prev = s.path("previous");
    JsonNode pct = s.path("change").path("cost_pct");
    String change = pct.isNull() || pct.isMissingNode() ? "no spend in the previous period"
        : (pct.decimalValue().signum() >= 0 ? "+" : "") + pct.decimalValue().toPlainString() + "% vs " + usd(prev.path("cost_usd").asText())
            + " in the previous period";
    out.printf("  %-12s %s  (%s)%n", "Spend", usd(s.path("cost_usd").asText()), change);
    out.printf("  %-12s %s  (avg %s per request, %s attempts)%n", "Requests", count(s.path("requests").asLong()),
        usd6(s.path("avg_cost_per_request_usd").asText()), count(s.path("attempts").asLong()));
    JsonNode t = s.path("tokens");
    out.printf("  %-12s %s in, %s cache read, %s out (%s reasoning)%n", "Tokens", count(t.path("input").asLong()),
        count(t.path("cache_read").asLong()), count(t.path("output").asLong()), count(t.path("reasoning").asLong()));
    out.printf("  %-12s errors %s, fallbacks %s, cache hits %s (saved %s)%n", "Rates", percent(s.path("error_rate")),
        percent(s.path("fallback_rate")), percent(s.path("cache_hit_rate")), usd(s.path("saved_usd").asText()));
    List<Long> daily = new ArrayList<>();
    days.path("data").forEach(d -> daily.add(d.path("cost_nanos").asLong()));
    if (!daily.isEmpty()) {
      long max = daily.stream().mapToLong(Long::longValue).max().orElse(0);
      long min = daily.stream().mapToLong(Long::longValue).min().orElse(0);
      out.printf("  %-12s %s  %s .. %s a day%n", "Daily", sparkline(daily), usd(nanosUsd(min)), usd(nanosUsd(max)));
    }
    if (forecast != null) {
      JsonNode i = forecast.path("interval");
      out.printf("  %-12s %s by the end of %s (90%% interval %s to %s; straight-line run rate: %s)%n", "Forecast",
          usd(forecast.path("projected_usd").asText()), forecast.path("period").asText().replace("this-", "the "),
          usd(i.path("lower_usd").asText()), usd(i.path("upper_usd").asText()), usd(forecast.path("naive_linear_usd").asText()));
    }
    table(out, "Top models", models);
    table(out, "Top projects", projects);
  }

  private static void table(PrintWriter out, String title, JsonNode breakdown) {
    out.printf("%n  %-34s %14s %7s %12s%n", title, "cost", "share", "requests");
    for (JsonNode g : breakdown.path("data")) {
      String key = g.path("key").asText();
      if (g.has("other_groups")) {
        key = key + " (" + g.path("other_groups").asInt() + " more)";
      }
      out.printf("  %-34s %14s %7s %12s%n", Commands.cut(key, 34), usd(g.path("cost_usd").asText()), percent(g.path("share")),
          count(g.path("requests").asLong()));
    }
  }

  /** Eight levels, scaled to the largest day; a day with no spend is the lowest bar. */
  static String sparkline(List<Long> values) {
    long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
    StringBuilder b = new StringBuilder(values.size());
    for (long v : values) {
      int level = max <= 0 ? 0 : (int) Math.min(BARS.length - 1, BigDecimal.valueOf(v).multiply(BigDecimal.valueOf(BARS.length - 1))
          .divide(BigDecimal.valueOf(max), 0, RoundingMode.HALF_UP).longValue());
      b.append(BARS[level]);
    }
    return b.toString();
  }

  private static String nanosUsd(long nanos) {
    return BigDecimal.valueOf(nanos, 9).toPlainString();
  }

  /** An exact USD string shown to the cent, with thousands separators. */
  static String usd(String exact) {
    if (exact == null || exact.isEmpty()) {
      return "$0.00";
    }
    DecimalFormat f = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
    f.setRoundingMode(RoundingMode.HALF_UP);
    return "$" + f.format(new BigDecimal(exact));
  }

  private static String usd6(String exact) {
    return "$" + new BigDecimal(exact).setScale(6, RoundingMode.HALF_UP).toPlainString();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String percent(JsonNode rate) {
    if (rate == null || rate.isMissingNode() || rate.isNull()) {
      return "-";
    }
    return rate.decimalValue().movePointRight(2).setScale(1, RoundingMode.HALF_UP).toPlainString() + "%";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
