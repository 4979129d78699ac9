package dev.tollgate.budgets;

import static dev.tollgate.budgets.BudgetTesting.admin;
import static dev.tollgate.budgets.BudgetTesting.chat;
import static dev.tollgate.budgets.BudgetTesting.get;
import static dev.tollgate.budgets.BudgetTesting.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daily budget in Asia/Tokyo (UTC+9) rolls over at Tokyo midnight (15:00 UTC), not at UTC midnight;
 * Retry-After counts down to it; and a restart restores the current period's spend from the ledger.
 */
class BudgetPeriodRolloverHttpTest {
  @TempDir Path dir;

  @Test
  void dailyBudget_inTokyo_resetsAtLocalMidnight_andSurvivesARestart() {
    SettableClock clock = new SettableClock(Instant.parse("2026-11-22T14:00:00Z")); // 23:00 in Tokyo
    BudgetsConfig tokyo = BudgetsConfig.ofDefaults().withTimeZone(ZoneId.of("Asia/Tokyo"));
    String budgetId;
    String secret;
    long spentAfterMidnight;
    try (TestGateway gw = TestGateway.builder(dir).clock(clock).budgets(tokyo).pricing(BudgetTesting.expensiveMocks()).start()) {
      KeyService.CreatedKey key = gw.createKey();
      secret = key.secret();
      budgetId = admin(gw, "/api/v1/budgets", """
          {"name": "daily", "scope": "key", "scope_value": "%s", "period": "day", "amount_usd": "0.05"}
          """.formatted(key.key().id())).path("id").asText();
      assertThat(get(gw, "/api/v1/budgets/" + budgetId + "/status").path("period_key").asText()).isEqualTo("2026-11-22");

      HttpResponse<String> r = null;
      for (int i = 0; i < 20; i++) {
        r = gw.post("/v1/chat/completions", secret, chat("mock-small", "request " + i, 20));
        if (r.statusCode() == 429) {
          break;
        }
        assertThat(r.statusCode()).isEqualTo(200);
      }
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("retry-after")).contains("3600"); // until 00:00 in Tokyo
      assertThat(BudgetTesting.json(r).path("error").path("message").asText()).contains("2026-11-23T00:00:00+09:00");

      clock.advance(Duration.ofHours(1)); // 15:00 UTC: a new day in Tokyo, still the 22nd in UTC
      HttpResponse<String> next = gw.post("/v1/chat/completions", secret, chat("mock-small", "new day", 20));
      assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
      JsonNode status = get(gw, "/api/v1/budgets/" + budgetId + "/status");
      assertThat(status.path("period_key").asText()).isEqualTo("2026-11-23");
      assertThat(status.path("period_start").asText()).isEqualTo("2026-11-22T15:00:00Z");
      spentAfterMidnight = nanos(status.path("spent_usd"));
      // only the request after midnight counts in the new period
      assertThat(spentAfterMidnight).isPositive()
          .isEqualTo(new java.math.BigDecimal(next.headers().firstValue("x-tollgate-cost-usd").orElseThrow()).movePointRight(9).longValueExact());
      gw.latestUsage(1); // flush the ledger
    }

    clock.advance(Duration.ofMinutes(5));
    try (TestGateway again = TestGateway.builder(dir).clock(clock).budgets(tokyo).pricing(BudgetTesting.expensiveMocks()).start()) {
      JsonNode status = get(again, "/api/v1/budgets/" + budgetId + "/status");
      assertThat(nanos(status.path("spent_usd"))).isEqualTo(spentAfterMidnight);
      assertThat(nanos(status.path("reserved_usd"))).isZero();
    }
  }
}
