package dev.tollgate.budgets;

import static dev.tollgate.budgets.BudgetTesting.admin;
import static dev.tollgate.budgets.BudgetTesting.chat;
import static dev.tollgate.budgets.BudgetTesting.get;
import static dev.tollgate.budgets.BudgetTesting.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.KeyService;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model without a price never spends a budget for free: budgets count the conservative estimate. */
class UnpricedBudgetHttpTest {
  @TempDir Path dir;

  @Test
  void unpricedModel_isChargedItsEstimate_notZero_alsoAfterARestart() throws Exception {
    try (FakeUpstream upstream = FakeUpstream.start()) {
      upstream.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("mystery-model-x", "hello", 9, 4)));
      ModelConfig mystery = new ModelConfig("mystery", "openai", "mystery-model-x", Optional.of(upstream.baseUrl() + "/v1"),
          Optional.of("sk-test"), Map.of(), Map.of());
      String id;
      long spentLive;
      try (TestGateway gw = TestGateway.builder(dir).model(mystery).start()) {
        KeyService.CreatedKey key = gw.createKey();
        id = admin(gw, "/api/v1/budgets", """
            {"name": "u", "scope": "key", "scope_value": "%s", "amount_usd": "10", "action": "alert-only"}
            """.formatted(key.key().id())).path("id").asText();

        HttpResponse<String> r = gw.post("/v1/chat/completions", key.secret(), chat("mystery", "hi", 10), "req-unpriced-1");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        UsageRecord row = gw.awaitUsage("req-unpriced-1");
        assertThat(row.flags()).contains(UsageFlag.UNPRICED);
        assertThat(row.costNanos()).isZero();
        JsonNode status = get(gw, "/api/v1/budgets/" + id + "/status");
        spentLive = nanos(status.path("spent_usd"));
        assertThat(spentLive).isPositive();
      }
      // in-memory counters start empty: the restore from the ledger prices the unpriced row as admission did
      try (TestGateway again = TestGateway.builder(dir).model(mystery).start()) {
        assertThat(nanos(get(again, "/api/v1/budgets/" + id + "/status").path("spent_usd"))).isEqualTo(spentLive);
      }
    }
  }
}
