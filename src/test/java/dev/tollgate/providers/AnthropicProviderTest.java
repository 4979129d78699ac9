package dev.tollgate.providers;

import static dev.tollgate.providers.FakeUpstream.fixture;
import static dev.tollgate.providers.GatewayHarness.dataEvents;
import static dev.tollgate.providers.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.usage.TokenUsage;
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

/** {@code /v1/chat/completions} served by the {@code anthropic} adapter against a fake Anthropic API. */
class AnthropicProviderTest {
  @TempDir
  Path tmp;
  FakeUpstream upstream;
  GatewayHarness gateway;

  @BeforeEach
  void start() {
    upstream = FakeUpstream.start();
    gateway = GatewayHarness.start(tmp, List.of(new ModelConfig("claude", "anthropic", "claude-sonnet-4-5",
        Optional.of(upstream.baseUrl() + "/v1"), Optional.of("sk-ant-test"), Map.of(), Map.of())));
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.close();
  }

  @Test
  void chat_sendsExactMessagesRequest_andAnswersInOpenAiFormat() {
    upstream.then(FakeUpstream.json(200, fixture("anthropic/message_text.json")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","messages":[
          {"role":"system","content":"You are terse."},
          {"role":"user","content":[{"type":"text","text":"What is in these images?"},
            {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
           "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
         "tool_choice":"required","parallel_tool_calls":false,"stop":["END"],"temperature":0.5,"top_p":0.9,
         "user":"u-42","seed":7}""");

    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.path()).isEqualTo("/v1/messages");
    assertThat(req.query()).isNull();
    assertThat(req.headers()).containsEntry("x-api-key", "sk-ant-test").containsEntry("anthropic-version", "2023-06-01")
        .containsEntry("content-type", "application/json").doesNotContainKey("authorization");
    assertThat(req.json()).isEqualTo(json("""
        {"model":"claude-sonnet-4-5","max_tokens":4096,"system":"You are terse.",
         "messages":[{"role":"user","content":[{"type":"text","text":"What is in these images?"},
           {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
           {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}],
         "temperature":0.5,"top_p":0.9,"stop_sequences":["END"],
         "tools":[{"name":"get_weather","description":"Weather for a city",
           "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true},
         "metadata":{"user_id":"u-42"}}"""));

    assertThat(resp.statusCode()).isEqualTo(200);
    JsonNode body = json(resp.body());
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
    assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hi! My name is Claude.");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(2095);
    assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(503);

    UsageRecord row = gateway.lastRecord();
    assertThat(row.provider()).isEqualTo("anthropic");
    assertThat(row.modelRequested()).isEqualTo("claude");
    assertThat(row.modelServed()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(row.status()).isEqualTo(200);
    assertThat(row.usage()).isEqualTo(TokenUsage.of(2095, 503));
  }

  @Test
  void chat_toolCallRoundTrip_becomesToolUseAndToolResultBlocks() {
    upstream.then(FakeUpstream.json(200, fixture("anthropic/message_tool_use.json")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","max_completion_tokens":300,"messages":[
          {"role":"user","content":"Weather in Paris and London?"},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
            {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"London\\"}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"18C"},
          {"role":"tool","tool_call_id":"call_2","content":"12C"},
          {"role":"user","content":"Compare them."}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}}}""");

    assertThat(upstream.take().json()).isEqualTo(json("""
        {"model":"claude-sonnet-4-5","max_tokens":300,
         "messages":[
           {"role":"user","content":"Weather in Paris and London?"},
           {"role":"assistant","content":[
             {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
             {"type":"tool_use","id":"call_2","name":"get_weather","input":{"city":"London"}}]},
           {"role":"user","content":[
             {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
             {"type":"tool_result","tool_use_id":"call_2","content":"12C"},
             {"type":"text","text":"Compare them."}]}],
         "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
         "tool_choice":{"type":"tool","name":"get_weather"}}"""));

    JsonNode body = json(resp.body());
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("I'll check the current weather in Paris for you.");
    JsonNode call = body.at("/choices/0/message/tool_calls/0");
    assertThat(call.path("id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(json(call.at("/function/arguments").asText())).isEqualTo(json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
  }

  @Test
  void chat_stream_translatesEachEventAsItArrives_withUsageChunk() {
    upstream.then(FakeUpstream.sse(fixture("anthropic/stream_tool_use.sse"), 1));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","stream":true,"stream_options":{"include_usage":true},
         "messages":[{"role":"user","content":"Weather in Paris?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");

    JsonNode sent = upstream.take().json();
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(resp.body()).endsWith("data: [DONE]\n\n");
    List<JsonNode> chunks = dataEvents(resp.body());
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(c.path("id").asText()).isEqualTo("msg_014p7gG3wDgGV9EUtLvnow3U");
    });
    assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    StringBuilder args = new StringBuilder();
    for (JsonNode c : chunks) {
      text.append(c.at("/choices/0/delta/content").asText(""));
      args.append(c.at("/choices/0/delta/tool_calls/0/function/arguments").asText(""));
    }
    assertThat(text.toString()).isEqualTo("Okay, let's check the weather.");
    assertThat(json(args.toString())).isEqualTo(json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
    JsonNode header = chunks.stream().filter(c -> c.at("/choices/0/delta/tool_calls/0/id").isTextual()).findFirst().orElseThrow();
    assertThat(header.at("/choices/0/delta/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(header.at("/choices/0/delta/tool_calls/0/index").asInt()).isEqualTo(0);
    JsonNode finish = chunks.get(chunks.size() - 2);
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode usage = chunks.get(chunks.size() - 1);
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.at("/usage/prompt_tokens").asLong()).isEqualTo(472);
    assertThat(usage.at("/usage/completion_tokens").asLong()).isEqualTo(89);

    UsageRecord row = gateway.lastRecord();
    assertThat(row.stream()).isTrue();
    assertThat(row.usage()).isEqualTo(TokenUsage.of(472, 89));
    assertThat(row.flags()).doesNotContain(UsageFlag.ESTIMATED);
  }

  @Test
  void stream_withoutIncludeUsage_hidesTheUsageChunk_butRecordsUsage() {
    upstream.then(FakeUpstream.sse(fixture("anthropic/stream_text.sse"), 1));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    List<JsonNode> chunks = dataEvents(resp.body());
    assertThat(chunks).noneMatch(c -> c.has("usage"));
    assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(gateway.lastRecord().usage()).isEqualTo(TokenUsage.of(25, 15));
  }

  @Test
  void usage_cacheReadsWritesAndThinking_areDisjoint_nonStream() {
    upstream.then(FakeUpstream.json(200, fixture("anthropic/message_cached_thinking.json")));
    JsonNode body = json(gateway.post("/v1/chat/completions", """
        {"model":"claude","messages":[{"role":"user","content":"2+2?"}]}""").body());
    // input_tokens (21) excludes the cache; reads 3000; writes 1000 (5m) + 500 (1h); thinking 80 inside output 120
    TokenUsage expected = new TokenUsage(21, 3000, 1000, 500, 0, 0, 120, 80, 0);
    UsageRecord row = gateway.lastRecord();
    assertThat(row.usage()).isEqualTo(expected);
    assertThat(row.usage().totalInputTokens()).isEqualTo(21 + 3000 + 1500);
    assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(4521);
    assertThat(body.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(3000);
    assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(120);
    assertThat(body.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(80);
    assertThat(body.at("/choices/0/message/reasoning_content").asText()).isEqualTo("The user wants the sum. 2 + 2 = 4.");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("The answer is 4.");
  }

  @Test
  void usage_cacheWriteWithoutTtlSplit_isAllFiveMinutes() {
    upstream.then(FakeUpstream.json(200, fixture("anthropic/message_cache_write_no_split.json")));
    gateway.post("/v1/chat/completions", "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(gateway.lastRecord().usage()).isEqualTo(new TokenUsage(10, 0, 2048, 0, 0, 0, 3, 0, 0));
  }

  @Test
  void usage_stream_mergesMessageStartAndMessageDelta() {
    upstream.then(FakeUpstream.sse(fixture("anthropic/stream_thinking_cached.sse"), 1));
    String body = gateway.post("/v1/chat/completions", """
        {"model":"claude","stream":true,"messages":[{"role":"user","content":"2+2?"}]}""").body();
    StringBuilder reasoning = new StringBuilder();
    for (JsonNode c : dataEvents(body)) {
      reasoning.append(c.at("/choices/0/delta/reasoning_content").asText(""));
    }
    assertThat(reasoning.toString()).isEqualTo("2 + 2 = 4.");
    assertThat(gateway.lastRecord().usage()).isEqualTo(new TokenUsage(21, 3000, 1000, 500, 0, 0, 120, 80, 0));
  }

  @Test
  void upstream4xx_isMappedWithTheProvidersMessage_inOpenAiShape() {
    upstream.then(FakeUpstream.json(400, fixture("anthropic/error_400.json")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","max_tokens":100000,"messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode error = json(resp.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("code").asText()).isEqualTo("upstream_rejected");
    assertThat(error.path("message").asText()).contains("invalid_request_error: max_tokens: 100000 > 64000");
    UsageRecord row = gateway.lastRecord();
    assertThat(row.status()).isEqualTo(400);
    assertThat(row.errorClass()).hasValue("upstream_rejected");
  }

  @Test
  void upstream429_staysA429() {
    upstream.then(FakeUpstream.json(429, fixture("anthropic/error_429.json")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(json(resp.body()).at("/error/message").asText()).contains("rate_limit_error");
  }

  @Test
  void upstreamResetMidStream_endsWithAnErrorEvent_andRecordsAFailureWithExactInput() {
    List<String> events = FakeUpstream.events(fixture("anthropic/stream_text.sse")).subList(0, 5);
    upstream.then(FakeUpstream.sse(events, 5, FakeUpstream.Ending.RESET));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(resp.statusCode()).isEqualTo(200);
    List<JsonNode> chunks = dataEvents(resp.body());
    assertThat(chunks.get(1).at("/choices/0/delta/content").asText()).isEqualTo("Hello");
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.at("/error/type").asText()).isEqualTo("upstream_error");
    assertThat(resp.body()).doesNotContain("[DONE]");
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.flags()).contains(UsageFlag.ESTIMATED);
    assertThat(row.usage().inputTokens()).isEqualTo(25); // message_start's exact count, not a guess
    assertThat(row.usage().outputTokens()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void errorEventMidStream_isRelayedAsAnError_andTheRowIsFailed() {
    upstream.then(FakeUpstream.sse(fixture("anthropic/stream_overloaded.sse"), 1));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"claude","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    List<JsonNode> chunks = dataEvents(resp.body());
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.at("/error/message").asText()).contains("overloaded_error: Overloaded");
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.errorClass()).hasValue("upstream_error");
  }

  @Test
  void clientDisconnect_resetsTheUpstream_andRecordsWhatWasProduced() throws Exception {
    List<String> events = FakeUpstream.events(fixture("anthropic/stream_text.sse")).subList(0, 5);
    upstream.then(FakeUpstream.sse(events, 5, FakeUpstream.Ending.HANG));
    String read = gateway.postAndHangUpAfter("/v1/chat/completions", """
        {"model":"claude","stream":true,"messages":[{"role":"user","content":"Hi"}]}""", "Hello");
    assertThat(read).contains("Hello");
    upstream.cancelled.get(10, TimeUnit.SECONDS); // the gateway reset the upstream request
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(499);
    assertThat(row.flags()).contains(UsageFlag.CLIENT_CLOSED, UsageFlag.ESTIMATED);
    assertThat(row.usage().inputTokens()).isEqualTo(25);
    assertThat(row.usage().outputTokens()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void embeddings_onAnAnthropicModel_isAClear400_withoutCallingUpstream() {
    HttpResponse<String> resp = gateway.post("/v1/embeddings", "{\"model\":\"claude\",\"input\":\"x\"}");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(json(resp.body()).at("/error/code").asText()).isEqualTo("unsupported_operation");
    assertThat(upstream.received()).isZero();
  }
}
