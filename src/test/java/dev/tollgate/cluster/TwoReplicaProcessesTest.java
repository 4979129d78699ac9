package dev.tollgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.ExternalServices;
import dev.tollgate.testing.PostgresSchema;
import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.testing.RequiresRedis;
import dev.tollgate.testing.TollgateProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code tollgate serve} processes, started at the same moment on one fresh PostgreSQL schema
 * and one Redis prefix, configured only by YAML: they migrate once between them, a key created on one is
 * usable on the other, a revocation on the other is enforced on the first, a price override added on one
 * prices the other's requests, a deployment disabled on one is disabled on the other, and concurrent traffic
 * split over both lands in the one ledger exactly once.
 */
@RequiresPostgres
@RequiresRedis
class TwoReplicaProcessesTest {
  private static final String MASTER = "tg-master-two-processes-0123456789";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  private Path config(String name, PostgresSchema schema, RedisFixture fx) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        server:
          port: %d
          event-loops: 1
        store:
          url: "%s"
        usage:
          journal-dir: "%s"
        redis:
          url: "%s"
          key-prefix: "%s"
        log:
          level: warn
        """.formatted(TollgateProcess.freePort(), schema.url(), dir.resolve(name + "-journal"), ExternalServices.REDIS_URL, fx.prefix));
    return file;
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void twoProcesses_shareKeysAndOneLedger() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (PostgresSchema schema = PostgresSchema.create(); RedisFixture fx = new RedisFixture()) {
      Path ca = config("a", schema, fx);
      Path cb = config("b", schema, fx);
      Map<String, String> env = Map.of("TOLLGATE_MASTER_KEY", MASTER);
      Future<TollgateProcess> fa = pool.submit(() -> TollgateProcess.start(ca, env));
      Future<TollgateProcess> fb = pool.submit(() -> TollgateProcess.start(cb, env));
      try (TollgateProcess a = fa.get(); TollgateProcess b = fb.get()) {
        HttpResponse<String> created = post(a, "/api/v1/keys", MASTER, "{\"name\":\"team-search\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode key = Json.MAPPER.readTree(created.body());
        String secret = key.path("key").asText();
        awaitTrue(() -> chat(b, secret).statusCode() == 200, Duration.ofSeconds(15));

        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          TollgateProcess target = i % 2 == 0 ? a : b;
          calls.add(pool.submit((Callable<String>) () -> {
            HttpResponse<String> r = chat(target, secret);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return r.headers().firstValue("x-request-id").orElseThrow();
          }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : calls) {
          ids.add(f.get(60, TimeUnit.SECONDS));
        }

        HttpResponse<String> revoked = post(b, "/api/v1/keys/" + key.path("id").asText() + "/revoke", MASTER, "{}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        awaitTrue(() -> chat(a, secret).statusCode() == 401, Duration.ofSeconds(15));

        // a price override made on one replica prices requests on the other
        HttpResponse<String> price = post(a, "/api/v1/prices/overrides", MASTER, """
            {"provider": "mock", "model": "mock-small", "effective-from": "2026-01-01", "input-per-million": "7.00", "output-per-million": "9.00"}""");
        assertThat(price.statusCode()).as(price.body()).isEqualTo(201);
        awaitTrue(() -> inputPerMillion(b).equals("7"), Duration.ofSeconds(15));

        // a deployment disabled on one replica is disabled on the other, and enabled again from the other
        JsonNode small = null;
        for (JsonNode d : Json.MAPPER.readTree(get(a, "/api/v1/deployments").body()).path("data")) {
          small = d.path("model").asText().equals("mock-small") ? d : small;
        }
        assertThat(small).isNotNull();
        String deployment = "/api/v1/deployments/mock-small/" + small.path("id").asText();
        HttpResponse<String> disabled = send(a, "PATCH", deployment, "{\"enabled\": false}");
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        awaitTrue(() -> chat(b, MASTER).statusCode() == 503, Duration.ofSeconds(15));
        HttpResponse<String> enabled = send(b, "PATCH", deployment, "{\"enabled\": true}");
        assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
        awaitTrue(() -> chat(a, MASTER).statusCode() == 200, Duration.ofSeconds(15));

        // a user created on one replica logs in on the other; a logout on the first ends the session on both
        HttpResponse<String> user = post(a, "/api/v1/users", MASTER, """
            {"email": "ops@replicas.example", "password": "correct-horse-1", "roles": [{"role": "owner", "org_id": "org_default"}]}""");
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        String login = "{\"email\": \"ops@replicas.example\", \"password\": \"correct-horse-1\"}";
        awaitTrue(() -> post(b, "/api/v1/auth/login", "none", login).statusCode() == 200, Duration.ofSeconds(15));
        String token = Json.MAPPER.readTree(post(b, "/api/v1/auth/login", "none", login).body()).path("token").asText();
        assertThat(getAs(a, "/api/v1/keys", token).statusCode()).isEqualTo(200);
        HttpResponse<String> logout = post(a, "/api/v1/auth/logout", token, "{}");
        assertThat(logout.statusCode()).as(logout.body()).isBetween(200, 204);
        awaitTrue(() -> getAs(b, "/api/v1/keys", token).statusCode() == 401, Duration.ofSeconds(15));

        for (TollgateProcess t : List.of(a, b)) {
          JsonNode health = Json.MAPPER.readTree(get(t, "/health").body());
          assertThat(health.path("checks").path("redis").asText()).isEqualTo("ok");
          assertThat(health.path("checks").path("store").asText()).isEqualTo("ok");
        }

        // both writers flush within their flush interval; the ledger read through either replica is the same
        awaitTrue(() -> ledger(a).keySet().containsAll(ids), Duration.ofSeconds(30));
        Map<String, Integer> rows = ledger(b);
        for (String id : ids) {
          assertThat(rows.get(id)).as("rows of %s", id).isEqualTo(1);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The budgets issue's concurrency test split over two processes: a $1.00 block budget created on one
   * replica and an RPM limit created on the other hold exactly across both under concurrent requests sent to
   * both; the ledger both wrote equals the shared counter.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void twoProcesses_holdOneBudgetAndOneRateLimitExactly() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (PostgresSchema schema = PostgresSchema.create(); RedisFixture fx = new RedisFixture()) {
      Path ca = config("a", schema, fx);
      Path cb = config("b", schema, fx);
      Map<String, String> env = Map.of("TOLLGATE_MASTER_KEY", MASTER);
      Future<TollgateProcess> fa = pool.submit(() -> TollgateProcess.start(ca, env));
      Future<TollgateProcess> fb = pool.submit(() -> TollgateProcess.start(cb, env));
      try (TollgateProcess a = fa.get(); TollgateProcess b = fb.get()) {
        // mock-small at $100 / $1000 per million tokens (about two to four cents a request), set on a, used by b
        HttpResponse<String> price = post(a, "/api/v1/prices/overrides", MASTER, """
            {"provider": "mock", "model": "mock-small", "effective-from": "2026-01-01", "input-per-million": "100", "output-per-million": "1000"}""");
        assertThat(price.statusCode()).as(price.body()).isEqualTo(201);
        awaitTrue(() -> inputPerMillion(b).equals("100"), Duration.ofSeconds(15));
        JsonNode spender = Json.MAPPER.readTree(post(a, "/api/v1/keys", MASTER, "{\"name\":\"spender\"}").body());
        JsonNode burster = Json.MAPPER.readTree(post(a, "/api/v1/keys", MASTER, "{\"name\":\"burster\"}").body());

        // definitions made on b reach a through the invalidation channel
        HttpResponse<String> budget = post(b, "/api/v1/budgets", MASTER, """
            {"name": "shared", "scope": "key", "scope_value": "%s", "period": "day", "amount_usd": "1.00", "action": "block"}
            """.formatted(spender.path("id").asText()));
        assertThat(budget.statusCode()).as(budget.body()).isEqualTo(201);
        String budgetId = Json.MAPPER.readTree(budget.body()).path("id").asText();
        HttpResponse<String> rule = post(b, "/api/v1/rate-limits", MASTER,
            "{\"scope\": \"key\", \"scope_value\": \"" + burster.path("id").asText() + "\", \"rpm\": 5}");
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        String ruleId = Json.MAPPER.readTree(rule.body()).path("id").asText();
        HttpResponse<String> alert = post(b, "/api/v1/alerts/rules", MASTER, "{\"name\":\"half\",\"type\":\"budget_threshold\","
            + "\"budget_id\":\"" + budgetId + "\",\"channels\":[{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/alerts\"}]}");
        assertThat(alert.statusCode()).as(alert.body()).isEqualTo(201);
        String alertId = Json.MAPPER.readTree(alert.body()).path("id").asText();
        awaitTrue(() -> get(a, "/api/v1/budgets/" + budgetId).statusCode() == 200
            && get(a, "/api/v1/rate-limits/" + ruleId).statusCode() == 200
            && get(a, "/api/v1/alerts/rules/" + alertId).statusCode() == 200, Duration.ofSeconds(15));
        awaitTrue(() -> get(b, "/api/v1/keys/" + spender.path("id").asText()).statusCode() == 200
            && get(b, "/api/v1/keys/" + burster.path("id").asText()).statusCode() == 200, Duration.ofSeconds(15));

        // 80 concurrent requests against $1.00, alternating between the replicas
        String secret = spender.path("key").asText();
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
          TollgateProcess target = i % 2 == 0 ? a : b;
          String body = "{\"model\":\"mock-small\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"budget " + i + "\"}]}";
          calls.add(pool.submit(() -> post(target, "/v1/chat/completions", secret, body)));
        }
        int ok = 0;
        int refused = 0;
        for (Future<HttpResponse<String>> f : calls) {
          HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
          if (r.statusCode() == 200) {
            ok++;
          } else {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("budget_exceeded");
            refused++;
          }
        }
        assertThat(ok).isPositive();
        assertThat(refused).as("$1.00 cannot pay for 80 requests of a few cents").isPositive();

        JsonNode status = awaitNoReservation(a, budgetId);
        long counted = nanos(status.path("spent_usd"));
        List<JsonNode> rows = new ArrayList<>();
        int served = ok;
        awaitTrue(() -> {
          rows.clear();
          rows.addAll(ledgerRows(b, spender.path("id").asText()));
          return rows.stream().filter(r -> r.path("status").asInt() == 200).count() == served;
        }, Duration.ofSeconds(30));
        long ledger = rows.stream().mapToLong(r -> r.path("cost_nanos").asLong()).sum();
        long largest = rows.stream().mapToLong(r -> r.path("cost_nanos").asLong()).max().orElseThrow();
        assertThat(counted).as("the shared counter equals the one ledger both replicas wrote").isEqualTo(ledger);
        assertThat(ledger).as("settled spend within the budget plus one request").isLessThanOrEqualTo(1_000_000_000L + largest);
        assertThat(nanos(Json.MAPPER.readTree(get(b, "/api/v1/budgets/" + budgetId + "/status").body()).path("spent_usd")))
            .isEqualTo(counted);

        // 24 concurrent requests against 5 per minute, alternating between the replicas: exactly 5 admitted
        String burst = burster.path("key").asText();
        List<Future<Integer>> bursts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
          TollgateProcess target = i % 2 == 0 ? a : b;
          bursts.add(pool.submit(() -> chat(target, burst).statusCode()));
        }
        Map<Integer, Integer> statuses = new HashMap<>();
        for (Future<Integer> f : bursts) {
          statuses.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
        }
        assertThat(statuses).as("rpm 5 across both replicas").isEqualTo(Map.of(200, 5, 429, 19));

        // the rule deleted on a stops being enforced on b
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(a.baseUrl() + "/api/v1/rate-limits/" + ruleId))
            .header("authorization", "Bearer " + MASTER).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode() / 100).as(deleted.body()).isEqualTo(2);
        awaitTrue(() -> chat(b, burst).statusCode() == 200, Duration.ofSeconds(15));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private JsonNode awaitNoReservation(TollgateProcess t, String budgetId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      JsonNode status = Json.MAPPER.readTree(get(t, "/api/v1/budgets/" + budgetId + "/status").body());
      if (nanos(status.path("reserved_usd")) == 0) {
        return status;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("reservations still open: " + status);
      }
      Thread.sleep(50);
    }
  }

  private List<JsonNode> ledgerRows(TollgateProcess t, String keyId) {
    try {
      HttpResponse<String> resp = get(t, "/api/v1/usage?limit=1000&key_id=" + keyId);
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      List<JsonNode> out = new ArrayList<>();
      Json.MAPPER.readTree(resp.body()).get("data").forEach(out::add);
      return out;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long nanos(JsonNode usd) {
    return new java.math.BigDecimal(usd.asText()).movePointRight(9).longValueExact();
  }

  private Map<String, Integer> ledger(TollgateProcess t) {
    Map<String, Integer> seen = new HashMap<>();
    String cursor = null;
    try {
      do {
        String url = t.baseUrl() + "/api/v1/usage?limit=1000"
            + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url)).header("authorization", "Bearer " + MASTER)
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        JsonNode page = Json.MAPPER.readTree(resp.body());
        for (JsonNode row : page.get("data")) {
          seen.merge(row.get("request_id").asText(), 1, Integer::sum);
        }
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      } while (cursor != null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return seen;
  }

  private String inputPerMillion(TollgateProcess t) {
    try {
      return Json.MAPPER.readTree(get(t, "/api/v1/prices?model=mock-small&provider=mock").body())
          .path("current").path("tiers").get(0).path("standard").path("input_per_million").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> get(TollgateProcess t, String path) {
    return getAs(t, path, MASTER);
  }

  private HttpResponse<String> getAs(TollgateProcess t, String path, String credential) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).timeout(Duration.ofSeconds(30))
          .header("authorization", "Bearer " + credential).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> chat(TollgateProcess t, String key) {
    return post(t, "/v1/chat/completions", key, "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  }

  private HttpResponse<String> post(TollgateProcess t, String path, String key, String body) {
    return send(t, "POST", path, key, body);
  }

  private HttpResponse<String> send(TollgateProcess t, String method, String path, String body) {
    return send(t, method, path, MASTER, body);
  }

  private HttpResponse<String> send(TollgateProcess t, String method, String path, String key, String body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).timeout(Duration.ofSeconds(30))
          .header("authorization", "Bearer " + key).header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
