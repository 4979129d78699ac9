package dev.tollgate.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.analytics.SpendAnomaly;
import dev.tollgate.budgets.Budget;
import dev.tollgate.budgets.BudgetOverspendProjected;
import dev.tollgate.budgets.BudgetThresholdCrossed;
import dev.tollgate.common.EventBus;
import dev.tollgate.common.Json;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbAlertStore;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts delivered to real loopback receivers: a signed generic webhook, a Slack incoming webhook, a
 * PagerDuty Events API v2 fake, and an SMTP server; retries with exponential backoff, the delivery log,
 * and one alert per threshold per period.
 */
class AlertsDeliveryTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final String SECRET = "whsec-test-0123456789";

  @TempDir Path dir;
  private Database db;
  private DuckDbAlertStore store;
  private Receiver receiver;
  private final List<Duration> slept = new CopyOnWriteArrayList<>();
  private final EventBus events = new EventBus();
  private Alerts alerts;

  @BeforeEach
  void start() throws Exception {
    db = Database.open("jdbc:duckdb:" + dir.resolve("alerts.duckdb"));
    store = new DuckDbAlertStore(db);
    receiver = new Receiver();
  }

  private Alerts alerts(AlertsConfig config) {
    alerts = new Alerts(store, config, Clock.fixed(NOW, ZoneOffset.UTC), slept::add).subscribe(events);
    return alerts;
  }

  @AfterEach
  void stop() {
    if (alerts != null) {
      alerts.close();
    }
    receiver.close();
    db.close();
  }

  private static Budget budget() {
    return new Budget("budget_1", "team-a monthly", Budget.Scope.PROJECT, "proj_a", Optional.of("org_1"), Optional.of("proj_a"),
        Budget.Period.MONTH, 100_000_000_000L, Budget.DEFAULT_THRESHOLDS, Budget.Action.BLOCK, Optional.empty(), NOW, NOW);
  }

  private static BudgetThresholdCrossed crossed(int percent, Instant at) {
    Budget b = budget();
    return new BudgetThresholdCrossed(b, b.period().window(at, ZoneId.of("UTC")), percent, percent * 1_000_000_000L, at);
  }

  private AlertRule rule(AlertRule.Type type, AlertRule.Channel... channels) {
    AlertRule r = new AlertRule("arule_" + type.wire(), "rule", type, Optional.empty(), Optional.empty(), List.of(channels),
        Optional.empty(), Optional.empty(), true, NOW);
    alerts.add(r);
    return r;
  }

  private AlertRule.Channel webhook() {
    return new AlertRule.Channel(AlertRule.ChannelType.WEBHOOK, Optional.of(receiver.url("/hook")), Optional.of(SECRET), List.of(), Optional.empty());
  }

  @Test
  void webhook_bodyIsSignedWithHmacSha256OfTimestampAndBody() throws Exception {
    alerts(AlertsConfig.ofDefaults());
    rule(AlertRule.Type.BUDGET_THRESHOLD, webhook());

    events.publish(crossed(80, NOW));

    Receiver.Hit hit = receiver.take();
    String ts = hit.header("x-tollgate-timestamp");
    assertThat(ts).isEqualTo(Long.toString(NOW.getEpochSecond()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal((ts + "." + hit.body()).getBytes(StandardCharsets.UTF_8)));
    assertThat(hit.header("x-tollgate-signature")).isEqualTo(expected);
    JsonNode body = Json.MAPPER.readTree(hit.body());
    assertThat(body.path("type").asText()).isEqualTo("budget_threshold");
    assertThat(body.path("severity").asText()).isEqualTo("warning");
    assertThat(body.path("summary").asText()).contains("team-a monthly").contains("80%");
    assertThat(body.path("details").path("period_key").asText()).isEqualTo("2026-11");
    assertThat(hit.body()).doesNotContain(SECRET);
  }

  @Test
  void webhook_failingWith5xx_isRetriedWithExponentialBackoff_andEveryAttemptIsLogged() throws Exception {
    alerts(new AlertsConfig(4, Duration.ofSeconds(1), Duration.ofMinutes(5), AlertsConfig.PAGERDUTY_EVENTS, Optional.empty()));
    rule(AlertRule.Type.BUDGET_THRESHOLD, webhook());
    receiver.answer(503, 500, 200);

    events.publish(crossed(100, NOW));

    receiver.take();
    receiver.take();
    receiver.take();
    AlertEvent event = awaitEvents(1).getFirst();
    List<Delivery> log = awaitDeliveries(event.id(), 3);
    assertThat(log).extracting(Delivery::outcome).containsExactly("retrying", "retrying", "delivered");
    assertThat(log).extracting(Delivery::httpStatus).containsExactly(Optional.of(503), Optional.of(500), Optional.of(200));
    assertThat(log.getFirst().target()).isEqualTo("http://127.0.0.1:" + receiver.url("/").getPort());
    assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(event.severity()).isEqualTo("critical");
  }

  @Test
  void webhook_rejectedWith4xx_isNotRetried() throws Exception {
    alerts(AlertsConfig.ofDefaults());
    rule(AlertRule.Type.BUDGET_THRESHOLD, webhook());
    receiver.answer(400);

    events.publish(crossed(50, NOW));

    receiver.take();
    List<Delivery> log = awaitDeliveries(awaitEvents(1).getFirst().id(), 1);
    assertThat(log).extracting(Delivery::outcome).containsExactly("failed");
    assertThat(receiver.quietFor(Duration.ofMillis(300))).isTrue();
    assertThat(slept).isEmpty();
  }

  @Test
  void sameThresholdInTheSamePeriod_alertsOnce_andAgainInTheNextPeriod() throws Exception {
    alerts(AlertsConfig.ofDefaults());
    rule(AlertRule.Type.BUDGET_THRESHOLD, webhook());

    events.publish(crossed(80, NOW));
    receiver.take();
    events.publish(crossed(80, NOW.plusSeconds(60))); // e.g. after a restart re-crossed it
    assertThat(receiver.quietFor(Duration.ofMillis(500))).isTrue();

    events.publish(crossed(80, Instant.parse("2026-12-02T10:00:00Z")));
    JsonNode next = Json.MAPPER.readTree(receiver.take().body());
    assertThat(next.path("details").path("period_key").asText()).isEqualTo("2026-12");
    assertThat(awaitEvents(2)).hasSize(2);
  }

  @Test
  void slack_getsIncomingWebhookJson() throws Exception {
    alerts(AlertsConfig.ofDefaults());
    rule(AlertRule.Type.BUDGET_THRESHOLD,
        new AlertRule.Channel(AlertRule.ChannelType.SLACK, Optional.of(receiver.url("/services/T000/B000/XXX")), Optional.empty(), List.of(), Optional.empty()));

    events.publish(crossed(100, NOW));

    Receiver.Hit hit = receiver.take();
    assertThat(hit.path()).isEqualTo("/services/T000/B000/XXX");
    assertThat(hit.header("content-type")).isEqualTo("application/json");
    JsonNode body = Json.MAPPER.readTree(hit.body());
    assertThat(body.path("text").asText()).startsWith(":rotating_light: Budget 'team-a monthly' reached 100%");
    assertThat(body.path("blocks").path(0).path("text").path("type").asText()).isEqualTo("mrkdwn");
  }

  @Test
  void pagerDuty_getsAnEventsApiV2Trigger() throws Exception {
    alerts(AlertsConfig.ofDefaults().withPagerDutyUrl(receiver.url("/v2/enqueue")));
    AlertRule r = rule(AlertRule.Type.BUDGET_THRESHOLD,
        new AlertRule.Channel(AlertRule.ChannelType.PAGERDUTY, Optional.empty(), Optional.empty(), List.of(), Optional.of("R0UTINGKEY")));
    receiver.answer(202);

    events.publish(crossed(100, NOW));

    Receiver.Hit hit = receiver.take();
    assertThat(hit.path()).isEqualTo("/v2/enqueue");
    JsonNode body = Json.MAPPER.readTree(hit.body());
    assertThat(body.path("routing_key").asText()).isEqualTo("R0UTINGKEY");
    assertThat(body.path("event_action").asText()).isEqualTo("trigger");
    assertThat(body.path("dedup_key").asText()).isEqualTo(r.id() + ":budget_1:2026-11:100");
    assertThat(body.path("payload").path("severity").asText()).isEqualTo("critical");
    assertThat(body.path("payload").path("source").asText()).isEqualTo("tollgate");
    assertThat(body.path("payload").path("summary").asText()).contains("reached 100%");
    assertThat(awaitDeliveries(awaitEvents(1).getFirst().id(), 1).getFirst().outcome()).isEqualTo("delivered");
  }

  @Test
  void email_isSentOverSmtpWithAuth() throws Exception {
    try (TinySmtpServer smtp = new TinySmtpServer("tollgate", "s3cret")) {
      alerts(AlertsConfig.ofDefaults().withSmtp(new AlertsConfig.Smtp("127.0.0.1", smtp.port(), "alerts@tollgate.test",
          Optional.of("tollgate"), Optional.of("s3cret"), false)));
      rule(AlertRule.Type.BURN_RATE, new AlertRule.Channel(AlertRule.ChannelType.EMAIL, Optional.empty(), Optional.empty(),
          List.of("finops@example.com", "lead@example.com"), Optional.empty()));
      Budget b = budget();

      events.publish(new BudgetOverspendProjected(b, b.period().window(NOW, ZoneId.of("UTC")), 60_000_000_000L,
          150_000_000_000L, Optional.of(Instant.parse("2026-11-25T00:00:00Z")), NOW));

      TinySmtpServer.Mail mail = smtp.take();
      assertThat(mail.authUser()).contains("tollgate");
      assertThat(mail.from()).isEqualTo("alerts@tollgate.test");
      assertThat(mail.to()).containsExactly("finops@example.com", "lead@example.com");
      assertThat(mail.data()).contains("Subject: =?UTF-8?B?").contains("projected to spend $150.000000000")
          .contains("exhausted around 2026-11-25T00:00:00Z");
    }
  }

  @Test
  void spendSpike_belowTheRulesMinScore_isIgnored_aboveIsAlerted() throws Exception {
    alerts(AlertsConfig.ofDefaults());
    AlertRule r = new AlertRule("arule_spike", "spikes", AlertRule.Type.SPEND_SPIKE, Optional.empty(), Optional.of(new BigDecimal("5")),
        List.of(webhook()), Optional.of("org_1"), Optional.empty(), true, NOW);
    alerts.add(r);

    events.publish(new SpendAnomaly("project", "proj_a", Optional.of("org_1"), Optional.of("proj_a"), NOW, Duration.ofHours(1),
        9_000_000_000L, 1_000_000_000L, new BigDecimal("3.1")));
    events.publish(new SpendAnomaly("project", "proj_b", Optional.of("org_2"), Optional.of("proj_b"), NOW, Duration.ofHours(1),
        9_000_000_000L, 1_000_000_000L, new BigDecimal("12"))); // another org: not this rule's business
    events.publish(new SpendAnomaly("project", "proj_a", Optional.of("org_1"), Optional.of("proj_a"), NOW, Duration.ofHours(1),
        9_000_000_000L, 1_000_000_000L, new BigDecimal("8.5")));

    JsonNode body = Json.MAPPER.readTree(receiver.take().body());
    assertThat(body.path("type").asText()).isEqualTo("spend_spike");
    assertThat(body.path("details").path("score").asText()).isEqualTo("8.5");
    assertThat(receiver.quietFor(Duration.ofMillis(300))).isTrue();
  }

  private List<AlertEvent> awaitEvents(int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      List<AlertEvent> list = store.events(Optional.empty(), Optional.empty(), 100);
      if (list.size() >= n || System.nanoTime() > deadline) {
        return list;
      }
      Thread.sleep(20);
    }
  }

  private List<Delivery> awaitDeliveries(String eventId, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      List<Delivery> list = store.deliveries(eventId);
      if (list.size() >= n || System.nanoTime() > deadline) {
        return list;
      }
      Thread.sleep(20);
    }
  }

}
