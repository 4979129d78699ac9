package dev.tollgate.budgets;

import static dev.tollgate.budgets.BudgetTesting.admin;
import static dev.tollgate.budgets.BudgetTesting.chat;
import static dev.tollgate.budgets.BudgetTesting.get;
import static dev.tollgate.budgets.BudgetTesting.json;
import static dev.tollgate.budgets.BudgetTesting.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.KeyService;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 concurrent requests, on four event loops, against a $1.00 budget: some succeed, some fail upstream,
 * the rest are refused. The budget holds exactly, failed requests release their reservations, and once
 * everything settled a request that fits the remainder is admitted.
 */
class BudgetConcurrencyHttpTest {
  @TempDir static Path dir;
  static FakeUpstream flaky;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    flaky = FakeUpstream.start();
    flaky.replyWith(FakeUpstream.json(500, FakeUpstream.error("upstream is down", "server_error", "internal")));
    gw = TestGateway.builder(dir).eventLoops(4).pricing(BudgetTesting.expensiveMocks())
        .model(new ModelConfig("flaky", "openai", "gpt-4o-mini", Optional.of(flaky.baseUrl() + "/v1"), Optional.of("sk-test"),
            Map.of(), Map.of()))
        .start();
  }

  @AfterAll
  static void stop() {
    gw.close();
    flaky.close();
  }

  @Test
  void twoHundredConcurrentRequests_holdTheBudget_releaseFailures_andLeaveNoPhantomReservation() throws Exception {
    KeyService.CreatedKey key = gw.createKey();
    JsonNode budget = admin(gw, "/api/v1/budgets", """
        {"name": "burst", "scope": "key", "scope_value": "%s", "period": "day", "amount_usd": "1.00", "action": "block"}
        """.formatted(key.key().id()));
    String budgetId = budget.path("id").asText();

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String model = i % 4 == 3 ? "flaky" : "mock-small";
      HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key.secret())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(chat(model, "Tell me about budget number " + i, 40))).build();
      calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int refused = 0;
    int failed = 0;
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> r = c.get(90, TimeUnit.SECONDS);
      switch (r.statusCode()) {
        case 200 -> ok++;
        case 429 -> {
          refused++;
          assertThat(json(r).path("error").path("code").asText()).isEqualTo("budget_exceeded");
          long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
          assertThat(retryAfter).isBetween(1L, 86_400L);
        }
        case 502 -> failed++;
        default -> throw new AssertionError("unexpected " + r.statusCode() + ": " + r.body());
      }
    }
    assertThat(ok).isPositive();
    assertThat(refused).isPositive();
    assertThat(failed).isPositive();

    JsonNode status = awaitSettled(budgetId);
    List<UsageRecord> rows = rowsOf(key.key().id());
    long ledger = rows.stream().mapToLong(UsageRecord::costNanos).sum();
    long largest = rows.stream().mapToLong(UsageRecord::costNanos).max().orElse(0);
    assertThat(rows).hasSize(200);
    assertThat(nanos(status.path("spent_usd"))).isEqualTo(ledger);
    assertThat(ledger).isLessThanOrEqualTo(1_000_000_000L + largest);
    assertThat(nanos(status.path("reserved_usd"))).isZero();
    assertThat(nanos(status.path("remaining_usd"))).isEqualTo(Math.max(0, 1_000_000_000L - ledger));

    // No phantom exhaustion: give the budget ten cents more; a request that fits is admitted.
    long amount = ledger + 100_000_000L;
    HttpResponse<String> patched = gw.send(gw.request("/api/v1/budgets/" + budgetId).header("Authorization", "Bearer " + gw.masterKey())
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"amount_usd\": \"" + dev.tollgate.common.Money.usd(amount) + "\"}")).build());
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(nanos(get(gw, "/api/v1/budgets/" + budgetId + "/status").path("remaining_usd"))).isEqualTo(100_000_000L);
    HttpResponse<String> fits = gw.post("/v1/chat/completions", key.secret(), chat("mock-small", "one more", 40));
    assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
    assertThat(fits.headers().firstValue("x-tollgate-budget-remaining-usd")).isPresent();
  }

  private static JsonNode awaitSettled(String budgetId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      JsonNode status = get(gw, "/api/v1/budgets/" + budgetId + "/status");
      if (nanos(status.path("reserved_usd")) == 0 || System.nanoTime() > deadline) {
        return status;
      }
      Thread.sleep(20);
    }
  }

  private static List<UsageRecord> rowsOf(String keyId) {
    gw.latestUsage(1); // flush
    UsageQuery q = UsageQuery.latest(1000);
    return gw.tollgate().usageStore().query(new UsageQuery(q.from(), q.to(), Optional.of(keyId), q.userId(), q.model(),
        q.provider(), q.endpoint(), q.tag(), q.status(), 1000, Optional.empty(), q.orgId(), q.projectId())).records();
  }
}
