package dev.tollgate.gateway;

import static dev.tollgate.providers.FakeUpstream.fixture;
import static dev.tollgate.providers.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.FakeUpstream;
import dev.tollgate.providers.GatewayHarness;
import dev.tollgate.providers.Sse;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/messages} and {@code /v1/messages/count_tokens}: errors, failures mid-stream, hang-ups, any provider. */
class MessagesRoutesTest {
  @TempDir
  Path tmp;
  FakeUpstream anthropic;
  FakeUpstream gemini;
  FakeUpstream openai;
  GatewayHarness gateway;

  @BeforeEach
  void start() {
    anthropic = FakeUpstream.start();
    gemini = FakeUpstream.start();
    openai = FakeUpstream.start();
    gateway = GatewayHarness.start(tmp, List.of(
        new ModelConfig("claude", "anthropic", "claude-sonnet-4-5", Optional.of(anthropic.baseUrl() + "/v1"),
            Optional.of("sk-ant"), Map.of(), Map.of()),
        new ModelConfig("gem", "gemini", "gemini-2.5-flash", Optional.of(gemini.baseUrl() + "/v1beta"),
            Optional.of("gm-key"), Map.of(), Map.of()),
        ModelConfig.mock("mock-small"),
        ModelConfig.openAiCompatible("gpt", "gpt-4o-mini", openai.baseUrl() + "/v1", Optional.empty())));
  }

  @AfterEach
  void stop() {
    gateway.close();
    anthropic.close();
    gemini.close();
    openai.close();
  }

  /** The (event name, data) pairs of an Anthropic stream. */
  private static List<Map.Entry<String, JsonNode>> events(String body) {
    return FakeUpstream.events(body).stream()
        .map(e -> Map.entry(String.valueOf(Sse.eventOf(e)), json(Sse.dataOf(e)))).toList();
  }

