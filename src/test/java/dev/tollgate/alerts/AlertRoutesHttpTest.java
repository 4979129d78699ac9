package dev.tollgate.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.KeyService;
import dev.tollgate.budgets.BudgetsConfig;
import dev.tollgate.common.Json;
import dev.tollgate.pricing.PriceComponent;
import dev.tollgate.pricing.PriceOverride;
import dev.tollgate.pricing.PricingConfig;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: an alert rule made through the API fires on budget thresholds crossed by real traffic. */
class AlertRoutesHttpTest {
  @TempDir static Path dir;
  static TestGateway gw;
  static Receiver receiver;

  @BeforeAll
  static void start() throws Exception {
    receiver = new Receiver();
    PricingConfig pricey = new PricingConfig(List.of(PriceOverride.builder("mock", "mock-small", Instant.EPOCH)
        .perMillion(PriceComponent.INPUT, "100").perMillion(PriceComponent.OUTPUT, "1000").build()), Optional.empty());
    gw = TestGateway.builder(dir).pricing(pricey).budgets(BudgetsConfig.ofDefaults()).start();
  }

  @AfterAll
  static void stop() {
    gw.close();
    receiver.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(r.body(), e);
    }
  }

  @Test
  void thresholdRule_firesOncePerThreshold_andHistoryAndDeliveriesAreListed() throws Exception {
    KeyService.CreatedKey key = gw.createKey();
    String budgetId = json(gw.post("/api/v1/budgets", gw.masterKey(), """
        {"name": "tiny", "scope": "key", "scope_value": "%s", "period": "month", "amount_usd": "0.06"}
        """.formatted(key.key().id()))).path("id").asText();
    HttpResponse<String> created = gw.post("/api/v1/alerts/rules", gw.masterKey(), """
        {"name": "budget alerts", "type": "budget_threshold", "budget_id": "%s",
         "channels": [{"type": "webhook", "url": "%s", "secret": "topsecret"}]}
        """.formatted(budgetId, receiver.url("/hook")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).doesNotContain("topsecret").contains("\"secret_set\":true");

    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = gw.post("/v1/chat/completions", key.secret(),
          "{\"model\": \"mock-small\", \"max_tokens\": 20, \"messages\": [{\"role\": \"user\", \"content\": \"spend " + i + "\"}]}");
      if (r.statusCode() == 429) {
        break;
      }
    }
    List<Integer> thresholds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      thresholds.add(Json.MAPPER.readTree(receiver.take().body()).path("details").path("threshold_percent").asInt());
    }
    assertThat(thresholds).containsExactlyInAnyOrder(50, 80, 100);
    assertThat(receiver.quietFor(java.time.Duration.ofMillis(300))).isTrue();

    String ruleId = json(created).path("id").asText();
    List<JsonNode> history = new ArrayList<>();
    json(gw.get("/api/v1/alerts/events", gw.masterKey())).path("data").forEach(e -> {
      if (e.path("rule_id").asText().equals(ruleId)) {
        history.add(e);
      }
    });
    assertThat(history).hasSize(3);
    String eventId = history.getFirst().path("id").asText();
    JsonNode deliveries = json(gw.get("/api/v1/alerts/events/" + eventId + "/deliveries", gw.masterKey()));
    assertThat(deliveries.path("data").path(0).path("outcome").asText()).isEqualTo("delivered");
    assertThat(deliveries.path("data").path(0).path("http_status").asInt()).isEqualTo(200);
  }

  @Test
  void testEndpoint_sendsATestAlertThroughTheRulesChannels() throws Exception {
    String id = json(gw.post("/api/v1/alerts/rules", gw.masterKey(), """
        {"name": "spikes", "type": "spend_spike", "channels": [{"type": "slack", "url": "%s"}]}
        """.formatted(receiver.url("/slack")))).path("id").asText();

    HttpResponse<String> sent = gw.post("/api/v1/alerts/rules/" + id + "/test", gw.masterKey(), "{}");

    assertThat(sent.statusCode()).isEqualTo(202);
    Receiver.Hit hit = receiver.take();
    assertThat(hit.path()).isEqualTo("/slack");
    assertThat(Json.MAPPER.readTree(hit.body()).path("text").asText()).contains("Test alert from Tollgate for rule 'spikes'");
  }

  @Test
  void ruleApi_badChannel_answers400_andUnknownRule404() {
    HttpResponse<String> bad = gw.post("/api/v1/alerts/rules", gw.masterKey(),
        "{\"name\": \"x\", \"type\": \"budget_threshold\", \"channels\": [{\"type\": \"email\", \"to\": [\"not-an-address\"]}]}");
    HttpResponse<String> kind = gw.post("/api/v1/alerts/rules", gw.masterKey(),
        "{\"name\": \"x\", \"type\": \"sms\", \"channels\": []}");

    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).path("error").path("message").asText()).contains("channels[].to").contains("email addresses");
    assertThat(kind.statusCode()).isEqualTo(400);
    assertThat(gw.get("/api/v1/alerts/rules/arule_nope", gw.masterKey()).statusCode()).isEqualTo(404);
  }
}
