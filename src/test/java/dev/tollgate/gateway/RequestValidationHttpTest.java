package dev.tollgate.gateway;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad requests get 400 (or 404) in OpenAI's exact error shape, and still leave a ledger row. */
class RequestValidationHttpTest {
  private static final String CHAT = "/v1/chat/completions";
  private static final String EMBEDDINGS = "/v1/embeddings";
  private static final String COMPLETIONS = "/v1/completions";
  private static final String TYPE = "invalid_request_error";

  @TempDir
  static Path dir;
  static TestGateway gateway;
  static KeyService.CreatedKey key;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
    key = gateway.createKey();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        // description, path, body, code, param (null: param must be null)
        Arguments.of("malformed JSON", CHAT, "{\"model\": \"mock-small\", \"messages\": [", "invalid_json", null),
        Arguments.of("trailing garbage after the object", CHAT, "{\"model\":\"mock-small\"} x", "invalid_json", null),
        Arguments.of("empty body", CHAT, "", "invalid_json", null),
        Arguments.of("body is an array", CHAT, "[{\"model\":\"mock-small\"}]", "invalid_json", null),
        Arguments.of("body is a string", CHAT, "\"hello\"", "invalid_json", null),
        Arguments.of("model missing", CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "missing_required_parameter", "model"),
        Arguments.of("model null", CHAT, "{\"model\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "missing_required_parameter", "model"),
        Arguments.of("model a number", CHAT, "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_type", "model"),
        Arguments.of("model blank", CHAT, "{\"model\":\"  \",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_type", "model"),
        Arguments.of("messages missing", CHAT, "{\"model\":\"mock-small\"}", "missing_required_parameter", "messages"),
        Arguments.of("messages empty", CHAT, "{\"model\":\"mock-small\",\"messages\":[]}", "invalid_type", "messages"),
        Arguments.of("messages an object", CHAT, "{\"model\":\"mock-small\",\"messages\":{\"role\":\"user\"}}", "invalid_type", "messages"),
        Arguments.of("message a string", CHAT, "{\"model\":\"mock-small\",\"messages\":[\"hi\"]}", "invalid_type", "messages[0]"),
        Arguments.of("role missing", CHAT, "{\"model\":\"mock-small\",\"messages\":[{\"content\":\"hi\"}]}", "invalid_type", "messages[0].role"),
        Arguments.of("role unknown", CHAT, "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"wizard\",\"content\":\"hi\"}]}", "invalid_value", "messages[1].role"),
        Arguments.of("content a number", CHAT, "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":7}]}", "invalid_type", "messages[0].content"),
        Arguments.of("temperature above 2", CHAT, chat(",\"temperature\":2.5"), "invalid_value", "temperature"),
        Arguments.of("temperature negative", CHAT, chat(",\"temperature\":-0.1"), "invalid_value", "temperature"),
        Arguments.of("temperature a string", CHAT, chat(",\"temperature\":\"hot\""), "invalid_type", "temperature"),
        Arguments.of("top_p above 1", CHAT, chat(",\"top_p\":1.5"), "invalid_value", "top_p"),
        Arguments.of("max_tokens a fraction", CHAT, chat(",\"max_tokens\":1.5"), "invalid_type", "max_tokens"),
        Arguments.of("max_tokens a string", CHAT, chat(",\"max_tokens\":\"10\""), "invalid_type", "max_tokens"),
        Arguments.of("max_tokens zero", CHAT, chat(",\"max_tokens\":0"), "invalid_value", "max_tokens"),
        Arguments.of("max_tokens above int range", CHAT, chat(",\"max_tokens\":3000000000"), "invalid_value", "max_tokens"),
        Arguments.of("max_completion_tokens negative", CHAT, chat(",\"max_completion_tokens\":-1"), "invalid_value", "max_completion_tokens"),
        Arguments.of("n zero", CHAT, chat(",\"n\":0"), "invalid_value", "n"),
        Arguments.of("stream a string", CHAT, chat(",\"stream\":\"yes\""), "invalid_type", "stream"),
        Arguments.of("stream_options a boolean", CHAT, chat(",\"stream\":true,\"stream_options\":true"), "invalid_type", "stream_options"),
        Arguments.of("include_usage a string", CHAT, chat(",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}"), "invalid_type", "stream_options.include_usage"),
        Arguments.of("embeddings input missing", EMBEDDINGS, "{\"model\":\"mock-embed\"}", "missing_required_parameter", "input"),
        Arguments.of("embeddings input a number", EMBEDDINGS, "{\"model\":\"mock-embed\",\"input\":42}", "invalid_type", "input"),
        Arguments.of("embeddings input empty", EMBEDDINGS, "{\"model\":\"mock-embed\",\"input\":[]}", "invalid_type", "input"),
        Arguments.of("embeddings input mixed", EMBEDDINGS, "{\"model\":\"mock-embed\",\"input\":[\"a\",1]}", "invalid_type", "input"),
        Arguments.of("embeddings input objects", EMBEDDINGS, "{\"model\":\"mock-embed\",\"input\":[{\"text\":\"a\"}]}", "invalid_type", "input"),
        Arguments.of("embeddings encoding unknown", EMBEDDINGS, "{\"model\":\"mock-embed\",\"input\":\"a\",\"encoding_format\":\"int8\"}", "invalid_value", "encoding_format"),
        Arguments.of("embeddings dimensions zero", EMBEDDINGS, "{\"model\":\"mock-embed\",\"input\":\"a\",\"dimensions\":0}", "invalid_value", "dimensions"),
        Arguments.of("embeddings streamed", EMBEDDINGS, "{\"model\":\"mock-embed\",\"input\":\"a\",\"stream\":true}", "invalid_value", "stream"),
        Arguments.of("completions prompt missing", COMPLETIONS, "{\"model\":\"mock-small\"}", "missing_required_parameter", "prompt"),
        Arguments.of("completions prompt a number", COMPLETIONS, "{\"model\":\"mock-small\",\"prompt\":5}", "invalid_type", "prompt"));
  }

  private static String chat(String extra) {
    return "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void invalidRequest_returns400WithOpenAiErrorNamingTheParam(String description, String path, String body, String code, String param) {
    HttpResponse<String> resp = gateway.post(path, key.secret(), body);

    String message = param == null ? assertError(resp, 400, TYPE, code) : assertError(resp, 400, TYPE, code, param);
    if (param != null) {
      assertThat(message).as("the message names the field").contains(param.replaceAll("\\[.*", ""));
    }
  }

  @Test
  void temperatureOutOfRange_messageNamesValueAndExpectation() {
    String message = assertError(gateway.post(CHAT, key.secret(), chat(",\"temperature\":2.5")), 400, TYPE, "invalid_value", "temperature");

    assertThat(message).isEqualTo("temperature: 2.5 (expected: a number 0.0..2.0)");
  }

  @Test
  void unknownModel_returns404ModelNotFound() {
    String message = assertError(gateway.post(CHAT, key.secret(), "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        404, TYPE, "model_not_found", "model");

    assertThat(message).contains("'gpt-9'");
  }

  @Test
  void unknownEmbeddingModel_returns404ModelNotFound() {
    assertError(gateway.post(EMBEDDINGS, key.secret(), "{\"model\":\"no-embed\",\"input\":\"x\"}"), 404, TYPE, "model_not_found", "model");
  }

  @Test
  void malformedJson_leavesLedgerRowWith400() {
    String requestId = RequestIds.next();
    gateway.post(CHAT, key.secret(), "{not json", requestId);

    UsageRecord row = gateway.awaitUsage(requestId);

    assertThat(row.keyId()).isEqualTo(key.key().id());
    assertThat(row.status()).isEqualTo(400);
    assertThat(row.errorClass()).contains("invalid_json");
    assertThat(row.endpoint()).isEqualTo("chat");
    assertThat(row.usage().totalTokens()).isZero();
    assertThat(row.firstTokenAt()).isEmpty();
  }

  @Test
  void unknownModel_leavesLedgerRowWith404AndTheRequestedModel() {
    String requestId = RequestIds.next();
    gateway.post(CHAT, key.secret(), "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    UsageRecord row = gateway.awaitUsage(requestId);

    assertThat(row.status()).isEqualTo(404);
    assertThat(row.errorClass()).contains("model_not_found");
    assertThat(row.modelRequested()).isEqualTo("gpt-9");
    assertThat(row.usage().totalTokens()).isZero();
  }

  @Test
  void failedStreamingRequest_leavesLedgerRowMarkedAsStream() {
    String unknownModel = RequestIds.next();
    String badField = RequestIds.next();
    gateway.post(CHAT, key.secret(), "{\"model\":\"gpt-9\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", unknownModel);
    gateway.post(CHAT, key.secret(), chat(",\"stream\":true,\"temperature\":9"), badField);

    assertThat(gateway.awaitUsage(unknownModel).stream()).isTrue();
    assertThat(gateway.awaitUsage(badField).stream()).isTrue();
  }

  @Test
  void invalidField_leavesLedgerRowWith400AndTheCode() {
    String requestId = RequestIds.next();
    gateway.post(CHAT, key.secret(), chat(",\"temperature\":9"), requestId);

    UsageRecord row = gateway.awaitUsage(requestId);

    assertThat(row.status()).isEqualTo(400);
    assertThat(row.errorClass()).contains("invalid_value");
    assertThat(row.modelRequested()).isEqualTo("mock-small");
  }

  @Test
  void unknownFields_arePassedOverAndTheRequestSucceeds() {
    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        chat(",\"seed\":7,\"logprobs\":false,\"response_format\":{\"type\":\"text\"},\"some_future_field\":{\"a\":[1,2]}"));

    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
  }
}
