package dev.tollgate.providers;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static dev.tollgate.testing.OpenAiErrors.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.auth.KeyService;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.FakeUpstream.Received;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code openai-compatible} provider against a fake upstream that is a real HTTP server speaking
 * OpenAI's wire format: what is sent upstream, how upstream failures reach the caller, and what the
 * ledger records for streams.
 */
class OpenAiCompatibleProviderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String CHAT = "/v1/chat/completions";
  private static final String UPSTREAM_MODEL = "gpt-4o-mini-2024-07-18";
  private static final String UPSTREAM_KEY = "sk-upstream-secret-123";

  @TempDir
  static Path dir;
  static FakeUpstream upstream;
  static TestGateway gateway;
  static KeyService.CreatedKey key;

  @BeforeAll
  static void start() {
    upstream = FakeUpstream.start();
    gateway = TestGateway.builder(dir)
        .model(ModelConfig.openAiCompatible("up-chat", UPSTREAM_MODEL, upstream.baseUrl(), Optional.of(UPSTREAM_KEY)))
        .model(ModelConfig.openAiCompatible("up-down", UPSTREAM_MODEL, "http://127.0.0.1:" + FakeUpstream.closedPort() + "/v1", Optional.empty()))
        .start();
    key = gateway.createKey();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
  }

  @BeforeEach
  void reset() {
    upstream.clearRequests();
    upstream.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion(UPSTREAM_MODEL, "Hello from upstream.", 9, 4)));
  }

  private static ObjectNode parse(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }

  // ---- what goes upstream ----

  @Test
  void chat_sendsTheCallersRequestUpstreamWithOnlyTheModelRewritten() {
    String body = """
        {"model":"up-chat","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"weather?"}],
         "temperature":0.7,"seed":42,"response_format":{"type":"json_object"},"logit_bias":{"50256":-100},
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
           "properties":{"city":{"type":"string"}},"required":["city"]}}}],
         "tool_choice":"auto","parallel_tool_calls":false,"user":"u-1","a_field_from_the_future":{"x":[1,2.5,null]}}""";
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(), body, requestId);

    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    Received sent = upstream.takeRequest();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
    assertThat(sent.headers().get("content-type")).startsWith("application/json");
    assertThat(sent.headers().get("x-request-id")).isEqualTo(requestId);
    assertThat(sent.headers().toString()).doesNotContain(key.secret());
    ObjectNode expected = parse(body).put("model", UPSTREAM_MODEL);
    assertThat(sent.json()).isEqualTo(expected);
  }

  @Test
  void chat_relaysTheUpstreamAnswerAndRecordsItsUsage() {
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(parse(resp.body())).isEqualTo(parse(FakeUpstream.chatCompletion(UPSTREAM_MODEL, "Hello from upstream.", 9, 4)));
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.provider()).isEqualTo("openai-compatible");
    assertThat(row.modelRequested()).isEqualTo("up-chat");
    assertThat(row.modelServed()).isEqualTo(UPSTREAM_MODEL);
    assertThat(row.usage().totalInputTokens()).isEqualTo(9);
    assertThat(row.usage().totalOutputTokens()).isEqualTo(4);
    assertThat(row.status()).isEqualTo(200);
    assertThat(row.flags()).isEmpty();
  }

  @Test
  void chat_throughTheSdk_parsesTheRelayedAnswer() {
    OpenAIClient openAi = gateway.openAi(key.secret());

    ChatCompletion completion = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("up-chat").addUserMessage("hi").build());

    assertThat(completion.choices().getFirst().message().content()).contains("Hello from upstream.");
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(13);
    assertThat(upstream.takeRequest().json().get("messages").get(0).get("content").asText()).isEqualTo("hi");
  }

  @Test
  void stream_forcesIncludeUsageUpstreamAndLeavesTheRestAlone() {
    upstream.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk(UPSTREAM_MODEL, "Hi"),
        FakeUpstream.finishChunk(UPSTREAM_MODEL), FakeUpstream.usageChunk(UPSTREAM_MODEL, 5, 1))));
    String body = "{\"model\":\"up-chat\",\"stream\":true,\"seed\":3,\"stream_options\":{\"include_usage\":false},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(), body);

    assertThat(resp.statusCode()).isEqualTo(200);
    Received sent = upstream.takeRequest();
    assertThat(sent.headers().get("accept")).isEqualTo("text/event-stream");
    ObjectNode expected = parse(body).put("model", UPSTREAM_MODEL);
    ((ObjectNode) expected.get("stream_options")).put("include_usage", true);
    assertThat(sent.json()).isEqualTo(expected);
  }

  @Test
  void stream_withoutStreamOptions_addsIncludeUsageUpstream() {
    upstream.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk(UPSTREAM_MODEL, "Hi"), FakeUpstream.usageChunk(UPSTREAM_MODEL, 5, 1))));

    gateway.post(CHAT, key.secret(), "{\"model\":\"up-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    JsonNode sent = upstream.takeRequest().json();
    assertThat(sent.get("stream").asBoolean()).isTrue();
    assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
  }

  // ---- upstream failures ----

  @Test
  void upstream500_returns502UpstreamErrorAndLedgerRow() {
    upstream.replyWith(FakeUpstream.json(500, FakeUpstream.error("The server had an error", "server_error", "internal")));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    assertError(resp, 502, "upstream_error", "upstream_error");
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.errorClass()).contains("upstream_error");
    assertThat(row.provider()).isEqualTo("openai-compatible");
    assertThat(row.usage().totalTokens()).isZero();
  }

  @Test
  void upstream400_returns400CarryingTheUpstreamMessage() {
    upstream.replyWith(FakeUpstream.json(400, FakeUpstream.error(
        "Invalid schema for function 'get_weather': 'strange' is not valid", "invalid_request_error", "invalid_function_parameters")));

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(), "{\"model\":\"up-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    String message = assertError(resp, 400, "invalid_request_error", "upstream_rejected");
    assertThat(message).contains("Invalid schema for function 'get_weather': 'strange' is not valid");
  }

  @Test
  void upstream429_returns429() {
    upstream.replyWith(FakeUpstream.json(429, FakeUpstream.error("Rate limit reached for requests", "requests", "rate_limit_exceeded")));

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(), "{\"model\":\"up-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    String message = assertError(resp, 429, "rate_limit_error", "upstream_rate_limited");
    assertThat(message).contains("Rate limit reached for requests");
  }

  @Test
  void upstream429WithRetryAfter_passesItOnToTheCaller() {
    String body = FakeUpstream.error("Rate limit reached for requests", "requests", "rate_limit_exceeded");
    upstream.replyWith((req, vertx) -> req.response().setStatusCode(429).putHeader("content-type", "application/json")
        .putHeader("retry-after", "7").end(body));

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(), "{\"model\":\"up-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertError(resp, 429, "rate_limit_error", "upstream_rate_limited");
    assertThat(resp.headers().firstValue("retry-after")).hasValue("7");
  }

  @Test
  void upstream200WithoutJson_returns502() {
    upstream.replyWith((req, vertx) -> req.response().putHeader("content-type", "text/html").end("<html>proxy error</html>"));

    assertError(gateway.post(CHAT, key.secret(), "{\"model\":\"up-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        502, "upstream_error", "upstream_error");
  }

  @Test
  void connectionRefused_returns502AndLedgerRow() {
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-down\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    String message = assertError(resp, 502, "upstream_error", "upstream_error");
    assertThat(message).contains("unreachable");
    assertThat(gateway.awaitUsage(requestId).status()).isEqualTo(502);
  }

  @Test
  void connectionRefused_whenStreaming_returns502Json() {
    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-down\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertError(resp, 502, "upstream_error", "upstream_error");
  }

  @Test
  void upstream500_whenStreaming_returns502JsonBeforeAnyEvent() {
    upstream.replyWith(FakeUpstream.json(500, FakeUpstream.error("boom", "server_error", "internal")));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    assertError(resp, 502, "upstream_error", "upstream_error");
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.stream()).isTrue();
  }

  // ---- streams and the ledger ----

  @Test
  void stream_hidesTheUsageChunkFromACallerWhoDidNotAskButRecordsIt() {
    upstream.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk(UPSTREAM_MODEL, "Hello"), FakeUpstream.chunk(UPSTREAM_MODEL, " world"),
        FakeUpstream.finishChunk(UPSTREAM_MODEL), FakeUpstream.usageChunk(UPSTREAM_MODEL, 11, 2))));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    List<String> events = dataEvents(resp.body());
    assertThat(events).hasSize(4).endsWith("[DONE]");
    assertThat(events.subList(0, 3)).allSatisfy(e -> assertThat(parse(e).get("choices")).isNotEmpty());
    assertThat(events).noneMatch(e -> e.contains("\"prompt_tokens\""));
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.usage().totalInputTokens()).isEqualTo(11);
    assertThat(row.usage().totalOutputTokens()).isEqualTo(2);
    assertThat(row.flags()).doesNotContain(UsageFlag.ESTIMATED);
    assertThat(row.stream()).isTrue();
    assertThat(row.status()).isEqualTo(200);
    assertThat(row.firstTokenAt()).isPresent();
  }

  @Test
  void stream_showsTheUsageChunkToACallerWhoAsked() {
    upstream.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk(UPSTREAM_MODEL, "Hello"),
        FakeUpstream.finishChunk(UPSTREAM_MODEL), FakeUpstream.usageChunk(UPSTREAM_MODEL, 11, 1))));
    OpenAIClient openAi = gateway.openAi(key.secret());

    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("up-chat").addUserMessage("hi")
        .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      chunks = stream.stream().toList();
    }

    assertThat(chunks).hasSize(3);
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(12));
  }

  @Test
  void stream_withoutUsageFromUpstream_isEstimatedWithTheTokenizer() {
    upstream.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk(UPSTREAM_MODEL, "The answer is"),
        FakeUpstream.chunk(UPSTREAM_MODEL, " forty-two."), FakeUpstream.finishChunk(UPSTREAM_MODEL))));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"What is the answer?\"}]}", requestId);

    assertThat(resp.statusCode()).isEqualTo(200);
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.flags()).containsExactly(UsageFlag.ESTIMATED);
    assertThat(row.usage().totalInputTokens()).isPositive();
    assertThat(row.usage().totalOutputTokens()).isPositive();
    assertThat(row.status()).isEqualTo(200);
  }

  @Test
  void stream_upstreamBreaksMidStream_sendsSseErrorEventAndRecords502() {
    upstream.replyWith(FakeUpstream.sseThenBreak(List.of(FakeUpstream.chunk(UPSTREAM_MODEL, "Partial"),
        FakeUpstream.chunk(UPSTREAM_MODEL, " answer"))));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    assertThat(resp.statusCode()).as("the head was already sent").isEqualTo(200);
    List<String> events = dataEvents(resp.body());
    assertThat(events).hasSize(3);
    assertThat(parse(events.get(0)).at("/choices/0/delta/content").asText()).isEqualTo("Partial");
    assertThat(parse(events.get(1)).at("/choices/0/delta/content").asText()).isEqualTo(" answer");
    assertErrorJson(events.get(2), "upstream_error", "upstream_error");
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.errorClass()).contains("upstream_error");
    assertThat(row.flags()).contains(UsageFlag.ESTIMATED);
    assertThat(row.usage().totalOutputTokens()).as("the two relayed chunks").isPositive();
  }

  @Test
  void stream_upstreamEndsWithoutDone_sendsSseErrorEventAndRecords502() {
    upstream.replyWith((req, vertx) -> req.response().setChunked(true).putHeader("content-type", "text/event-stream")
        .end("data: " + FakeUpstream.chunk(UPSTREAM_MODEL, "cut") + "\n\n"));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    List<String> events = dataEvents(resp.body());
    assertThat(events).hasSize(2);
    assertErrorJson(events.get(1), "upstream_error", "upstream_error");
    assertThat(gateway.awaitUsage(requestId).status()).isEqualTo(502);
  }

  @Test
  void stream_withCrlfFramingCommentsAndEventsSplitAcrossWrites_isRelayedEventByEvent() {
    String first = FakeUpstream.chunk(UPSTREAM_MODEL, "Hello");
    String second = FakeUpstream.chunk(UPSTREAM_MODEL, " there");
    String usage = FakeUpstream.usageChunk(UPSTREAM_MODEL, 4, 2);
    upstream.replyWith((req, vertx) -> {
      var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      resp.write(": keep-alive\r\n\r\n");
      resp.write("data: " + first + "\r\n\r\ndata: " + second.substring(0, 40));
      vertx.setTimer(50, id -> {
        resp.write(second.substring(40) + "\n");
        vertx.setTimer(50, id2 -> resp.end("\ndata: " + usage + "\n\ndata: [DONE]\r\n\r\n"));
      });
    });
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post(CHAT, key.secret(),
        "{\"model\":\"up-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    assertThat(dataEvents(resp.body())).containsExactly(first, second, "[DONE]");
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.usage().totalInputTokens()).isEqualTo(4);
    assertThat(row.usage().totalOutputTokens()).isEqualTo(2);
    assertThat(row.flags()).isEmpty();
  }

  /** The {@code data:} payloads of an SSE body, in order; comments (the gateway's cost line) are skipped as SSE parsers do. */
  static List<String> dataEvents(String sseBody) {
    List<String> out = new ArrayList<>();
    for (String event : sseBody.split("\n\n")) {
      if (event.startsWith(":")) {
        continue;
      }
      if (event.startsWith("data: ")) {
        out.add(event.substring("data: ".length()));
      } else if (!event.isBlank()) {
        throw new AssertionError("not an SSE data event: '" + event + "' in " + sseBody);
      }
    }
    return out;
  }
}
