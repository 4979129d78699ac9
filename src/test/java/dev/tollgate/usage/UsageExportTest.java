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
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageExportTest {
  private static final String MASTER = "tg-master-export-test-0123456789";
  @TempDir static Path dir;
  static Tollgate tollgate;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    TollgateConfig cfg = TollgateConfig.ofDefaults()
        .withServer(TollgateConfig.ServerConfig.ofDefaults().withPort(0))
        .withStore(TollgateConfig.StoreConfig.duckDbFile(dir.resolve("t.duckdb")))
        .withAuth(new TollgateConfig.AuthConfig(Optional.of(MASTER)));
    tollgate = Tollgate.start(cfg, Clock.systemUTC());
    Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
    tollgate.usageStore().append(List.of(
        row("r1", t0, "alice", List.of("team-a", "prod"), "mock-small", 200),
        row("r2", t0.plusSeconds(60), "bob", List.of("team-b"), "mock-large", 200),
        row("r3", t0.plusSeconds(120), "=cmd|' /C calc'!A0", List.of("team-a"), "mock-small", 502),
        row("r4", t0.plusSeconds(180), "carol, \"the\" admin", List.of(), "mock-small", 200)));
  }

  @AfterAll
  static void stop() {
    tollgate.close();
  }

  static UsageRecord row(String id, Instant at, String user, List<String> tags, String model, int status) {
    return new UsageRecord(id, 0, at, Optional.of(at.plusMillis(40)), at.plusMillis(90), "key_x", Optional.of(user), tags,
        "mock", model, model, "chat", false, new TokenUsage(100, 20, 0, 0, 0, 0, 50, 10, 0), 1_234_567L, status,
        status == 200 ? Optional.empty() : Optional.of("upstream_error"), Set.of(UsageFlag.ESTIMATED),
        Optional.of("litellm-2026-07-24:gpt-4o"),
        java.util.Map.of("input", new java.math.BigDecimal("0.00025"), "output", new java.math.BigDecimal("0.000984567")));
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(tollgate.baseUrl() + pathAndQuery))
        .header("authorization", "Bearer " + MASTER).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void exportCsv_allRows_oldestFirstWithHeaderAndEscaping() throws Exception {
    HttpResponse<String> resp = get("/api/v1/usage/export?format=csv");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
    List<String> lines = resp.body().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).isEqualTo(UsageExport.CSV_HEADER.strip());
    assertThat(lines.get(1)).startsWith("r1,0,2026-10-01T00:00:00Z,2026-10-01T00:00:00.040Z,2026-10-01T00:00:00.090Z,90,key_x,alice,team-a;prod,mock,");
    assertThat(lines.get(1)).endsWith(",100,20,0,0,0,0,50,10,0,0.001234567,1234567,estimated,litellm-2026-07-24:gpt-4o,input=0.00025;output=0.000984567,,,,0.000000000");
    // a formula-looking cell is defused, quotes and commas are quoted RFC-4180 style
    assertThat(lines.get(3)).contains(",'=cmd|' /C calc'!A0,");
    assertThat(lines.get(4)).contains(",\"carol, \"\"the\"\" admin\",");
  }

  @Test
  void exportJsonl_filteredByTagAndStatus() throws Exception {
    HttpResponse<String> resp = get("/api/v1/usage/export?format=jsonl&tag=team-a");
    assertThat(resp.body().lines().map(l -> Json.parseObject(l.getBytes()).get("request_id").asText()).toList())
        .containsExactly("r1", "r3");
    HttpResponse<String> failed = get("/api/v1/usage/export?format=jsonl&status=502");
    assertThat(failed.body().lines().toList()).hasSize(1).first().asString().contains("\"request_id\":\"r3\"");
  }

  @Test
  void exportJson_isOneArray_andEmptySelectionIsEmptyArray() throws Exception {
    JsonNode all = Json.MAPPER.readTree(get("/api/v1/usage/export?format=json&model=mock-small").body());
    assertThat(all.isArray()).isTrue();
    assertThat(all).hasSize(3);
    assertThat(all.get(0).path("cost_usd").asText()).isEqualTo("0.001234567");
    assertThat(all.get(0).path("price_version").asText()).isEqualTo("litellm-2026-07-24:gpt-4o");
    assertThat(all.get(0).path("cost_breakdown").path("output").asText()).isEqualTo("0.000984567");
    JsonNode none = Json.MAPPER.readTree(get("/api/v1/usage/export?format=json&user=nobody").body());
    assertThat(none.isArray()).isTrue();
    assertThat(none).isEmpty();
  }

  @Test
  void export_timeRangeIsHalfOpen() throws Exception {
    HttpResponse<String> resp = get("/api/v1/usage/export?format=jsonl&from=2026-10-01T00:01:00Z&to=2026-10-01T00:03:00Z");
    assertThat(resp.body().lines().toList()).hasSize(2);
  }

  @Test
  void export_badFormatOrFilter_is400InOpenAiShape() throws Exception {
    HttpResponse<String> resp = get("/api/v1/usage/export?format=xml");
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode err = Json.MAPPER.readTree(resp.body()).get("error");
    assertThat(err.get("param").asText()).isEqualTo("format");
    assertThat(get("/api/v1/usage/export?from=yesterday").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/usage?status=abc").statusCode()).isEqualTo(400);
  }

  @Test
  void export_needsMasterKey() throws Exception {
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(tollgate.baseUrl() + "/api/v1/usage/export"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(401);
  }
}