  @Test
  void missingMaxTokens_isAnAnthropicStyleError() {
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"claude","messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(json(resp.body())).isEqualTo(json("""
        {"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}"""));
    assertThat(anthropic.received()).isZero();
  }

  @Test
  void unknownModel_isA404InAnthropicShape() {
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"nope","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(resp.statusCode()).isEqualTo(404);
    assertThat(json(resp.body()).at("/error/type").asText()).isEqualTo("not_found_error");
    assertThat(json(resp.body()).path("type").asText()).isEqualTo("error");
  }

  @Test
  void missingKey_isA401InAnthropicShape() {
    HttpResponse<String> resp = gateway.post("/v1/messages", "{}", Map.of("authorization", "Bearer tg-wrong-key-000000000000"));
    assertThat(resp.statusCode()).isEqualTo(401);
    assertThat(json(resp.body()).at("/error/type").asText()).isEqualTo("authentication_error");
  }

  @Test
  void nativeUpstream4xx_keepsTheProvidersMessage_inAnthropicShape() {
    anthropic.then(FakeUpstream.json(400, fixture("anthropic/error_400.json")));
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"claude","max_tokens":100000,"messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode body = json(resp.body());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(body.at("/error/message").asText()).contains("max_tokens: 100000 > 64000");
    UsageRecord row = gateway.lastRecord();
    assertThat(row.endpoint()).isEqualTo("messages");
    assertThat(row.status()).isEqualTo(400);
  }

  @Test
  void geminiUpstream4xx_inAnthropicShape() {
    gemini.then(FakeUpstream.json(429, fixture("gemini/error_429.json")));
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"gem","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(json(resp.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
    assertThat(json(resp.body()).at("/error/message").asText()).contains("RESOURCE_EXHAUSTED");
  }

  @Test
  void geminiUpstream_nonStream_isTranslatedThroughOpenAi() {
    gemini.then(FakeUpstream.json(200, fixture("gemini/generate_cached_thinking.json")));
    JsonNode msg = json(gateway.post("/v1/messages", """
        {"model":"gem","max_tokens":500,"system":[{"type":"text","text":"Summarise."}],
         "messages":[{"role":"user","content":[{"type":"text","text":"The doc"},
           {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}]}""").body());
    assertThat(gemini.take().json()).isEqualTo(json("""
        {"contents":[{"role":"user","parts":[{"text":"The doc"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]}],
         "systemInstruction":{"parts":[{"text":"Summarise."}]},"generationConfig":{"maxOutputTokens":500}}"""));
    assertThat(msg.path("type").asText()).isEqualTo("message");
    assertThat(msg.at("/content/0/type").asText()).isEqualTo("text");
    assertThat(msg.at("/content/0/text").asText()).isEqualTo("Summary of the cached document.");
    assertThat(msg.at("/usage/input_tokens").asLong()).isEqualTo(1000);
    assertThat(msg.at("/usage/cache_read_input_tokens").asLong()).isEqualTo(4000);
    assertThat(msg.at("/usage/output_tokens").asLong()).isEqualTo(500);
  }

  @Test
  void mockProvider_stream_speaksAnthropicEvents() {
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"mock-small","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hello there"}]}""");
    assertThat(resp.statusCode()).isEqualTo(200);
    List<Map.Entry<String, JsonNode>> events = events(resp.body());
    assertThat(events.get(0).getKey()).isEqualTo("message_start");
    assertThat(events.get(0).getValue().at("/message/usage/input_tokens").asLong()).isPositive();
    assertThat(events.get(events.size() - 2).getKey()).isEqualTo("message_delta");
    assertThat(events.get(events.size() - 1).getKey()).isEqualTo("message_stop");
    events.forEach(e -> assertThat(e.getValue().path("type").asText()).isEqualTo(e.getKey()));
    UsageRecord row = gateway.lastRecord();
    assertThat(events.get(events.size() - 2).getValue().at("/usage/output_tokens").asLong()).isEqualTo(row.usage().outputTokens());
    assertThat(events.get(events.size() - 2).getValue().at("/usage/input_tokens").asLong()).isEqualTo(row.usage().inputTokens());
  }

  @Test
  void nativeStream_errorEventMidStream_isAnAnthropicErrorEvent() {
    anthropic.then(FakeUpstream.sse(fixture("anthropic/stream_overloaded.sse"), 1));
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"claude","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    List<Map.Entry<String, JsonNode>> events = events(resp.body());
    Map.Entry<String, JsonNode> last = events.get(events.size() - 1);
    assertThat(last.getKey()).isEqualTo("error");
    assertThat(last.getValue().path("type").asText()).isEqualTo("error");
    assertThat(last.getValue().at("/error/message").asText()).contains("overloaded_error");
    assertThat(events).extracting(Map.Entry::getKey).doesNotContain("message_stop");
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.usage().inputTokens()).isEqualTo(25);
    assertThat(row.flags()).contains(UsageFlag.ESTIMATED);
  }

  @Test
  void translatedStream_upstreamReset_isAnAnthropicErrorEvent() {
    List<String> first = FakeUpstream.events(fixture("gemini/stream_text.sse")).subList(0, 2);
    gemini.then(FakeUpstream.sse(first, 5, FakeUpstream.Ending.RESET));
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"gem","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    List<Map.Entry<String, JsonNode>> events = events(resp.body());
    assertThat(events.get(0).getKey()).isEqualTo("message_start");
    assertThat(events).extracting(Map.Entry::getKey).contains("content_block_delta");
    assertThat(events.get(events.size() - 1).getKey()).isEqualTo("error");
    assertThat(events.get(events.size() - 1).getValue().at("/error/type").asText()).isEqualTo("api_error");
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.usage().inputTokens()).isEqualTo(8);
  }

  @Test
  void nativeStream_clientDisconnect_resetsTheUpstream() throws Exception {
    List<String> first = FakeUpstream.events(fixture("anthropic/stream_text.sse")).subList(0, 4);
    anthropic.then(FakeUpstream.sse(first, 5, FakeUpstream.Ending.HANG));
    String read = gateway.postAndHangUpAfter("/v1/messages", """
        {"model":"claude","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", "Hello");
    assertThat(read).contains("event: content_block_delta");
    anthropic.cancelled.get(10, TimeUnit.SECONDS);
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(499);
    assertThat(row.flags()).contains(UsageFlag.CLIENT_CLOSED, UsageFlag.ESTIMATED);
    assertThat(row.usage().inputTokens()).isEqualTo(25);
    assertThat(row.usage().outputTokens()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void translatedStream_clientDisconnect_resetsTheUpstream() throws Exception {
    List<String> first = FakeUpstream.events(fixture("gemini/stream_text.sse")).subList(0, 1);
    gemini.then(FakeUpstream.sse(first, 5, FakeUpstream.Ending.HANG));
    gateway.postAndHangUpAfter("/v1/messages", """
        {"model":"gem","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", "Hello");
    gemini.cancelled.get(10, TimeUnit.SECONDS);
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(499);
    assertThat(row.endpoint()).isEqualTo("messages");
    assertThat(row.usage().inputTokens()).isEqualTo(8);
  }

  @Test
  void countTokens_answersWithTheTokenizer_andChecksTheKeysModels() {
    HttpResponse<String> resp = gateway.post("/v1/messages/count_tokens", """
        {"model":"claude","system":"You are a scientist","messages":[{"role":"user","content":"Hello, Claude"}]}""");
    assertThat(resp.statusCode()).isEqualTo(200);
    JsonNode body = json(resp.body());
    assertThat(body.fieldNames()).toIterable().containsExactly("input_tokens");
    long plain = body.path("input_tokens").asLong();
    assertThat(plain).isBetween(8L, 30L);
    long withTools = json(gateway.post("/v1/messages/count_tokens", """
        {"model":"claude","system":"You are a scientist","messages":[{"role":"user","content":"Hello, Claude"}],
         "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}""")
        .body()).path("input_tokens").asLong();
    assertThat(withTools).isGreaterThan(plain);
    assertThat(anthropic.received()).isZero();
    assertThat(gateway.post("/v1/messages/count_tokens", "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
        .statusCode()).isEqualTo(404);
  }

  @Test
  void translatedStream_upstreamWithoutUsage_isEstimatedWithTheTokenizer() {
    List<String> noUsage = FakeUpstream.events(fixture("openai/stream_text.sse")).stream()
        .filter(e -> !e.contains("\"usage\"")).toList();
    openai.then(FakeUpstream.sse(noUsage, 1, FakeUpstream.Ending.END));
    HttpResponse<String> resp = gateway.post("/v1/messages", """
        {"model":"gpt","max_tokens":50,"stream":true,"system":"Be brief.","messages":[{"role":"user","content":"Say hello world"}]}""");
    List<Map.Entry<String, JsonNode>> events = events(resp.body());
    JsonNode delta = events.get(events.size() - 2).getValue();
    UsageRecord row = gateway.lastRecord();
    assertThat(row.flags()).contains(UsageFlag.ESTIMATED);
    assertThat(row.usage().outputTokens()).isEqualTo(2); // "Hello world"
    assertThat(row.usage().inputTokens()).isPositive();
    assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(2);
    assertThat(delta.at("/usage/input_tokens").asLong()).isEqualTo(row.usage().inputTokens());
  }
}
