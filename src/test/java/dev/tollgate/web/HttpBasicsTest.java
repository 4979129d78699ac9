package dev.tollgate.web;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every route shares: body limit, 404/405 in OpenAI's error shape, request ids, health. */
class HttpBasicsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int LIMIT = 16 * 1024;

  @TempDir
  static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.builder(dir).bodyLimitBytes(LIMIT).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static String chatOfSize(int bytes) {
    String head = "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    String tail = "\"}]}";
    return head + "a ".repeat((bytes - head.length() - tail.length()) / 2) + tail;
  }

  @Test
  void bodyOverTheLimit_returns413RequestTooLarge() {
    String body = chatOfSize(64 * 1024);

    String message = assertError(gateway.post("/v1/chat/completions", gateway.masterKey(), body), 413,
        "invalid_request_error", "request_too_large");

    assertThat(message).contains(Integer.toString(LIMIT));
  }

  @Test
  void chunkedBodyOverTheLimit_returns413RequestTooLarge() {
    byte[] body = chatOfSize(64 * 1024).getBytes(StandardCharsets.UTF_8);
    HttpRequest request = gateway.request("/v1/chat/completions").header("Authorization", "Bearer " + gateway.masterKey())
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();

    assertError(gateway.send(request), 413, "invalid_request_error", "request_too_large");
  }

  @Test
  void bodyJustUnderTheLimit_isServed() {
    String body = chatOfSize(LIMIT - 64);
    assertThat(body.length()).isLessThanOrEqualTo(LIMIT);

    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), body);

    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
  }

  @Test
  void unknownEndpoint_returns404InOpenAiShape() {
    String message = assertError(gateway.post("/v1/no-such-thing", gateway.masterKey(), "{}"), 404, "invalid_request_error", "not_found");

    assertThat(message).contains("/v1/no-such-thing");
    assertError(gateway.send(gateway.request("/nothing/here").GET().build()), 404, "invalid_request_error", "not_found");
  }

  @Test
  void wrongMethod_returns405InOpenAiShape() {
    assertError(gateway.get("/v1/chat/completions", gateway.masterKey()), 405, "invalid_request_error", "method_not_allowed");
  }

  @Test
  void requestId_givenByTheCaller_isEchoed() {
    String id = RequestIds.next();

    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("x-request-id")).contains(id);
  }

  @Test
  void requestId_absent_isGeneratedAs32Hex() {
    HttpResponse<String> first = gateway.send(gateway.request("/live").GET().build());
    HttpResponse<String> second = gateway.send(gateway.request("/live").GET().build());

    assertThat(first.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{32}"));
    assertThat(second.headers().firstValue("x-request-id")).isNotEqualTo(first.headers().firstValue("x-request-id"));
  }

  @Test
  void requestId_unsafe_isReplacedByAGeneratedOne() {
    HttpResponse<String> resp = gateway.send(gateway.request("/live").header("x-request-id", "evil id\twith spaces").GET().build());

    assertThat(resp.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{32}"));
  }

  @Test
  void requestId_isEchoedOnErrors() {
    String id = RequestIds.next();

    HttpResponse<String> unauthenticated = gateway.send(gateway.request("/v1/chat/completions").header("x-request-id", id)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    HttpResponse<String> notFound = gateway.send(gateway.request("/v1/nope").header("x-request-id", id).GET().build());

    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    assertThat(unauthenticated.headers().firstValue("x-request-id")).contains(id);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.headers().firstValue("x-request-id")).contains(id);
  }

  @Test
  void healthEndpoints_reportReadyWithoutAKey() throws Exception {
    HttpResponse<String> live = gateway.send(gateway.request("/live").GET().build());
    HttpResponse<String> ready = gateway.send(gateway.request("/ready").GET().build());
    HttpResponse<String> health = gateway.send(gateway.request("/health").GET().build());

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(MAPPER.readTree(ready.body()).get("status").asText()).isEqualTo("ready");
    JsonNode h = MAPPER.readTree(health.body());
    assertThat(h.get("status").asText()).isEqualTo("ok");
    assertThat(h.at("/checks/store").asText()).isEqualTo("ok");
  }
}
