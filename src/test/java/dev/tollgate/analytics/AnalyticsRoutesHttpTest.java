package dev.tollgate.analytics;

import static dev.tollgate.analytics.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cost and analytics API over a small ledger whose every total is known. */
class AnalyticsRoutesHttpTest {
  private static final long USD = 1_000_000_000L;
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final String[] ORG_A = {"x-test-org", "org_a"};
  private static final String[] ORG_B = {"x-test-org", "org_b"};

  @TempDir static Path dir;
  private static AnalyticsServer server;

  @BeforeAll
  static void start() {
    server = new AnalyticsServer(dir, NOW);
    List<UsageRecord> rows = new ArrayList<>();
    rows.add(row().id("r1").key("key_a1").project("proj_a1").model("gpt-4o").cost(3 * USD).user("alice").tags("team:x")
        .at("2026-11-02T10:00:00Z").latency(100).build());
    rows.add(row().id("r2").key("key_a1").project("proj_a1").model("gpt-4o").cost(0).status(500).at("2026-11-03T10:00:00Z").build());
    rows.add(row().id("r2").attempt(2).key("key_a1").project("proj_a1").model("gpt-4o").served("claude-haiku-4-5")
        .provider("anthropic").flags(UsageFlag.FALLBACK_USED).cost(USD).at("2026-11-03T10:00:01Z").build());
    rows.add(row().id("r3").key("key_a2").project("proj_a2").model("gpt-4o-mini").cost(USD / 2).saved(2 * USD)
        .flags(UsageFlag.CACHE_HIT).at("2026-11-04T23:30:00Z").build()); // 00:30 on Nov 5 in Berlin
    rows.add(row().id("r4").org("org_b").key("key_b1").project("proj_b1").model("claude-sonnet-4-5").provider("anthropic")
        .cost(7 * USD).tags("team:y", "env:prod").at("2026-11-05T12:00:00Z").build());
    rows.add(row().id("old").key("key_a1").project("proj_a1").model("gpt-4o").cost(2 * USD).at("2026-10-10T10:00:00Z").build());
    for (int i = 1; i <= 100; i++) { // latency 10..1000 ms, time to first token 1..100 ms
      rows.add(row().id("lat-" + i).org("org_c").key("key_c").project("proj_c").model("gpt-lat").cost(0).latency(10L * i)
          .ttft(i).at(Instant.parse("2026-11-06T00:00:00Z").plusSeconds(i)).build());
    }
    server.append(rows);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode ok(HttpResponse<String> resp) {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return Json.parseObject(resp.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonNode error(HttpResponse<String> resp, int status, String param) {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(status);
    JsonNode e = Json.parseObject(resp.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).path("error");
    if (param != null) {
      assertThat(e.path("param").asText()).isEqualTo(param);
    }
    return e;
  }

  @Test
  void summary_ofAnOrg_countsRequestsOnceAndAttemptsEach() {
    JsonNode s = ok(server.get("/api/v1/costs/summary?period=this-month", ORG_A));

    assertThat(s.path("cost_nanos").asLong()).isEqualTo(4 * USD + USD / 2);
    assertThat(s.path("cost_usd").asText()).isEqualTo("4.500000000");
    assertThat(s.path("requests").asLong()).isEqualTo(3);
    assertThat(s.path("attempts").asLong()).isEqualTo(4);
    assertThat(s.path("errors").asLong()).isEqualTo(1);
    assertThat(s.path("error_rate").decimalValue()).isEqualByComparingTo("0.25");
    assertThat(s.path("fallbacks").asLong()).isEqualTo(1);
    assertThat(s.path("cache_hits").asLong()).isEqualTo(1);
    assertThat(s.path("saved_usd").asText()).isEqualTo("2.000000000");
    assertThat(s.path("avg_cost_per_request_nanos").asLong()).isEqualTo(1_500_000_000L);
    assertThat(s.path("tokens").path("input").asLong()).isEqualTo(400);
    // this month so far (Nov 1 - 20 12:00) against Oct 1 - 20 12:00: 2 USD then
    assertThat(s.path("from").asText()).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(s.path("previous").path("from").asText()).isEqualTo("2026-10-01T00:00:00Z");
    assertThat(s.path("previous").path("to").asText()).isEqualTo("2026-10-20T12:00:00Z");
    assertThat(s.path("previous").path("cost_nanos").asLong()).isEqualTo(2 * USD);
    assertThat(s.path("change").path("cost_pct").decimalValue()).isEqualByComparingTo("125");
  }

  @Test
  void scopedCaller_seesOnlyItsOrg_andCannotAskForAnother() {
    JsonNode b = ok(server.get("/api/v1/costs/summary?period=this-month", ORG_B));
    assertThat(b.path("cost_nanos").asLong()).isEqualTo(7 * USD);
    assertThat(b.path("requests").asLong()).isEqualTo(1);

    JsonNode models = ok(server.get("/api/v1/costs/breakdown?by=model&period=this-month", ORG_B));
    assertThat(models.path("data")).extracting(n -> n.path("key").asText()).containsExactly("claude-sonnet-4-5");
    JsonNode orgs = ok(server.get("/api/v1/costs/breakdown?by=org&period=this-month", ORG_B));
    assertThat(orgs.path("data")).extracting(n -> n.path("key").asText()).containsExactly("org_b");

    JsonNode e = error(server.get("/api/v1/costs/summary?org=org_a", ORG_B), 403, null);
    assertThat(e.path("message").asText()).contains("outside its own org");
    error(server.get("/api/v1/costs/timeseries?org=org_a", ORG_B), 403, null);

    JsonNode project = ok(server.get("/api/v1/costs/summary?period=this-month", "x-test-org", "org_a", "x-test-project", "proj_a2"));
    assertThat(project.path("cost_nanos").asLong()).isEqualTo(USD / 2);
    error(server.get("/api/v1/costs/summary?project=proj_a1", "x-test-org", "org_a", "x-test-project", "proj_a2"), 403, null);
  }

  @Test
  void masterCaller_seesEveryOrg_andMayNarrowToOne() {
    JsonNode all = ok(server.get("/api/v1/costs/summary?period=this-month"));
    assertThat(all.path("cost_nanos").asLong()).isEqualTo(11 * USD + USD / 2);
    assertThat(all.path("requests").asLong()).isEqualTo(104);
    JsonNode a = ok(server.get("/api/v1/costs/summary?period=this-month&org=org_a"));
    assertThat(a.path("cost_nanos").asLong()).isEqualTo(4 * USD + USD / 2);
  }

  @Test
  void breakdown_keepsTheTopN_andFoldsTheRestIntoOther() {
    JsonNode b = ok(server.get("/api/v1/costs/breakdown?by=model&top=2&period=this-month"));
    JsonNode data = b.path("data");
    assertThat(data).extracting(n -> n.path("key").asText()).containsExactly("claude-sonnet-4-5", "gpt-4o", "(other)");
    assertThat(data.get(0).path("cost_nanos").asLong()).isEqualTo(7 * USD);
    assertThat(data.get(1).path("cost_nanos").asLong()).isEqualTo(3 * USD);
    assertThat(data.get(1).path("attempts").asLong()).isEqualTo(2); // r1, and r2's failed first attempt
    assertThat(data.get(2).path("cost_nanos").asLong()).isEqualTo(USD + USD / 2); // haiku 1 + mini 0.5 + gpt-lat 0
    assertThat(data.get(2).path("other_groups").asInt()).isEqualTo(3);
    assertThat(b.path("groups").asInt()).isEqualTo(5);
    assertThat(b.path("total").path("cost_nanos").asLong()).isEqualTo(11 * USD + USD / 2);
    assertThat(data.get(0).path("share").decimalValue()).isEqualByComparingTo(new BigDecimal("0.6087")); // 7 / 11.5
  }

  @Test
  void breakdownByTag_countsARowUnderEachOfItsTags() {
    JsonNode b = ok(server.get("/api/v1/costs/breakdown?by=tag&period=this-month"));
    assertThat(b.path("data")).extracting(n -> n.path("key").asText() + "=" + n.path("cost_usd").asText())
        .containsExactly("env:prod=7.000000000", "team:y=7.000000000", "team:x=3.000000000", "(none)=1.500000000");
    assertThat(b.path("total").path("cost_nanos").asLong()).isEqualTo(11 * USD + USD / 2);
  }

  @Test
  void breakdownByStatusAndUser_haveTheirValues() {
    JsonNode status = ok(server.get("/api/v1/costs/breakdown?by=status&period=this-month", ORG_A));
    assertThat(status.path("data")).extracting(n -> n.path("key").asText() + ":" + n.path("attempts").asLong())
        .containsExactly("200:3", "500:1");
    JsonNode users = ok(server.get("/api/v1/costs/breakdown?by=user&period=this-month", ORG_A));
    assertThat(users.path("data")).extracting(n -> n.path("key").asText()).containsExactly("alice", "(none)");
  }

  @Test
  void timeseries_bucketsByLocalDayInTheRequestedZone() {
    JsonNode utc = ok(server.get("/api/v1/costs/timeseries?bucket=day&from=2026-11-04&to=2026-11-06"));
    assertThat(utc.path("data")).extracting(n -> n.path("start").asText() + "=" + n.path("cost_nanos").asLong())
        .containsExactly("2026-11-04T00:00Z=500000000", "2026-11-05T00:00Z=7000000000");

    JsonNode berlin = ok(server.get("/api/v1/costs/timeseries?bucket=day&tz=Europe/Berlin&from=2026-11-04&to=2026-11-06"));
    assertThat(berlin.path("data")).extracting(n -> n.path("start").asText() + "=" + n.path("cost_nanos").asLong())
        .containsExactly("2026-11-04T00:00+01:00=0", "2026-11-05T00:00+01:00=7500000000");
  }

  @Test
  void timeseries_groupsTopNAndOther_perBucket() {
    JsonNode s = ok(server.get("/api/v1/costs/timeseries?bucket=week&group_by=project&top=1&period=this-month"));
    assertThat(s.path("groups")).extracting(JsonNode::asText).containsExactly("proj_b1", "(other)");
    JsonNode week = s.path("data").get(1); // Monday Nov 2 .. Nov 9
    assertThat(week.path("start").asText()).isEqualTo("2026-11-02T00:00Z");
    assertThat(week.path("groups")).extracting(n -> n.path("key").asText() + "=" + n.path("cost_nanos").asLong())
        .containsExactly("proj_b1=7000000000", "(other)=4500000000");
    assertThat(week.path("cost_nanos").asLong()).isEqualTo(11 * USD + USD / 2);
  }

  @Test
  void timeseries_hourBucketsFollowDaylightSaving() {
    // Europe/Berlin goes back from CEST to CET on 2026-10-25: that local day has 25 hours
    JsonNode s = ok(server.get("/api/v1/costs/timeseries?bucket=hour&tz=Europe/Berlin&from=2026-10-25&to=2026-10-26"));
    assertThat(s.path("data")).hasSize(25);
    assertThat(s.path("data").get(2).path("start").asText()).isEqualTo("2026-10-25T02:00+02:00");
    assertThat(s.path("data").get(3).path("start").asText()).isEqualTo("2026-10-25T02:00+01:00");
  }

  @Test
  void timeseries_inAHalfHourZone_usesQuarterHourSlots() {
    // 23:30Z is 05:00 in Kolkata (+05:30): the row must land in the 05:00 local hour, not 04:00
    JsonNode s = ok(server.get("/api/v1/costs/timeseries?bucket=hour&tz=Asia/Kolkata&from=2026-11-04T23:00:00Z&to=2026-11-05T01:00:00Z"));
    assertThat(s.path("data")).extracting(n -> n.path("start").asText() + "=" + n.path("cost_nanos").asLong())
        .contains("2026-11-05T05:00+05:30=500000000");
  }

  @Test
  void latency_percentilesPerModel() {
    JsonNode l = ok(server.get("/api/v1/analytics/latency?period=this-month&model=gpt-lat"));
    JsonNode m = l.path("data").get(0);
    assertThat(m.path("model").asText()).isEqualTo("gpt-lat");
    assertThat(m.path("attempts").asLong()).isEqualTo(100);
    assertThat(m.path("latency_ms").path("p50").asLong()).isBetween(494L, 506L);
    assertThat(m.path("latency_ms").path("p95").asLong()).isBetween(937L, 963L);
    assertThat(m.path("latency_ms").path("p99").asLong()).isBetween(977L, 1003L);
    assertThat(m.path("ttft_ms").path("p50").asLong()).isBetween(49L, 51L);
    assertThat(m.path("streamed").asLong()).isEqualTo(100);
  }

  @Test
  void forecast_returnsExactAmountsForTheMonth() {
    JsonNode f = ok(server.get("/api/v1/analytics/forecast?period=this-month", ORG_B));
    assertThat(f.path("period_start").asText()).isEqualTo("2026-11-01");
    assertThat(f.path("period_end").asText()).isEqualTo("2026-12-01");
    assertThat(f.path("actual_nanos").asLong()).isEqualTo(7 * USD);
    assertThat(f.path("actual_usd").asText()).isEqualTo("7.000000000");
    assertThat(f.path("projected_nanos").isIntegralNumber()).isTrue();
    assertThat(f.path("projected_nanos").asLong()).isGreaterThanOrEqualTo(7 * USD);
    assertThat(f.path("interval").path("lower_nanos").asLong()).isGreaterThanOrEqualTo(7 * USD);
    assertThat(f.path("projected_usd").asText()).matches("\\d+\\.\\d{9}");
    assertThat(f.path("days")).hasSize(11); // Nov 20 .. Nov 30
  }

  @Test
  void anomalies_areListedWithinTheCallersScope() {
    Instant w = NOW.minus(Duration.ofHours(3));
    server.anomalies().addIfAbsent(new SpendAnomaly("key", "key_a1", Optional.of("org_a"), Optional.of("proj_a1"), w,
        Duration.ofHours(1), 50 * USD, 5 * USD, new BigDecimal("12.50")), NOW);
    server.anomalies().addIfAbsent(new SpendAnomaly("project", "proj_b1", Optional.of("org_b"), Optional.of("proj_b1"), w,
        Duration.ofHours(1), 80 * USD, 8 * USD, new BigDecimal("9.10")), NOW);

    JsonNode a = ok(server.get("/api/v1/analytics/anomalies?period=last-7-days", ORG_A));
    assertThat(a.path("data")).hasSize(1);
    JsonNode one = a.path("data").get(0);
    assertThat(one.path("value").asText()).isEqualTo("key_a1");
    assertThat(one.path("observed_usd").asText()).isEqualTo("50.000000000");
    assertThat(one.path("score").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(ok(server.get("/api/v1/analytics/anomalies?period=last-7-days")).path("data")).hasSize(2);
  }

  @Test
  void badParameters_are400sNamingTheParameter() {
    assertThat(error(server.get("/api/v1/costs/timeseries?bucket=fortnight"), 400, "bucket").path("message").asText())
        .contains("fortnight").contains("minute, hour, day, week, month");
    assertThat(error(server.get("/api/v1/costs/summary?tz=Mars/Olympus"), 400, "tz").path("message").asText())
        .contains("Mars/Olympus");
    assertThat(error(server.get("/api/v1/costs/summary?from=2026-11-10&to=2026-11-01"), 400, "from").path("message").asText())
        .contains("after");
    assertThat(error(server.get("/api/v1/costs/timeseries?bucket=minute&period=last-30-days"), 400, "bucket").path("code").asText())
        .isEqualTo("too_many_buckets");
    error(server.get("/api/v1/costs/breakdown?by=colour"), 400, "by");
    error(server.get("/api/v1/costs/breakdown"), 400, "by");
    error(server.get("/api/v1/costs/breakdown?by=model&top=0"), 400, "top");
    error(server.get("/api/v1/costs/summary?period=fortnight"), 400, "period");
    error(server.get("/api/v1/costs/summary?period=today&from=2026-11-01"), 400, "period");
    error(server.get("/api/v1/costs/summary?from=yesterday"), 400, "from");
    error(server.get("/api/v1/analytics/forecast?period=next-year"), 400, "period");
    error(server.get("/api/v1/analytics/anomalies?limit=5000"), 400, "limit");
  }
}
