package dev.tollgate.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.common.EventBus;
import dev.tollgate.common.Json;
import dev.tollgate.web.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant scoping of the budget routes through {@link AdminScope}: a real HTTP server whose guard puts the
 * scope named by a test header on the request (the tenancy engineer's guard does it from the caller's key).
 */
class BudgetRoutesScopeTest {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> audited = new CopyOnWriteArrayList<>();
  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final Budgets budgets = new Budgets(new BudgetsEventsTest.MemoryStore(), new InMemoryBudgetCounters(clock),
      BudgetsConfig.ofDefaults(), new EventBus(), clock, BudgetsEventsTest::noLedger);
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    Router router = HttpRoutes.base(vertx, 1 << 20, (ctx, e) -> {});
    router.route("/api/v1/*").handler(ctx -> {
      String who = ctx.request().getHeader("x-test-scope");
      ctx.put(AdminScope.CONTEXT_KEY, switch (who) {
        case "org1-admin" -> new AdminScope("alice", Optional.of("org_1"), Optional.empty(), true);
        case "org1-viewer" -> new AdminScope("vic", Optional.of("org_1"), Optional.empty(), false);
        case "org2-admin" -> new AdminScope("bob", Optional.of("org_2"), Optional.empty(), true);
        default -> AdminScope.everything("master");
      });
      ctx.next();
    });
    Audit audit = (ctx, action, type, id, before, after) -> audited.add(action + " " + id + " by " + AdminScope.of(ctx).actor());
    new BudgetRoutes(budgets, (kind, id) -> switch (kind + ":" + id) { // proj_1 is a project of org_1
      case "project:proj_1" -> Optional.of(new dev.tollgate.auth.Ownership.Owner(Optional.of("org_1"), Optional.of("proj_1")));
      case "org:org_1", "org:org_2" -> Optional.of(new dev.tollgate.auth.Ownership.Owner(Optional.of(id), Optional.empty()));
      default -> Optional.empty();
    }, audit, clock).register(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> call(String who, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .header("x-test-scope", who).header("content-type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final String PROJECT_BUDGET = "{\"name\": \"p\", \"scope\": \"project\", \"scope_value\": \"proj_1\", \"amount_usd\": \"10\"}";

  @Test
  void tenantCreates_inItsOwnOrg_andOtherTenantsNeitherSeeNorChangeIt() throws Exception {
    HttpResponse<String> created = call("org1-admin", "POST", "/api/v1/budgets", PROJECT_BUDGET);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode b = Json.MAPPER.readTree(created.body());
    String id = b.path("id").asText();
    assertThat(b.path("org_id").asText()).isEqualTo("org_1");
    assertThat(b.path("project_id").asText()).isEqualTo("proj_1");

    assertThat(Json.MAPPER.readTree(call("org2-admin", "GET", "/api/v1/budgets", null).body()).path("data")).isEmpty();
    assertThat(Json.MAPPER.readTree(call("org1-viewer", "GET", "/api/v1/budgets", null).body()).path("data")).hasSize(1);
    assertThat(Json.MAPPER.readTree(call("master", "GET", "/api/v1/budgets", null).body()).path("data")).hasSize(1);
    assertThat(call("org2-admin", "GET", "/api/v1/budgets/" + id, null).statusCode()).isEqualTo(404);
    assertThat(call("org2-admin", "GET", "/api/v1/budgets/" + id + "/status", null).statusCode()).isEqualTo(404);
    assertThat(call("org2-admin", "DELETE", "/api/v1/budgets/" + id, null).statusCode()).isEqualTo(404);
    assertThat(call("org1-viewer", "PATCH", "/api/v1/budgets/" + id, "{\"amount_usd\": \"1\"}").statusCode()).isEqualTo(403);
    assertThat(call("org1-viewer", "POST", "/api/v1/budgets", PROJECT_BUDGET).statusCode()).isEqualTo(403);

    HttpResponse<String> patched = call("org1-admin", "PATCH", "/api/v1/budgets/" + id, "{\"amount_usd\": \"12.5\", \"org_id\": \"org_2\"}");
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(patched.body()).path("amount_usd").asText()).isEqualTo("12.500000000");
    assertThat(Json.MAPPER.readTree(patched.body()).path("org_id").asText()).isEqualTo("org_1"); // ownership cannot be patched away
    assertThat(call("org1-admin", "DELETE", "/api/v1/budgets/" + id, null).statusCode()).isEqualTo(200);

    assertThat(audited).containsExactly("budget.create " + id + " by alice", "budget.update " + id + " by alice",
        "budget.delete " + id + " by alice");
  }

  @Test
  void tenant_cannotCreateForAnotherOrg() throws Exception {
    HttpResponse<String> r = call("org1-admin", "POST", "/api/v1/budgets",
        "{\"name\": \"o\", \"scope\": \"org\", \"scope_value\": \"org_2\", \"amount_usd\": \"10\"}");

    // another tenant's org answers exactly like one that does not exist (docs/tenancy.md)
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(r.body()).path("error").path("message").asText()).contains("org_2");
  }
}
