package dev.tollgate.budgets;

import static dev.tollgate.budgets.BudgetTesting.admin;
import static dev.tollgate.budgets.BudgetTesting.chat;
import static dev.tollgate.budgets.BudgetTesting.get;
import static dev.tollgate.budgets.BudgetTesting.json;
import static dev.tollgate.budgets.BudgetTesting.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Block, downgrade and the output cap, on every surface, through the real gateway. */
class BudgetActionsHttpTest {
  @TempDir static Path dir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.builder(dir).pricing(BudgetTesting.expensiveMocks()).start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String budget(String keyId, String amount, String action, String extra) {
    return admin(gw, "/api/v1/budgets", """
        {"name": "b-%s", "scope": "key", "scope_value": "%s", "period": "month", "amount_usd": "%s", "action": "%s"%s}
        """.formatted(action, keyId, amount, action, extra)).path("id").asText();
  }

  @Test
  void blockBudget_spent_refusesEverySurfaceWith429InTheCallersDialect() {
    KeyService.CreatedKey key = gw.createKey();
    budget(key.key().id(), "0", "block", "");

    HttpResponse<String> chatResp = gw.post("/v1/chat/completions", key.secret(), chat("mock-small", "hi", 10));
    HttpResponse<String> embed = gw.post("/v1/embeddings", key.secret(), "{\"model\": \"mock-embed\", \"input\": \"hello\"}");
    HttpResponse<String> completions = gw.post("/v1/completions", key.secret(), "{\"model\": \"mock-small\", \"prompt\": \"hi\", \"max_tokens\": 5}");
    HttpResponse<String> messages = gw.post("/v1/messages", key.secret(),
        "{\"model\": \"mock-small\", \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

    for (HttpResponse<String> r : new HttpResponse[] {chatResp, embed, completions}) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      JsonNode err = json(r).path("error");
      assertThat(err.path("code").asText()).isEqualTo("budget_exceeded");
      assertThat(err.path("type").asText()).isEqualTo("rate_limit_error");
      assertThat(err.path("message").asText()).contains("b-block").contains("resets at");
      assertThat(Long.parseLong(r.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 31L * 86_400);
    }
    assertThat(messages.statusCode()).isEqualTo(429);
    assertThat(json(messages).path("type").asText()).isEqualTo("error");
    assertThat(json(messages).path("error").path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(messages.headers().firstValue("retry-after")).isPresent();
  }

  @Test
  void downgradeBudget_spent_servesTheCheaperModelAndSaysSo() {
    KeyService.CreatedKey key = gw.createKey();
    budget(key.key().id(), "0", "downgrade", ", \"downgrade_to\": \"mock-small\"");

    HttpResponse<String> r = gw.post("/v1/chat/completions", key.secret(), chat("mock-large", "hello there", 20));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-tollgate-downgraded-from")).contains("mock-large");
    assertThat(json(r).path("model").asText()).isEqualTo("mock-small");
  }

  @Test
  void remainderPaysPartOfTheOutput_capsMaxTokens_soTheProviderStopsAtTheLimit() {
    KeyService.CreatedKey key = gw.createKey();
    String id = budget(key.key().id(), "0.02", "block", "");

    HttpResponse<String> r = gw.post("/v1/chat/completions", key.secret(), chat("mock-small", "tell me a long story", 200));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
    assertThat(body.path("usage").path("completion_tokens").asLong()).isLessThan(20);
    long spent = nanos(awaitSpent(id).path("spent_usd"));
    assertThat(spent).isPositive().isLessThanOrEqualTo(20_000_000L);

    HttpResponse<String> next = gw.post("/v1/chat/completions", key.secret(), chat("mock-small", "and another", 200));
    assertThat(next.statusCode()).isEqualTo(429);
  }

  @Test
  void remainderPaysPartOfTheOutput_streamStopsWithFinishReasonLength() {
    KeyService.CreatedKey key = gw.createKey();
    String id = budget(key.key().id(), "0.02", "block", "");

    HttpResponse<String> r = gw.post("/v1/chat/completions", key.secret(),
        "{\"model\": \"mock-small\", \"stream\": true, \"max_tokens\": 200, \"messages\": [{\"role\": \"user\", \"content\": \"tell me a long story\"}]}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"finish_reason\":\"length\"").contains("data: [DONE]");
    assertThat(nanos(awaitSpent(id).path("spent_usd"))).isPositive().isLessThanOrEqualTo(20_000_000L);
  }

  @Test
  void alertOnlyBudget_spent_stillServes() {
    KeyService.CreatedKey key = gw.createKey();
    String id = budget(key.key().id(), "0", "alert-only", "");

    HttpResponse<String> r = gw.post("/v1/chat/completions", key.secret(), chat("mock-small", "hi", 10));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(nanos(awaitSpent(id).path("spent_usd"))).isPositive();
    String metrics = gw.send(gw.request("/metrics").GET().build()).body();
    // spent / amount with an amount of 0 is reported as 0; the series exists per budget
    assertThat(metrics).contains("tollgate_budget_utilisation{budget=\"" + id + "\"}");
  }

  @Test
  void utilisationGauge_isSpentOverAmount() {
    KeyService.CreatedKey key = gw.createKey();
    String id = budget(key.key().id(), "1.00", "block", "");

    HttpResponse<String> r = gw.post("/v1/chat/completions", key.secret(), chat("mock-small", "hi", 10));

    assertThat(r.statusCode()).isEqualTo(200);
    long spent = nanos(awaitSpent(id).path("spent_usd"));
    String line = gw.send(gw.request("/metrics").GET().build()).body().lines()
        .filter(l -> l.startsWith("tollgate_budget_utilisation{budget=\"" + id + "\"}")).findFirst().orElseThrow();
    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    assertThat(value).isCloseTo(spent / 1e9, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void budgetApi_badInput_answers400NamingTheField() {
    HttpResponse<String> r = gw.post("/api/v1/budgets", gw.masterKey(),
        "{\"name\": \"x\", \"scope\": \"key\", \"scope_value\": \"k\", \"amount_usd\": \"-5\"}");
    HttpResponse<String> period = gw.post("/api/v1/budgets", gw.masterKey(),
        "{\"name\": \"x\", \"scope\": \"key\", \"scope_value\": \"k\", \"amount_usd\": \"5\", \"period\": \"year\"}");
    HttpResponse<String> missing = gw.get("/api/v1/budgets/budget_nope/status", gw.masterKey());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("message").asText()).isEqualTo("amount_usd: -5 (expected: >= 0)");
    assertThat(json(period).path("error").path("message").asText()).contains("period: year");
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  private static JsonNode awaitSpent(String id) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      JsonNode s = get(gw, "/api/v1/budgets/" + id + "/status");
      if ((nanos(s.path("spent_usd")) > 0 && nanos(s.path("reserved_usd")) == 0) || System.nanoTime() > deadline) {
        return s;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
