package dev.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The OpenAPI fragment documents exactly the routes AnalyticsRoutes registers, and is listed in the index. */
class AnalyticsOpenApiTest {
  @Test
  void fragment_coversEveryAnalyticsRoute() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getResourceAsStream("/openapi/analytics.json")) {
      assertThat(in).isNotNull();
      doc = Json.parseObject(in.readAllBytes());
    }
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      new AnalyticsRoutes(null, null).register(router);
      Set<String> registered = new HashSet<>();
      for (Route r : router.getRoutes()) {
        registered.add(r.getPath());
      }
      Set<String> documented = new HashSet<>();
      doc.path("paths").fieldNames().forEachRemaining(documented::add);
      assertThat(documented).isEqualTo(registered);
      doc.path("paths").forEach(p -> assertThat(p.path("get").path("responses").has("400")).isTrue());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    try (InputStream index = getClass().getResourceAsStream("/openapi/index.txt")) {
      assertThat(new String(index.readAllBytes(), StandardCharsets.UTF_8).lines()).contains("analytics.json");
    }
  }
}
