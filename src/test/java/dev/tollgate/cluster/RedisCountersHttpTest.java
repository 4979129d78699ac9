package dev.tollgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cache.CacheConfig;
import dev.tollgate.common.Json;
import dev.tollgate.pricing.PriceComponent;
import dev.tollgate.pricing.PriceOverride;
import dev.tollgate.pricing.PricingConfig;
import dev.tollgate.testing.RequiresRedis;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways in this JVM, each on its own DuckDB file (a copy of the first one's, so they know the same
 * keys, budget and rate limit) and one Redis prefix: {@code redis.url} alone makes them share the budget
 * counters, the rate-limit counters and the response cache. The spend made before the copy is restored
 * by both at start without being counted twice; a budget and an RPM limit hold exactly across both under
 * concurrent traffic split between them; a response cached by one is a hit on the other.
 */
@RequiresRedis
class RedisCountersHttpTest {
  private static final long USD = 1_000_000_000L;
  @TempDir static Path dirA;
  @TempDir static Path dirB;
  static RedisFixture fx;
  static TestGateway a;
  static TestGateway b;
  static String budgetKey;
  static String budgetKeyId;
  static String budgetId;
  static String rpmKey;
  static long spentBeforeCopy;

  @BeforeAll
  static void start() throws IOException {
    fx = new RedisFixture();
    TestGateway first = gateway(dirA);
    try {
      var k1 = first.createKey();
      budgetKey = k1.secret();
      budgetKeyId = k1.key().id();
      budgetId = admin(first, "/api/v1/budgets", """
          {"name": "shared", "scope": "key", "scope_value": "%s", "period": "day", "amount_usd": "0.50", "action": "block"}
          """.formatted(budgetKeyId)).path("id").asText();
      var k2 = first.createKey();
      rpmKey = k2.secret();
      admin(first, "/api/v1/rate-limits", "{\"scope\": \"key\", \"scope_value\": \"" + k2.key().id() + "\", \"rpm\": 5}");
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = first.post("/v1/chat/completions", budgetKey, chat("before the copy " + i));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      spentBeforeCopy = ledger(first, budgetKeyId).stream().mapToLong(UsageRecord::costNanos).sum();
      assertThat(spentBeforeCopy).isPositive();
    } finally {
      first.close();
    }
    try (var files = Files.list(dirA)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("tollgate.duckdb")).toList()) {
        Files.copy(f, dirB.resolve(f.getFileName()));
      }
    }
    a = gateway(dirA);
    b = gateway(dirB);
  }

  private static TestGateway gateway(Path dir) {
    return TestGateway.builder(dir).eventLoops(2).pricing(expensiveMocks()).cache(CacheConfig.enabledFor(Duration.ofMinutes(5)))
        .redis(fx.config()).start();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {a, b}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    fx.close();
  }

  @Test
  void restoreOnBothStarts_doesNotCountTwice_thenTheBudgetHoldsAcrossBoth() throws Exception {
    assertThat(spent(a)).as("restored by both gateways at start, counted once").isEqualTo(spentBeforeCopy);
    assertThat(spent(b)).isEqualTo(spentBeforeCopy);

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      TestGateway target = i % 2 == 0 ? a : b;
      calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(target.baseUrl() + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + budgetKey).header("Content-Type", "application/json")
          .header("x-tollgate-cache", "off")
          .POST(HttpRequest.BodyPublishers.ofString(chat("split request " + i))).build(), HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> r = c.get(60, TimeUnit.SECONDS);
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(json(r).path("error").path("code").asText()).isEqualTo("budget_exceeded");
        refused++;
      }
    }
    assertThat(ok).isPositive();
    assertThat(refused).as("$0.50 cannot pay for 60 requests of about two cents").isPositive();

    // both DuckDB files hold the three rows from before the copy; each holds the requests it served since
    java.util.Map<String, UsageRecord> byId = new java.util.LinkedHashMap<>();
    ledger(a, budgetKeyId).forEach(r -> byId.put(r.requestId() + "#" + r.attempt(), r));
    ledger(b, budgetKeyId).forEach(r -> byId.put(r.requestId() + "#" + r.attempt(), r));
    List<UsageRecord> rows = List.copyOf(byId.values());
    long total = rows.stream().mapToLong(UsageRecord::costNanos).sum();
    long largest = rows.stream().mapToLong(UsageRecord::costNanos).max().orElseThrow();
    assertThat(rows.stream().filter(r -> r.status() == 200)).hasSize(ok + 3);
    long counted = awaitSettled(a);
    assertThat(counted).as("the shared counter equals the spend of both ledgers").isEqualTo(total);
    assertThat(total).isLessThanOrEqualTo(USD / 2 + largest);
    assertThat(spent(b)).isEqualTo(counted);
    assertThat(fx.keys()).anyMatch(k -> k.startsWith(fx.prefix + "b:c:budget:" + budgetId));
  }

  @Test
  void rpmLimit_admitsExactlyItsLimit_acrossBothGateways() {
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> r = (i % 2 == 0 ? a : b).post("/v1/chat/completions", rpmKey, chat("rate " + i));
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(json(r).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).contains("5");
        limited++;
      }
    }
    assertThat(ok).as("5 per minute between both gateways").isEqualTo(5);
    assertThat(limited).isEqualTo(7);
    assertThat(fx.keys()).anyMatch(k -> k.startsWith(fx.prefix + "rl:") && k.contains(":requests:"));
  }

  @Test
  void aResponseCachedByOneGateway_isAHitOnTheOther() {
    // a key on each gateway (each in its own DuckDB): the cache is shared per org, and both have the copied default org
    var key = a.keys().create("cache-a", java.util.Set.of(), Optional.empty());
    var keyB = b.keys().create("cache-b", java.util.Set.of(), Optional.empty());
    String body = chat("cache me " + System.nanoTime());
    HttpResponse<String> first = a.post("/v1/chat/completions", key.secret(), body);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-tollgate-cache")).contains("miss");
    HttpResponse<String> second = b.post("/v1/chat/completions", keyB.secret(), body);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-tollgate-cache")).contains("hit");
    assertThat(json(second).path("choices")).isEqualTo(json(first).path("choices"));
    assertThat(fx.keys()).anyMatch(k -> k.startsWith(fx.prefix + "cache:e:"));
  }

  // ---- helpers ----

  private static long awaitSettled(TestGateway gw) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      JsonNode status = get(gw, "/api/v1/budgets/" + budgetId + "/status");
      if (nanos(status.path("reserved_usd")) == 0 || System.nanoTime() > deadline) {
        assertThat(nanos(status.path("reserved_usd"))).as("no reservation left open").isZero();
        return nanos(status.path("spent_usd"));
      }
      Thread.sleep(20);
    }
  }

  private static long spent(TestGateway gw) {
    return nanos(get(gw, "/api/v1/budgets/" + budgetId + "/status").path("spent_usd"));
  }

  private static List<UsageRecord> ledger(TestGateway gw, String keyId) {
    gw.latestUsage(1); // flush
    UsageQuery q = UsageQuery.latest(1000);
    return gw.tollgate().usageStore().query(new UsageQuery(q.from(), q.to(), Optional.of(keyId), q.userId(), q.model(),
        q.provider(), q.endpoint(), q.tag(), q.status(), 1000, Optional.empty(), q.orgId(), q.projectId())).records();
  }

  /** mock-small at $100 / $1000 per million tokens: a short answer costs about two cents. */
  private static PricingConfig expensiveMocks() {
    return new PricingConfig(List.of(PriceOverride.builder("mock", "mock-small", Instant.EPOCH)
        .perMillion(PriceComponent.INPUT, "100").perMillion(PriceComponent.OUTPUT, "1000").build()), Optional.empty());
  }

  private static String chat(String prompt) {
    return Json.object().put("model", "mock-small").put("max_tokens", 40)
        .set("messages", Json.MAPPER.createArrayNode().add(Json.object().put("role", "user").put("content", prompt))).toString();
  }

  private static JsonNode admin(TestGateway gw, String path, String body) {
    HttpResponse<String> r = gw.post(path, gw.masterKey(), body);
    assertThat(r.statusCode() / 100).as("POST %s: %s", path, r.body()).isEqualTo(2);
    return json(r);
  }

  private static JsonNode get(TestGateway gw, String path) {
    HttpResponse<String> r = gw.get(path, gw.masterKey());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return json(r);
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  private static long nanos(JsonNode usd) {
    return new BigDecimal(usd.asText()).movePointRight(9).longValueExact();
  }
}
