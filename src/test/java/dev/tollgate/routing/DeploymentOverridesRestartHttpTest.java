package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.TestGateway;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment disabled or reweighted through the admin API stays so across restarts of the embedded gateway
 * (the change is in the DuckDB file), until it is set back to its configuration.
 */
class DeploymentOverridesRestartHttpTest {
  private static final String CHAT = "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

  @TempDir
  Path dir;

  @Test
  void aDisabledDeployment_staysDisabledAcrossRestarts_untilSetBackToItsConfiguration() throws IOException {
    String id;
    int configuredWeight;
    try (TestGateway gateway = TestGateway.start(dir)) {
      JsonNode small = deployment(gateway);
      id = small.path("id").asText();
      configuredWeight = small.path("configured_weight").asInt();
      HttpResponse<String> patched = patch(gateway, id, "{\"enabled\":false,\"weight\":" + (configuredWeight + 4) + "}");
      assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
      assertThat(chat(gateway).statusCode()).isEqualTo(503);
    }

    try (TestGateway gateway = TestGateway.start(dir)) {
      JsonNode small = deployment(gateway);
      assertThat(small.path("enabled").asBoolean()).isFalse();
      assertThat(small.path("weight").asInt()).isEqualTo(configuredWeight + 4);
      HttpResponse<String> refused = chat(gateway);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(Json.MAPPER.readTree(refused.body()).at("/error/message").asText()).isNotBlank();

      HttpResponse<String> back = patch(gateway, id, "{\"enabled\":true,\"weight\":" + configuredWeight + "}");
      assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
      assertThat(chat(gateway).statusCode()).isEqualTo(200);
    }

    try (TestGateway gateway = TestGateway.start(dir)) {
      JsonNode small = deployment(gateway);
      assertThat(small.path("enabled").asBoolean()).isTrue();
      assertThat(small.path("weight").asInt()).isEqualTo(configuredWeight);
      assertThat(chat(gateway).statusCode()).isEqualTo(200);
    }
  }

  private static JsonNode deployment(TestGateway gateway) throws IOException {
    HttpResponse<String> list = gateway.get("/api/v1/deployments", gateway.masterKey());
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    for (JsonNode d : Json.MAPPER.readTree(list.body()).path("data")) {
      if (d.path("model").asText().equals("mock-small")) {
        return d;
      }
    }
    throw new AssertionError("no mock-small deployment in " + list.body());
  }

  private static HttpResponse<String> patch(TestGateway gateway, String id, String json) {
    return gateway.call("PATCH", "/api/v1/deployments/mock-small/" + id, gateway.masterKey(), json);
  }

  private static HttpResponse<String> chat(TestGateway gateway) {
    return gateway.post("/v1/chat/completions", gateway.masterKey(), CHAT);
  }
}
