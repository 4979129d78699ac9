package dev.tollgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Tollgate;
import dev.tollgate.common.Json;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.testing.CuttableProxy;
import dev.tollgate.testing.ExternalServices;
import dev.tollgate.testing.PostgresSchema;
import dev.tollgate.testing.RequiresPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode with PostgreSQL going away under real traffic: the gateway's store URL points through a
 * TCP proxy that the test cuts. Requests keep succeeding, the journal holds their usage, /ready and
 * /health say the store is down; once the proxy is restored the journal replays and every row is in
 * PostgreSQL exactly once, rollups included.
 */
@RequiresPostgres
class PostgresOutageHttpTest {
  private static final String MASTER = "tg-master-pg-outage-0123456789";
  private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^/:]+)(?::(\\d+))?/(.*)$");
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void postgresCut_requestsSucceed_journalReplaysExactlyOnceAfterRestore() throws Exception {
    Matcher m = HOST_PORT.matcher(ExternalServices.POSTGRES_URL);
    assertThat(m.matches()).as("test PostgreSQL URL %s", ExternalServices.POSTGRES_URL).isTrue();
    try (PostgresSchema schema = PostgresSchema.create();
         CuttableProxy proxy = CuttableProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)))) {
      String viaProxy = schema.withSchema("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + m.group(3));
      TollgateConfig defaults = TollgateConfig.ofDefaults();
      TollgateConfig cfg = defaults
          .withServer(new TollgateConfig.ServerConfig("127.0.0.1", 0, defaults.server().bodyLimitBytes(), 1))
          .withStore(new TollgateConfig.StoreConfig(viaProxy))
          .withUsage(defaults.usage().withJournalDir(dir.resolve("journal")))
          .withAuth(new TollgateConfig.AuthConfig(Optional.of(MASTER)));

      List<String> ids = new ArrayList<>();
      try (Tollgate t = Tollgate.start(cfg, Clock.systemUTC())) {
        for (int i = 0; i < 5; i++) {
          ids.add(chat(t, "before " + i));
        }
        assertThat(t.usageWriter().flush(Duration.ofSeconds(20))).isTrue();
        assertThat(get(t, "/ready").statusCode()).isEqualTo(200);

        proxy.cut();
        for (int i = 0; i < 40; i++) {
          ids.add(chat(t, "during " + i));
        }
        awaitTrue(() -> get(t, "/ready").statusCode() == 503, Duration.ofSeconds(20));
        JsonNode health = Json.MAPPER.readTree(get(t, "/health").body());
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("checks").path("store").asText()).isEqualTo("failing");
        assertThat(health.path("ledger").path("journal_bytes").asLong()).isPositive();
        assertThat(health.path("ledger").path("backlog").asLong()).isPositive();
        // the writer retries with backoff: the pool goes on trying to reconnect (and is refused) while cut
        awaitTrue(() -> proxy.refusedConnections() > 0, Duration.ofSeconds(30));

        proxy.restore();
        awaitTrue(() -> get(t, "/ready").statusCode() == 200, Duration.ofSeconds(30));
        assertThat(t.usageWriter().flush(Duration.ofSeconds(30))).isTrue();
      }

      // read PostgreSQL directly, not through the proxy or the gateway
      try (Connection c = schema.connect(); Statement st = c.createStatement()) {
        List<String> stored = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT request_id FROM usage")) {
          while (rs.next()) {
            stored.add(rs.getString(1));
          }
        }
        Set<String> distinct = new HashSet<>(stored);
        assertThat(stored).hasSameSizeAs(distinct).hasSize(45);
        assertThat(distinct).containsExactlyInAnyOrderElementsOf(ids);
        try (ResultSet rs = st.executeQuery("SELECT sum(attempts) FROM usage_hourly WHERE dim = ''")) {
          rs.next();
          assertThat(rs.getLong(1)).as("rollups count each row once").isEqualTo(45);
        }
      }
    }
  }

  private String chat(Tollgate t, String text) throws Exception {
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + MASTER).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return resp.headers().firstValue("x-request-id").orElseThrow();
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
