package dev.tollgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Tollgate;
import dev.tollgate.common.Json;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.testing.PostgresSchema;
import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.testing.RequiresRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway replicas (two {@link Tollgate} instances, each with its own HTTP server, pool, Redis
 * connection and journal) on one PostgreSQL schema and one Redis: a key created on one authenticates on
 * the other, a revocation on the other is refused on the first, a price override made on one prices the
 * other's requests, and both write one ledger.
 */
@RequiresPostgres
@RequiresRedis
class TwoReplicasTest {
  private static final String MASTER = "tg-master-two-replicas-0123456789";
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  private TollgateConfig replica(PostgresSchema schema, RedisFixture fx, String name) {
    TollgateConfig d = TollgateConfig.ofDefaults();
    return d.withServer(new TollgateConfig.ServerConfig("127.0.0.1", 0, d.server().bodyLimitBytes(), 1))
        .withStore(new TollgateConfig.StoreConfig(schema.url()))
        .withUsage(d.usage().withJournalDir(dir.resolve(name + "/journal")))
        .withAuth(new TollgateConfig.AuthConfig(Optional.of(MASTER)))
        .withRedis(fx.config());
  }

  @Test
  void keysAndLedger_areSharedAcrossReplicas() throws Exception {
    try (PostgresSchema schema = PostgresSchema.create(); RedisFixture fx = new RedisFixture();
         Tollgate a = Tollgate.start(replica(schema, fx, "a"), Clock.systemUTC());
         Tollgate b = Tollgate.start(replica(schema, fx, "b"), Clock.systemUTC())) {
      HttpResponse<String> created = send(a, "/api/v1/keys", MASTER, "{\"name\":\"team-search\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode key = Json.MAPPER.readTree(created.body());
      String secret = key.path("key").asText();

      awaitTrue(() -> chat(b, secret).statusCode() == 200, Duration.ofSeconds(10));
      assertThat(chat(a, secret).statusCode()).isEqualTo(200);

      HttpResponse<String> revoked = send(b, "/api/v1/keys/" + key.path("id").asText() + "/revoke", MASTER, "{}");
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      awaitTrue(() -> chat(a, secret).statusCode() == 401, Duration.ofSeconds(10));
      assertThat(chat(b, secret).statusCode()).isEqualTo(401);

      Set<String> served = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = chat(i % 2 == 0 ? a : b, MASTER);
        assertThat(r.statusCode()).isEqualTo(200);
        served.add(r.headers().firstValue("x-request-id").orElseThrow());
      }
      assertThat(a.usageWriter().flush(Duration.ofSeconds(20))).isTrue();
      assertThat(b.usageWriter().flush(Duration.ofSeconds(20))).isTrue();
      Set<String> inLedger = new HashSet<>();
      a.usageStore().export(dev.tollgate.usage.UsageQuery.latest(1), r -> inLedger.add(r.requestId()));
      assertThat(inLedger).containsAll(served);

      // a price override made on one replica prices requests on the other
      HttpResponse<String> price = send(a, "/api/v1/prices/overrides", MASTER, """
          {"provider": "mock", "model": "mock-small", "effective-from": "2026-01-01", "input-per-million": "7.00", "output-per-million": "9.00"}""");
      assertThat(price.statusCode()).as(price.body()).isEqualTo(201);
      awaitTrue(() -> inputPerMillion(b).equals("7"), Duration.ofSeconds(10));

      for (Tollgate t : new Tollgate[] {a, b}) {
        JsonNode health = Json.MAPPER.readTree(get(t, "/health").body());
        assertThat(health.path("checks").path("redis").asText()).isEqualTo("ok");
        assertThat(health.path("status").asText()).isEqualTo("ok");
      }
    }
  }

  private String inputPerMillion(Tollgate t) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + "/api/v1/prices?model=mock-small&provider=mock"))
          .header("authorization", "Bearer " + MASTER).build(), HttpResponse.BodyHandlers.ofString());
      return Json.MAPPER.readTree(r.body()).path("current").path("tiers").get(0).path("standard").path("input_per_million").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> chat(Tollgate t, String key) {
    return send(t, "/v1/chat/completions", key, "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  }

  private HttpResponse<String> send(Tollgate t, String path, String key, String body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).header("authorization", "Bearer " + key)
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> get(Tollgate t, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
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
      Thread.sleep(50);
    }
  }
}
