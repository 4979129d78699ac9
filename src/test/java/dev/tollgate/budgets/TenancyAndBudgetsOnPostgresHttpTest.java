package dev.tollgate.budgets;

import static dev.tollgate.budgets.BudgetTesting.chat;
import static dev.tollgate.budgets.BudgetTesting.json;
import static dev.tollgate.budgets.BudgetTesting.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.testing.PostgresSchema;
import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenancy and budgets in cluster mode, through HTTP, on a real PostgreSQL schema: a user logs in, creates an
 * org, a project, a key in it and budgets on them, and calls a model with the key. Everything lands in
 * PostgreSQL (read back directly), a block budget is enforced, and a gateway restarted on the same schema
 * knows the user, the session's signing key and the budget's spend (summed from the PostgreSQL ledger).
 */
@RequiresPostgres
class TenancyAndBudgetsOnPostgresHttpTest {
  private static final String EMAIL = "owner@pg.example";
  private static final String PASSWORD = "pg-s3cret-enough";
  @TempDir Path dir;

  private static TestGateway start(Path dir, PostgresSchema schema) {
    return TestGateway.builder(dir).store(new StoreConfig(schema.url())).pricing(BudgetTesting.expensiveMocks()).start();
  }

  private static JsonNode created(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  @Test
  void aLoggedInUser_createsOrgProjectKeyAndBudgets_callsAModel_andARestartKeepsItAll() throws Exception {
    try (PostgresSchema schema = PostgresSchema.create()) {
      String keyId;
      String projectBudget;
      long spent;
      String orgId;
      String projectId;
      try (TestGateway gw = start(dir.resolve("first"), schema)) {
        gw.createUser(EMAIL, PASSWORD, "[{\"role\":\"owner\"}]");
        String token = gw.login(EMAIL, PASSWORD);

        orgId = created(gw.post("/api/v1/orgs", token, "{\"name\":\"pg-acme\"}")).path("id").asText();
        projectId = created(gw.post("/api/v1/projects", token, "{\"name\":\"search\",\"org_id\":\"" + orgId + "\"}"))
            .path("id").asText();
        JsonNode key = created(gw.post("/api/v1/keys", token, "{\"name\":\"search-prod\",\"project_id\":\"" + projectId
            + "\",\"rpm_limit\":100,\"metadata\":{\"team\":\"search\"},\"tags\":[\"prod\"]}"));
        keyId = key.path("id").asText();
        String secret = key.path("key").asText();
        projectBudget = created(gw.post("/api/v1/budgets", token, """
            {"name": "search-month", "scope": "project", "scope_value": "%s", "period": "month", "amount_usd": "1000", "action": "block"}
            """.formatted(projectId))).path("id").asText();

        HttpResponse<String> call = gw.post("/v1/chat/completions", secret, chat("mock-small", "hello from postgres", 20));
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        String requestId = call.headers().firstValue("x-request-id").orElseThrow();
        assertThat(gw.awaitUsage(requestId).projectId()).contains(projectId);
        spent = awaitSettled(gw, token, projectBudget);
        assertThat(spent).isPositive();

        // a second budget, on the key, already spent: the next call is refused
        created(gw.post("/api/v1/budgets", token, """
            {"name": "key-zero", "scope": "key", "scope_value": "%s", "period": "day", "amount_usd": "0", "action": "block"}
            """.formatted(keyId)));
        HttpResponse<String> refused = gw.post("/v1/chat/completions", secret, chat("mock-small", "again", 20));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(json(refused).path("error").path("code").asText()).isEqualTo("budget_exceeded");
      }

      // what PostgreSQL holds, read directly
      try (Connection c = schema.connect(); Statement st = c.createStatement()) {
        assertThat(rows(st, "SELECT name FROM orgs WHERE id = '" + orgId + "'")).containsExactly("pg-acme");
        assertThat(rows(st, "SELECT org_id || '/' || project_id || ' ' || (metadata->>'team') || ' ' || tags::text || ' ' || rpm_limit "
            + "FROM api_keys WHERE id = '" + keyId + "'")).containsExactly(orgId + "/" + projectId + " search [\"prod\"] 100");
        assertThat(rows(st, "SELECT scope FROM (SELECT spec->>'scope' AS scope, created_at FROM budgets) b ORDER BY created_at"))
            .containsExactly("project", "key");
        assertThat(rows(st, "SELECT project_id FROM usage WHERE status = 200 AND key_id = '" + keyId + "'")).containsExactly(projectId);
        assertThat(rows(st, "SELECT action FROM audit_log WHERE actor LIKE 'user_%' ORDER BY seq"))
            .containsSubsequence("org.create", "project.create", "key.create", "budget.create", "budget.create");
      }

      // a restart on the same schema: the user logs in again, and the budget's spend comes back from the ledger
      try (TestGateway again = start(dir.resolve("second"), schema)) {
        String token = again.login(EMAIL, PASSWORD);
        JsonNode status = json(again.get("/api/v1/budgets/" + projectBudget + "/status", token));
        assertThat(nanos(status.path("spent_usd"))).isEqualTo(spent);
        assertThat(json(again.get("/api/v1/keys/" + keyId, token)).path("project_id").asText()).isEqualTo(projectId);
      }
    }
  }

  private static long awaitSettled(TestGateway gw, String token, String budgetId) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      JsonNode s = json(gw.get("/api/v1/budgets/" + budgetId + "/status", token));
      if ((nanos(s.path("spent_usd")) > 0 && nanos(s.path("reserved_usd")) == 0) || System.nanoTime() > deadline) {
        return nanos(s.path("spent_usd"));
      }
      Thread.sleep(20);
    }
  }

  private static List<String> rows(Statement st, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
