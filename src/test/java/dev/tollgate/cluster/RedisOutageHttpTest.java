package dev.tollgate.cluster;

import static dev.tollgate.cluster.RedisCountersHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cluster.RedisConfig.FailMode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.CuttableProxy;
import dev.tollgate.testing.ExternalServices;
import dev.tollgate.testing.RequiresRedis;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway whose only way to Redis is a TCP proxy the test cuts: while it is cut, requests under a budget
 * and under a rate limit get what {@code redis.budgets-fail-mode} and {@code redis.rate-limits-fail-mode}
 * say (by default: budgets 503 in the caller's dialect, rate limits admitted), requests under neither are
 * served as usual, and once the proxy is restored the gateway counts and enforces again by itself.
 */
@RequiresRedis
class RedisOutageHttpTest {
  @TempDir Path dir;
  RedisFixture fx;
  CuttableProxy proxy;
  TestGateway gw;
  String budgeted;
  String limited;
  String free;
  String budgetedKeyId;
  String budgetId;

  @BeforeEach
  void proxy() {
    fx = new RedisFixture();
    URI target = URI.create(ExternalServices.REDIS_URL);
    proxy = CuttableProxy.to(target.getHost(), target.getPort() < 0 ? 6379 : target.getPort());
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    proxy.close();
    fx.close();
  }

  private void start(RedisConfig redis) {
    gw = TestGateway.builder(dir).redis(redis.withUrl("redis://127.0.0.1:" + proxy.port())).start();
    var k1 = gw.createKey();
    budgeted = k1.secret();
    budgetedKeyId = k1.key().id();
    budgetId = admin("/api/v1/budgets", """
        {"name": "hard", "scope": "key", "scope_value": "%s", "period": "day", "amount_usd": "100.00", "action": "block"}
        """.formatted(k1.key().id())).path("id").asText();
    var k2 = gw.createKey();
    limited = k2.secret();
    admin("/api/v1/rate-limits", "{\"scope\": \"key\", \"scope_value\": \"" + k2.key().id() + "\", \"rpm\": 2}");
    free = gw.createKey().secret();
  }

  @Test
  void defaults_budgetsFailClosedWith503_rateLimitsFailOpen_thenBothEnforcedAgainAfterRecovery() {
    start(fx.config());
    assertThat(chat(budgeted).statusCode()).isEqualTo(200);
    assertThat(chat(limited).statusCode()).isEqualTo(200);
    assertThat(chat(limited).statusCode()).isEqualTo(200);
    assertThat(chat(limited).statusCode()).as("rpm 2 reached").isEqualTo(429);

    proxy.cut();
    awaitTrue(() -> redisCheck().equals("failing"), Duration.ofSeconds(15));

    HttpResponse<String> refused = chat(budgeted);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    JsonNode error = json(refused).path("error");
    assertThat(error.path("type").asText()).isEqualTo("server_error");
    assertThat(error.path("code").asText()).isEqualTo("unavailable");
    assertThat(error.path("message").asText()).contains("Redis").contains("redis.budgets-fail-mode is closed");
    HttpResponse<String> anthropic = gw.post("/v1/messages", budgeted,
        "{\"model\":\"mock-small\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(503);
    assertThat(json(anthropic).path("type").asText()).isEqualTo("error");
    assertThat(json(anthropic).path("error").path("type").asText()).isEqualTo("overloaded_error");

    HttpResponse<String> admitted = chat(limited);
    assertThat(admitted.statusCode()).as("fail-open: the limit is not enforced while Redis is down: %s", admitted.body())
        .isEqualTo(200);
    assertThat(chat(free).statusCode()).as("no budget, no limit: Redis is not needed").isEqualTo(200);

    proxy.restore();
    awaitTrue(() -> chat(budgeted).statusCode() == 200, Duration.ofSeconds(30));
    awaitTrue(() -> redisCheck().equals("ok"), Duration.ofSeconds(15));
    int refusedAfter = 0;
    for (int i = 0; i < 3; i++) {
      refusedAfter += chat(limited).statusCode() == 429 ? 1 : 0;
    }
    assertThat(refusedAfter).as("rpm 2 enforced again: at most two of three pass").isPositive();
  }

  @Test
  void configuredOpposite_budgetsFailOpen_rateLimitsFailClosed() {
    start(fx.config().withFailModes(FailMode.OPEN, FailMode.CLOSED));
    assertThat(chat(limited).statusCode()).isEqualTo(200);

    proxy.cut();
    awaitTrue(() -> redisCheck().equals("failing"), Duration.ofSeconds(15));

    HttpResponse<String> admitted = chat(budgeted);
    assertThat(admitted.statusCode()).as("fail-open budget: admitted without counting: %s", admitted.body()).isEqualTo(200);
    assertThat(admitted.headers().firstValue("x-tollgate-budget-remaining-usd")).as("nothing known to report").isEmpty();
    HttpResponse<String> refused = chat(limited);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(json(refused).path("error").path("message").asText()).contains("redis.rate-limits-fail-mode is closed");

    proxy.restore();
    awaitTrue(() -> chat(limited).statusCode() != 503, Duration.ofSeconds(30));
    assertThat(chat(budgeted).statusCode()).isEqualTo(200);
  }

  @Test
  void redisLosingItsData_budgetSpendIsRestoredFromTheLedgerOnReconnect() {
    start(fx.config());
    for (int i = 0; i < 3; i++) {
      assertThat(chat(budgeted).statusCode()).isEqualTo(200);
    }
    gw.latestUsage(1); // flush the ledger
    dev.tollgate.usage.UsageQuery q = dev.tollgate.usage.UsageQuery.latest(100);
    long ledger = gw.tollgate().usageStore().query(new dev.tollgate.usage.UsageQuery(q.from(), q.to(), java.util.Optional.of(budgetedKeyId),
            q.userId(), q.model(), q.provider(), q.endpoint(), q.tag(), q.status(), 100, java.util.Optional.empty(), q.orgId(),
            q.projectId())).records().stream().mapToLong(dev.tollgate.usage.UsageRecord::costNanos).sum();
    assertThat(ledger).isPositive();
    awaitTrue(() -> spent() == ledger, Duration.ofSeconds(10));

    proxy.cut(); // Redis "restarts" empty: this prefix's budget counters are gone
    awaitTrue(() -> redisCheck().equals("failing"), Duration.ofSeconds(15));
    List<String> counters = fx.keys().stream().filter(k -> k.startsWith(fx.prefix + "b:")).toList();
    assertThat(counters).isNotEmpty();
    io.lettuce.core.RedisClient direct = io.lettuce.core.RedisClient.create(ExternalServices.REDIS_URL);
    try (var c = direct.connect()) {
      c.sync().del(counters.toArray(String[]::new));
    } finally {
      direct.shutdown();
    }
    proxy.restore();

    awaitTrue(() -> redisCheck().equals("ok") && spent() == ledger, Duration.ofSeconds(30));
  }

  private long spent() {
    HttpResponse<String> r = gw.get("/api/v1/budgets/" + budgetId + "/status", gw.masterKey());
    return r.statusCode() != 200 ? -1
        : new java.math.BigDecimal(json(r).path("spent_usd").asText()).movePointRight(9).longValueExact();
  }

  private HttpResponse<String> chat(String key) {
    return gw.post("/v1/chat/completions", key,
        Json.object().put("model", "mock-small").put("max_tokens", 20).set("messages", Json.MAPPER.createArrayNode()
            .add(Json.object().put("role", "user").put("content", "hello " + System.nanoTime()))).toString());
  }

  private String redisCheck() {
    return json(gw.get("/health", gw.masterKey())).path("checks").path("redis").asText();
  }

  private JsonNode admin(String path, String body) {
    HttpResponse<String> r = gw.post(path, gw.masterKey(), body);
    assertThat(r.statusCode() / 100).as("POST %s: %s", path, r.body()).isEqualTo(2);
    return json(r);
  }

  private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      RedisFixture.sleep(Duration.ofMillis(100));
    }
  }
}
