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

/** {@code /v1/chat/completions} served by the {@code gemini} adapter against a fake Gemini API. */
class GeminiProviderTest {
  private static final String SIGNATURE = "CiQBVKhc7uZVqAcZpbl4SfqFQ3wF5IcmKVRM0ZP1yzYzFhQ=";
  @TempDir
  Path tmp;
  FakeUpstream upstream;
  GatewayHarness gateway;

  @BeforeEach
  void start() {
    upstream = FakeUpstream.start();
    gateway = GatewayHarness.start(tmp, List.of(
        new ModelConfig("gem", "gemini", "gemini-2.5-flash", Optional.of(upstream.baseUrl() + "/v1beta"),
            Optional.of("gm-key"), Map.of(), Map.of()),
        new ModelConfig("gem3", "gemini", "gemini-3-pro-preview", Optional.of(upstream.baseUrl() + "/v1beta"),
            Optional.of("gm-key"), Map.of(), Map.of())));
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.close();
  }

  @Test
  void chat_sendsExactGenerateContentRequest_andAnswersInOpenAiFormat() {
    upstream.then(FakeUpstream.json(200, fixture("gemini/generate_text.json")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"gem","messages":[
          {"role":"system","content":"Be brief."},
          {"role":"user","content":[{"type":"text","text":"Describe"},
            {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}},
            {"type":"image_url","image_url":{"url":"https://example.com/photo.png"}}]}],
         "temperature":0.2,"top_p":0.8,"max_tokens":256,"stop":"STOP!","n":1,"seed":3,
         "response_format":{"type":"json_object"},
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
           "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
         "tool_choice":"auto"}""");

    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(req.query()).isNull();
    assertThat(req.headers()).containsEntry("x-goog-api-key", "gm-key").containsEntry("content-type", "application/json")
        .doesNotContainKey("authorization");
    assertThat(req.json()).isEqualTo(json("""
        {"contents":[{"role":"user","parts":[{"text":"Describe"},
           {"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}},
           {"fileData":{"mimeType":"image/png","fileUri":"https://example.com/photo.png"}}]}],
         "systemInstruction":{"parts":[{"text":"Be brief."}]},
         "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather for a city",
           "parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}},
         "generationConfig":{"temperature":0.2,"topP":0.8,"maxOutputTokens":256,"stopSequences":["STOP!"],
           "candidateCount":1,"seed":3,"responseMimeType":"application/json"}}"""));

    assertThat(resp.statusCode()).isEqualTo(200);
    JsonNode body = json(resp.body());
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).isEqualTo("K2mWaPq0A8WNz7IPm5qGsQQ");
    assertThat(body.path("model").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello! How can I help you today?");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(8);
    assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(9);
    UsageRecord row = gateway.lastRecord();
    assertThat(row.provider()).isEqualTo("gemini");
    assertThat(row.modelServed()).isEqualTo("gemini-2.5-flash");
    assertThat(row.usage()).isEqualTo(TokenUsage.of(8, 9));
  }

  @Test
  void chat_toolCallRoundTrip_carriesFunctionNamesAndThoughtSignatures() {
    upstream.then(FakeUpstream.json(200, fixture("gemini/generate_function_call.json")));
    JsonNode first = json(gateway.post("/v1/chat/completions", """
        {"model":"gem","messages":[{"role":"user","content":"Weather in Paris?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
         "tool_choice":"required"}""").body());
    assertThat(upstream.take().json().at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("ANY");
    assertThat(first.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(first.at("/choices/0/message/content").isNull()).isTrue();
    JsonNode call = first.at("/choices/0/message/tool_calls/0");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(json(call.at("/function/arguments").asText())).isEqualTo(json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
    assertThat(call.at("/extra_content/google/thought_signature").asText()).isEqualTo(SIGNATURE);
    String id = call.path("id").asText();
    // carried URL-safe in the id, so the id stays [A-Za-z0-9_-] (replayable to Anthropic too)
    assertThat(id).startsWith("call_").endsWith("__ts__" + SIGNATURE.replace("=", "")).matches("[A-Za-z0-9_-]+");
    // thinking tokens are outside candidatesTokenCount: output = 20 + 50, reasoning 50
    assertThat(first.at("/usage/completion_tokens").asLong()).isEqualTo(70);
    assertThat(first.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(50);

    // the client sends the history back with only the id (no extra_content): the signature still travels
    upstream.then(FakeUpstream.json(200, fixture("gemini/generate_text.json")));
    gateway.post("/v1/chat/completions", """
        {"model":"gem","messages":[{"role":"user","content":"Weather in Paris?"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"%s","type":"function",
            "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\",\\"unit\\":\\"celsius\\"}"}}]},
          {"role":"tool","tool_call_id":"%s","content":"{\\"temp\\":18}"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"""
        .formatted(id, id));
    assertThat(upstream.take().json().path("contents")).isEqualTo(json("""
        [{"role":"user","parts":[{"text":"Weather in Paris?"}]},
         {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris","unit":"celsius"}},
           "thoughtSignature":"%s"}]},
         {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":{"temp":18}}}}]}]"""
        .formatted(SIGNATURE)));
  }

  @Test
  void gemini3_historyWithoutSignature_getsGooglesPlaceholder() {
    upstream.then(FakeUpstream.json(200, fixture("gemini/generate_text.json")));
    gateway.post("/v1/chat/completions", """
        {"model":"gem3","messages":[{"role":"user","content":"Weather?"},
          {"role":"assistant","tool_calls":[{"id":"call_9","type":"function","function":{"name":"w","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_9","content":"sunny"}]}""");
    JsonNode sent = upstream.take().json();
    assertThat(sent.at("/contents/1/parts/0/thoughtSignature").asText()).isEqualTo("skip_thought_signature_validator");
    assertThat(sent.at("/contents/2/parts/0/functionResponse/response/result").asText()).isEqualTo("sunny");
  }

  @Test
  void chat_stream_translatesEachEvent_withThoughtsInTheUsage() {
    String crlf = fixture("gemini/stream_text.sse");
    assertThat(crlf).contains("\r\n\r\n");
    upstream.then(FakeUpstream.sse(crlf, 1));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"gem","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""");
    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    assertThat(req.query()).isEqualTo("alt=sse");
    assertThat(req.headers()).containsEntry("accept", "text/event-stream");

    assertThat(resp.body()).endsWith("data: [DONE]\n\n");
    List<JsonNode> chunks = dataEvents(resp.body());
    assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(chunks).allSatisfy(c -> assertThat(c.path("id").asText()).isEqualTo("stream1"));
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> text.append(c.at("/choices/0/delta/content").asText("")));
    assertThat(text.toString()).isEqualTo("Hello there, how can I help?");
    assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(8);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(29);
    assertThat(usage.at("/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(20);
    assertThat(gateway.lastRecord().usage()).isEqualTo(new TokenUsage(8, 0, 0, 0, 0, 0, 29, 20, 0));
  }

  @Test
  void chat_stream_functionCall_isOneCompleteToolCallChunk() {
    upstream.then(FakeUpstream.sse(fixture("gemini/stream_function_call.sse"), 1));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"gem","stream":true,"messages":[{"role":"user","content":"Weather in Paris?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");
    List<JsonNode> chunks = dataEvents(resp.body());
    JsonNode call = chunks.stream().map(c -> c.at("/choices/0/delta/tool_calls/0")).filter(JsonNode::isObject).findFirst().orElseThrow();
    assertThat(call.path("index").asInt()).isEqualTo(0);
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(json(call.at("/function/arguments").asText())).isEqualTo(json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
    assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(gateway.lastRecord().usage()).isEqualTo(new TokenUsage(60, 0, 0, 0, 0, 0, 70, 50, 0));
  }

  @Test
  void usage_cachedContentIsInsidePrompt_thoughtsAreOutsideCandidates() {
    upstream.then(FakeUpstream.json(200, fixture("gemini/generate_cached_thinking.json")));
    JsonNode body = json(gateway.post("/v1/chat/completions", "{\"model\":\"gem\",\"messages\":[{\"role\":\"user\",\"content\":\"sum\"}]}").body());
    // promptTokenCount 5000 includes 4000 cached; candidates 200 + thoughts 300 = 500 output
    TokenUsage expected = new TokenUsage(1000, 4000, 0, 0, 0, 0, 500, 300, 0);
    UsageRecord row = gateway.lastRecord();
    assertThat(row.usage()).isEqualTo(expected);
    assertThat(row.usage().totalInputTokens()).isEqualTo(5000);
    assertThat(row.usage().totalTokens()).isEqualTo(5500); // == totalTokenCount: nothing counted twice
    assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(5000);
    assertThat(body.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(4000);
    assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(5500);
  }

  @Test
  void usage_audioInputAndToolUsePrompt_areSplitOut() {
    upstream.then(FakeUpstream.json(200, fixture("gemini/generate_audio_tooluse.json")));
    gateway.post("/v1/chat/completions", "{\"model\":\"gem\",\"messages\":[{\"role\":\"user\",\"content\":\"what is said?\"}]}");
    UsageRecord row = gateway.lastRecord();
    // 700 prompt = 100 text + 600 audio; toolUsePromptTokenCount 40 is input outside the prompt count
    assertThat(row.usage()).isEqualTo(new TokenUsage(140, 0, 0, 0, 600, 0, 5, 0, 0));
    assertThat(row.usage().totalTokens()).isEqualTo(745);
  }

  @Test
  void upstream400_isMappedWithGooglesMessage() {
    upstream.then(FakeUpstream.json(400, fixture("gemini/error_400.json")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", "{\"model\":\"gem\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode error = json(resp.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("upstream_rejected");
    assertThat(error.path("message").asText()).contains("INVALID_ARGUMENT: * GenerateContentRequest.contents");
    assertThat(gateway.lastRecord().status()).isEqualTo(400);
  }

  @Test
  void upstream429_staysA429_forStreams() {
    upstream.then(FakeUpstream.json(429, fixture("gemini/error_429.json")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", "{\"model\":\"gem\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(json(resp.body()).at("/error/message").asText()).contains("RESOURCE_EXHAUSTED");
  }

  @Test
  void upstreamResetMidStream_endsWithAnErrorEvent_andKeepsTheLastUsageMetadata() {
    List<String> events = FakeUpstream.events(fixture("gemini/stream_text.sse")).subList(0, 2);
    upstream.then(FakeUpstream.sse(events, 5, FakeUpstream.Ending.RESET));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", "{\"model\":\"gem\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    List<JsonNode> chunks = dataEvents(resp.body());
    assertThat(chunks.get(chunks.size() - 1).at("/error/type").asText()).isEqualTo("upstream_error");
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(502);
    assertThat(row.flags()).contains(UsageFlag.ESTIMATED);
    assertThat(row.usage().inputTokens()).isEqualTo(8);
    // at least the second event's running candidatesTokenCount (6); the tokenizer's count of the relayed text
    // wins when larger, so a cut-short stream is never under-counted
    assertThat(row.usage().outputTokens()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void streamEndingWithoutFinishReason_isABrokenStream() {
    List<String> events = FakeUpstream.events(fixture("gemini/stream_text.sse")).subList(0, 1);
    upstream.then(FakeUpstream.sse(events, 1, FakeUpstream.Ending.END));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", "{\"model\":\"gem\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    List<JsonNode> chunks = dataEvents(resp.body());
    assertThat(chunks.get(chunks.size() - 1).at("/error/message").asText()).contains("before a finishReason");
    assertThat(gateway.awaitRecord(1).status()).isEqualTo(502);
  }

  @Test
  void clientDisconnect_resetsTheUpstream_andRecordsWhatWasProduced() throws Exception {
    List<String> events = FakeUpstream.events(fixture("gemini/stream_text.sse")).subList(0, 1);
    upstream.then(FakeUpstream.sse(events, 5, FakeUpstream.Ending.HANG));
    String read = gateway.postAndHangUpAfter("/v1/chat/completions",
        "{\"model\":\"gem\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "Hello");
    assertThat(read).contains("Hello");
    upstream.cancelled.get(10, TimeUnit.SECONDS);
    UsageRecord row = gateway.awaitRecord(1);
    assertThat(row.status()).isEqualTo(499);
    assertThat(row.flags()).contains(UsageFlag.CLIENT_CLOSED, UsageFlag.ESTIMATED);
    assertThat(row.usage().inputTokens()).isEqualTo(8);
    assertThat(row.usage().outputTokens()).isGreaterThanOrEqualTo(1);
  }
}
