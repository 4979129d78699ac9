package dev.tollgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Tollgate;
import dev.tollgate.common.Json;
import dev.tollgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/openapi.json}: an OpenAPI 3.1 document that describes every {@code /api/v1} route the
 * router has, and nothing the router does not have.
 */
class OpenApiRoutesTest {
  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  @TempDir
  static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void theDocument_isServedWithoutCredentials() throws Exception {
    HttpResponse<String> resp = gateway.send(gateway.request(OpenApi.PATH).GET().build());
    JsonNode doc = Json.MAPPER.readTree(resp.body());

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    assertThat(doc.at("/components/schemas/Error").isObject()).isTrue();
  }

  @Test
  void everyRouteIsDocumented_andEveryDocumentedRouteExists() throws Exception {
    Set<String> routed = new TreeSet<>();
    Vertx vertx = Vertx.vertx();
    try {
      var http = vertx.createHttpClient();
      Router router = Tollgate.routes(vertx, gateway.tollgate().services(), http);
      for (Route r : router.getRoutes()) {
        String path = r.isRegexPath() ? r.getName() : r.getPath(); // a regex route names its documented path
        Set<HttpMethod> methods = r.methods();
        if (path == null || !path.startsWith("/api/v1/") || methods == null || methods.isEmpty()) {
          continue;
        }
        for (HttpMethod m : methods) {
          routed.add(m.name().toUpperCase(Locale.ROOT) + " " + path.replaceAll(":([A-Za-z0-9_]+)", "{$1}"));
        }
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    Set<String> documented = new TreeSet<>();
    JsonNode doc = Json.MAPPER.readTree(gateway.send(gateway.request(OpenApi.PATH).GET().build()).body());
    for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : p.getValue().properties()) {
        if (OPERATIONS.contains(op.getKey())) {
          documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey());
        }
      }
    }

    assertThat(routed).as("routes on the router").isNotEmpty();
    assertThat(documented).as("documented but not routed").isSubsetOf(routed);
    assertThat(routed).as("routed but not in openapi/*.json").isSubsetOf(documented);
  }

  @Test
  void everyOperation_hasResponsesAndATag() throws Exception {
    JsonNode doc = OpenApi.document();
    for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : p.getValue().properties()) {
        if (OPERATIONS.contains(op.getKey())) {
          assertThat(op.getValue().path("responses").isObject()).as("%s %s responses", op.getKey(), p.getKey()).isTrue();
          assertThat(op.getValue().path("tags").isArray()).as("%s %s tags", op.getKey(), p.getKey()).isTrue();
        }
      }
    }
    assertThat(OpenApi.fragments()).contains("auth.json", "usage.json", "pricing.json");
  }

  @Test
  void everyRef_resolvesInTheDocument() {
    JsonNode doc = OpenApi.document();
    java.util.List<String> refs = new java.util.ArrayList<>();
    collectRefs(doc, refs);

    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as("%s resolves", ref).isFalse();
    }
  }

  private static void collectRefs(JsonNode node, java.util.List<String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
  }
}
