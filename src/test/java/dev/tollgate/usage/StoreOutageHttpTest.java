package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Tollgate;
import dev.tollgate.common.Json;
import dev.tollgate.config.TollgateConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger store goes away while the gateway is serving real HTTP traffic: every request still
 * succeeds, the journal holds the usage, /ready and /health say so, and once the store is back every
 * record appears exactly once.
 */
class StoreOutageHttpTest {
  private static final String MASTER = "tg-master-outage-test-0123456789";
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void storeDownDuringTraffic_requestsSucceed_recordsAppearExactlyOnceAfterRecovery() throws Exception {
    FailingUsageStore[] store = new FailingUsageStore[1];
    TollgateConfig cfg = TollgateConfig.ofDefaults()
        .withServer(TollgateConfig.ServerConfig.ofDefaults().withPort(0))
        .withStore(TollgateConfig.StoreConfig.duckDbFile(dir.resolve("t.duckdb")))
        .withAuth(new TollgateConfig.AuthConfig(Optional.of(MASTER)));
    try (Tollgate t = Tollgate.start(cfg, Clock.systemUTC(), s -> store[0] = new FailingUsageStore(s))) {
      store[0].failing(true);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        HttpResponse<String> resp = post(t, "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"outage " + i + "\"}]}");
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        ids.add(resp.headers().firstValue("x-request-id").orElseThrow());
      }
      // the writer keeps retrying in the background: readiness and health report it
      awaitTrue(() -> get(t, "/ready").statusCode() == 503, Duration.ofSeconds(10));
      JsonNode health = Json.MAPPER.readTree(get(t, "/health").body());
      assertThat(health.path("status").asText()).isEqualTo("degraded");
      assertThat(health.path("checks").path("store").asText()).isEqualTo("failing");
      assertThat(health.path("ledger").path("journal_bytes").asLong()).isPositive();

      store[0].failing(false);
      awaitTrue(() -> get(t, "/ready").statusCode() == 200, Duration.ofSeconds(20));
      assertThat(t.usageWriter().flush(Duration.ofSeconds(20))).isTrue();
      Set<String> seen = new HashSet<>();
      List<String> all = new ArrayList<>();
      t.usageStore().export(UsageQuery.latest(1), r -> {
        all.add(r.requestId());
        seen.add(r.requestId());
      });
      assertThat(all).hasSameSizeAs(seen); // no duplicates
      assertThat(seen).containsAll(ids);
      assertThat(all).hasSize(ids.size());
    }
  }

  private HttpResponse<String> post(Tollgate t, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + MASTER).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(Tollgate t, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
