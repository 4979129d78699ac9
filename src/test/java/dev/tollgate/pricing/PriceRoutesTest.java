package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Tollgate;
import dev.tollgate.common.Json;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceRoutesTest {
  private static final String MASTER = "tg-master-prices-test-0123456789";
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  private Tollgate start() {
    TollgateConfig cfg = TollgateConfig.ofDefaults()
        .withServer(TollgateConfig.ServerConfig.ofDefaults().withPort(0))
        .withStore(TollgateConfig.StoreConfig.duckDbFile(dir.resolve("t.duckdb")))
        .withAuth(new TollgateConfig.AuthConfig(Optional.of(MASTER)))
        .withModels(List.of(ModelConfig.mock("mock-small"),
            ModelConfig.openAiCompatible("house-model", "house-model-v3", "http://127.0.0.1:9/v1", Optional.empty())));
    return Tollgate.start(cfg, Clock.systemUTC());
  }

  private HttpResponse<String> get(Tollgate t, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).header("authorization", "Bearer " + MASTER).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(Tollgate t, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + path)).header("authorization", "Bearer " + MASTER)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void show_catalogModel_givesPerMillionPricesAsDecimalStrings() throws Exception {
    try (Tollgate t = start()) {
      JsonNode r = Json.MAPPER.readTree(get(t, "/api/v1/prices?model=gpt-4o&provider=openai").body());
      assertThat(r.path("key").asText()).isEqualTo("gpt-4o");
      JsonNode standard = r.path("current").path("tiers").get(0).path("standard");
      assertThat(standard.path("input_per_million").asText()).isEqualTo("2.5");
      assertThat(standard.path("output_per_million").asText()).isEqualTo("10");
      assertThat(get(t, "/api/v1/prices?model=no-such-model-xyz").statusCode()).isEqualTo(404);
      assertThat(get(t, "/api/v1/prices").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void check_listsConfiguredModelsWithoutPrice() throws Exception {
    try (Tollgate t = start()) {
      JsonNode r = Json.MAPPER.readTree(get(t, "/api/v1/prices/check").body());
      assertThat(r.path("unpriced").asInt()).isEqualTo(1);
      assertThat(r.path("models").get(0).path("priced").asBoolean()).isTrue();
      assertThat(r.path("models").get(1).path("model").asText()).isEqualTo("house-model");
      assertThat(r.path("models").get(1).path("priced").asBoolean()).isFalse();
    }
  }

  @Test
  void override_appliesFromItsDate_keepsHistory_andSurvivesRestart() throws Exception {
    String spec = """
        {"model": "house-model-v3", "effective-from": "2030-01-01", "input-per-million": "1.10", "output-per-million": "4.40"}""";
    try (Tollgate t = start()) {
      HttpResponse<String> created = post(t, "/api/v1/prices/overrides", spec);
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(Json.MAPPER.readTree(created.body()).path("version").path("source").asText()).isEqualTo("admin-api");
    }
    try (Tollgate t = start()) {
      JsonNode before = Json.MAPPER.readTree(get(t, "/api/v1/prices?model=house-model&at=2029-12-31T23:59:59Z").body());
      assertThat(before.path("current").isNull()).isTrue();
      JsonNode after = Json.MAPPER.readTree(get(t, "/api/v1/prices?model=house-model&at=2030-01-01T00:00:00Z").body());
      assertThat(after.path("current").path("tiers").get(0).path("standard").path("input_per_million").asText()).isEqualTo("1.1");
      JsonNode listed = Json.MAPPER.readTree(get(t, "/api/v1/prices/overrides").body());
      assertThat(listed.path("data")).hasSize(1);
    }
  }

  @Test
  void override_invalid_is400NamingTheKey_andNothingIsStored() throws Exception {
    try (Tollgate t = start()) {
      HttpResponse<String> typo = post(t, "/api/v1/prices/overrides", "{\"model\":\"gpt-4o\",\"input-per-millon\":\"2\"}");
      assertThat(typo.statusCode()).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(typo.body()).path("error").path("message").asText()).contains("input-per-millon");
      HttpResponse<String> floaty = post(t, "/api/v1/prices/overrides", "{\"model\":\"gpt-4o\",\"input-per-million\":\"abc\"}");
      assertThat(floaty.statusCode()).isEqualTo(400);
      assertThat(post(t, "/api/v1/prices/overrides", "{not json").statusCode()).isEqualTo(400);
      JsonNode listed = Json.MAPPER.readTree(get(t, "/api/v1/prices/overrides").body());
      assertThat(listed.path("data")).isEmpty();
    }
  }
}
