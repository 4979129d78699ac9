package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.storage.Backend;
import dev.tollgate.storage.Database;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.web.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployments admin API on a real HTTP server, behind a stand-in for the admin guard that puts the scope
 * the test chose on each request (header {@code x-test-scope}: global, org, read-only).
 */
class DeploymentRoutesHttpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private record Recorded(String action, String targetType, String targetId, JsonNode before, JsonNode after) {}

  private final List<Recorded> audited = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  @TempDir
  Path dir;
  private Vertx vertx;
  private HttpServer server;
  private Deployments deployments;
  private Database db;
  private DeploymentOverrideStore store;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ModelConfig a = ModelConfig.openAiCompatible("gpt", "gpt-4o", "http://127.0.0.1:9/v1", Optional.of("sk-secret-key"))
        .withRouting(List.of("backup"), OptionalLong.of(128_000), Optional.of(Strategy.WEIGHTED))
        .asDeployment("east", 3, 0, Optional.of("us-east"));
    ModelConfig b = a.asDeployment("west", 1, 0, Optional.of("us-west"));
    deployments = new Deployments(List.of(a, b, ModelConfig.mock("backup")), RoutingConfig.ofDefaults(), new MutableClock(),
        m -> Deployments.UNPRICED, Optional.empty(), new dev.tollgate.common.EventBus());
    Audit audit = (ctx, action, type, id, before, after) -> audited.add(new Recorded(action, type, id, before.orElseThrow(), after.orElseThrow()));
    Router router = HttpRoutes.base(vertx, 1 << 20, (ctx, e) -> {});
    router.route("/api/v1/*").handler(ctx -> {
      String s = ctx.request().getHeader("x-test-scope");
      ctx.put(AdminScope.CONTEXT_KEY, switch (s == null ? "global" : s) {
        case "org" -> new AdminScope("org-admin", Optional.of("org-1"), Optional.empty(), true);
        case "read-only" -> new AdminScope("viewer", Optional.empty(), Optional.empty(), false);
        default -> AdminScope.everything("master");
      });
      ctx.next();
    });
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("overrides.duckdb")).url());
    store = new Backend.Embedded(db).deploymentOverrides();
    new DeploymentRoutes(deployments, new DeploymentOverrides(store, deployments, new MutableClock()), audit).register(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    db.close();
  }

  private HttpResponse<String> send(String method, String path, String scope, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .header("x-test-scope", scope).header("content-type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void list_showsEveryDeploymentWithoutCredentials() throws Exception {
    HttpResponse<String> resp = send("GET", "/api/v1/deployments", "read-only", null);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).doesNotContain("sk-secret-key");
    JsonNode data = MAPPER.readTree(resp.body()).path("data");
    assertThat(data).hasSize(3);
    JsonNode east = data.get(0);
    assertThat(east.path("deployment").asText()).isEqualTo("gpt/east");
    assertThat(east.path("weight").asInt()).isEqualTo(3);
    assertThat(east.path("region").asText()).isEqualTo("us-east");
    assertThat(east.path("strategy").asText()).isEqualTo("weighted");
    assertThat(east.path("fallbacks").get(0).asText()).isEqualTo("backup");
    assertThat(east.path("context_window").asLong()).isEqualTo(128_000);
    assertThat(east.path("breaker").asText()).isEqualTo("closed");
  }

  @Test
  void patch_disablesAndReweights_storesTheChange_andIsAudited() throws Exception {
    HttpResponse<String> resp = send("PATCH", "/api/v1/deployments/gpt/east", "global", "{\"enabled\":false,\"weight\":7}");
    assertThat(resp.statusCode()).isEqualTo(200);
    Deployment east = deployments.find("gpt", "east").orElseThrow();
    assertThat(east.enabled()).isFalse();
    assertThat(east.weight()).isEqualTo(7);
    assertThat(deployments.plan(east.target(), new java.util.SplittableRandom(1))).extracting(Deployment::id).containsExactly("west");
    assertThat(audited).hasSize(1);
    Recorded r = audited.getFirst();
    assertThat(r.action()).isEqualTo("deployment.update");
    assertThat(r.targetId()).isEqualTo("gpt/east");
    assertThat(r.before().path("enabled").asBoolean()).isTrue();
    assertThat(r.after().path("enabled").asBoolean()).isFalse();
    assertThat(r.after().path("weight").asInt()).isEqualTo(7);
    assertThat(store.all()).singleElement().satisfies(o -> {
      assertThat(o.model() + "/" + o.id()).isEqualTo("gpt/east");
      assertThat(o.enabled()).isFalse();
      assertThat(o.weight()).isEqualTo(7);
    });
  }

  @Test
  void patch_backToTheConfiguration_removesTheStoredOverride() throws Exception {
    assertThat(send("PATCH", "/api/v1/deployments/gpt/east", "global", "{\"weight\":9}").statusCode()).isEqualTo(200);
    assertThat(store.all()).singleElement().extracting(DeploymentOverrideStore.StoredOverride::weight).isEqualTo(9);

    HttpResponse<String> back = send("PATCH", "/api/v1/deployments/gpt/east", "global", "{\"weight\":3}");
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(MAPPER.readTree(back.body()).path("weight").asInt()).isEqualTo(MAPPER.readTree(back.body()).path("configured_weight").asInt());
    assertThat(store.all()).isEmpty();
  }

  @Test
  void patch_needsAGlobalWritableScope() throws Exception {
    HttpResponse<String> org = send("PATCH", "/api/v1/deployments/gpt/east", "org", "{\"enabled\":false}");
    assertThat(org.statusCode()).isEqualTo(403);
    assertThat(MAPPER.readTree(org.body()).at("/error/code").asText()).isEqualTo("global_scope_required");
    HttpResponse<String> readOnly = send("PATCH", "/api/v1/deployments/gpt/east", "read-only", "{\"enabled\":false}");
    assertThat(readOnly.statusCode()).isEqualTo(403);
    assertThat(deployments.find("gpt", "east").orElseThrow().enabled()).isTrue();
    assertThat(audited).isEmpty();
    assertThat(store.all()).isEmpty();
  }

  @Test
  void patch_badInput_isA400NamingTheField_andAnUnknownDeploymentA404() throws Exception {
    HttpResponse<String> weight = send("PATCH", "/api/v1/deployments/gpt/east", "global", "{\"weight\":-1}");
    assertThat(weight.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(weight.body()).at("/error/message").asText()).contains("weight: -1 (expected: an integer 0..1000000)");
    HttpResponse<String> unknown = send("PATCH", "/api/v1/deployments/gpt/east", "global", "{\"colour\":\"red\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    HttpResponse<String> missing = send("PATCH", "/api/v1/deployments/gpt/nowhere", "global", "{\"enabled\":true}");
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void health_showsBreakerErrorRateLatencyAndInFlight_perDeploymentAndProvider() throws Exception {
    Deployment east = deployments.find("gpt", "east").orElseThrow();
    east.started();
    east.succeeded(120);
    east.started();
    east.failed();
    east.started(); // still in flight
    HttpResponse<String> resp = send("GET", "/api/v1/providers/health", "read-only", null);
    assertThat(resp.statusCode()).isEqualTo(200);
    JsonNode body = MAPPER.readTree(resp.body());
    JsonNode row = body.path("deployments").get(0);
    assertThat(row.path("deployment").asText()).isEqualTo("gpt/east");
    assertThat(row.path("in_flight").asInt()).isEqualTo(1);
    assertThat(row.path("latency_ewma_ms").asDouble()).isEqualTo(120.0);
    assertThat(row.path("recent_error_rate").asDouble()).isEqualTo(0.5);
    assertThat(row.path("breaker").asText()).isEqualTo("closed");
    JsonNode provider = body.path("providers").get(0);
    assertThat(provider.path("provider").asText()).isEqualTo("openai-compatible");
    assertThat(provider.path("deployments").asInt()).isEqualTo(2);
    assertThat(provider.path("in_flight").asInt()).isEqualTo(1);
  }
}
