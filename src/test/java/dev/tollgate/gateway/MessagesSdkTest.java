package dev.tollgate.gateway;

import static dev.tollgate.providers.FakeUpstream.fixture;
import static dev.tollgate.providers.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.FakeUpstream;
import dev.tollgate.providers.GatewayHarness;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Anthropic Java SDK against {@code POST /v1/messages}, routed once to an Anthropic
 * upstream (native pass-through) and once to an OpenAI-format upstream (translated both ways).
 */
class MessagesSdkTest {
  @TempDir
  Path tmp;
  FakeUpstream anthropic;
  FakeUpstream openai;
  GatewayHarness gateway;
  AnthropicClient client;

  @BeforeEach
  void start() {
    anthropic = FakeUpstream.start();
    openai = FakeUpstream.start();
    gateway = GatewayHarness.start(tmp, List.of(
        new ModelConfig("claude", "anthropic", "claude-sonnet-4-5", Optional.of(anthropic.baseUrl() + "/v1"),
            Optional.of("sk-ant-upstream"), Map.of(), Map.of()),
        ModelConfig.openAiCompatible("gpt", "gpt-4o-mini", openai.baseUrl() + "/v1", Optional.of("sk-openai-upstream"))));
    client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(GatewayHarness.MASTER).maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    client.close();
    gateway.close();
    anthropic.close();
    openai.close();
  }

  private static Map<String, Object> input(ToolUseBlock use) {
    return use._input().convert(new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
  }

  private static Tool weatherTool() {
    return Tool.builder().name("get_weather").description("Weather for a city")
        .inputSchema(Tool.InputSchema.builder()
            .properties(Tool.InputSchema.Properties.builder()
                .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string")))
                .putAdditionalProperty("unit", JsonValue.from(Map.of("type", "string"))).build())
            .required(List.of("city")).build())
        .build();
  }

  // ------------------------------------------------------------------ Anthropic upstream: native

  @Test
  void nonStream_toAnthropic_isPassedThroughNatively_cacheControlIncluded() {
    anthropic.then(FakeUpstream.json(200, fixture("anthropic/message_cached_thinking.json")));
    Message message = client.messages().create(MessageCreateParams.builder().model("claude").maxTokens(1024)
        .systemOfTextBlockParams(List.of(TextBlockParam.builder().text("A long, cached system prompt.")
            .cacheControl(CacheControlEphemeral.builder().build()).build()))
        .addUserMessage("2+2?")
        .putAdditionalHeader("anthropic-beta", "interleaved-thinking-2025-05-14")
        .build());

    FakeUpstream.Recorded req = anthropic.take();
    assertThat(req.path()).isEqualTo("/v1/messages");
    assertThat(req.headers()).containsEntry("x-api-key", "sk-ant-upstream").containsEntry("anthropic-version", "2023-06-01")
        .containsEntry("anthropic-beta", "interleaved-thinking-2025-05-14");
    assertThat(req.headers().get("x-api-key")).isNotEqualTo(GatewayHarness.MASTER);
    assertThat(req.json()).isEqualTo(json("""
        {"model":"claude-sonnet-4-5","max_tokens":1024,
         "system":[{"type":"text","text":"A long, cached system prompt.","cache_control":{"type":"ephemeral"}}],
         "messages":[{"role":"user","content":"2+2?"}]}"""));

    assertThat(message.id()).isEqualTo("msg_01CachedThinking7Xk");
    assertThat(message.content()).hasSize(2);
    assertThat(message.content().get(0).isThinking()).isTrue();
    assertThat(message.content().get(1).asText().text()).isEqualTo("The answer is 4.");
    assertThat(message.usage().cacheReadInputTokens()).hasValue(3000L);
    UsageRecord row = gateway.lastRecord();
    assertThat(row.endpoint()).isEqualTo("messages");
    assertThat(row.provider()).isEqualTo("anthropic");
    assertThat(row.usage()).isEqualTo(new TokenUsage(21, 3000, 1000, 500, 0, 0, 120, 80, 0));
  }

  @Test
  void stream_toAnthropic_relaysEventsUntouched() {
    anthropic.then(FakeUpstream.sse(fixture("anthropic/stream_text.sse"), 1));
    MessageAccumulator acc = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
        MessageCreateParams.builder().model("claude").maxTokens(256).addUserMessage("Hi").build())) {
      stream.stream().forEach(acc::accumulate);
    }
    Message message = acc.message();
    assertThat(anthropic.take().json().path("stream").asBoolean()).isTrue();
    assertThat(message.content().get(0).asText().text()).isEqualTo("Hello!");
    assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
    assertThat(message.usage().inputTokens()).isEqualTo(25);
    assertThat(message.usage().outputTokens()).isEqualTo(15);
    UsageRecord row = gateway.lastRecord();
    assertThat(row.stream()).isTrue();
    assertThat(row.usage()).isEqualTo(TokenUsage.of(25, 15));
    assertThat(row.flags()).doesNotContain(UsageFlag.ESTIMATED);
  }

  @Test
  void toolRoundTrip_toAnthropic() {
    anthropic.then(FakeUpstream.json(200, fixture("anthropic/message_tool_use.json")))
        .then(FakeUpstream.json(200, fixture("anthropic/message_text.json")));
    MessageCreateParams.Builder params = MessageCreateParams.builder().model("claude").maxTokens(512)
        .addTool(weatherTool()).addUserMessage("Weather in Paris?");
    Message first = client.messages().create(params.build());
    assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
    ToolUseBlock use = first.content().get(1).asToolUse();
    assertThat(use.name()).isEqualTo("get_weather");
    assertThat(input(use)).isEqualTo(Map.of("city", "Paris", "unit", "celsius"));

    Message second = client.messages().create(params.addMessage(first)
        .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
            ToolResultBlockParam.builder().toolUseId(use.id()).content("18C and sunny").build())))
        .build());
    assertThat(second.content().get(0).asText().text()).isEqualTo("Hi! My name is Claude.");
    anthropic.take();
    JsonNode sent = anthropic.take().json();
    JsonNode messages = sent.path("messages");
    assertThat(messages.at("/1/content/1/type").asText()).isEqualTo("tool_use");
    assertThat(messages.at("/2/content/0")).isEqualTo(json("""
        {"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"18C and sunny"}"""));
    assertThat(sent.at("/tools/0/name").asText()).isEqualTo("get_weather");
  }

  // ------------------------------------------------------------------ OpenAI-format upstream: translated

  @Test
  void nonStream_toOpenAiUpstream_isTranslatedBothWays() {
    openai.then(FakeUpstream.json(200, fixture("openai/chat_text.json")));
    Message message = client.messages().create(MessageCreateParams.builder().model("gpt").maxTokens(100)
        .system("You are terse.").addStopSequence("END").addUserMessage("Hello").build());

    FakeUpstream.Recorded req = openai.take();
    assertThat(req.path()).isEqualTo("/v1/chat/completions");
    assertThat(req.headers()).containsEntry("authorization", "Bearer sk-openai-upstream");
    assertThat(req.json()).isEqualTo(json("""
        {"model":"gpt-4o-mini","max_tokens":100,"stop":["END"],
         "messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hello"}]}"""));

    assertThat(message.id()).startsWith("msg_");
    assertThat(message.model().asString()).isEqualTo("gpt-4.1-2025-04-14");
    assertThat(message.content().get(0).asText().text()).isEqualTo("Hello! How can I assist you today?");
    assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
    assertThat(message.usage().inputTokens()).isEqualTo(19);
    assertThat(message.usage().outputTokens()).isEqualTo(10);
    UsageRecord row = gateway.lastRecord();
    assertThat(row.endpoint()).isEqualTo("messages");
    assertThat(row.provider()).isEqualTo("openai-compatible");
    assertThat(row.usage()).isEqualTo(TokenUsage.of(19, 10));
  }

  @Test
  void stream_toOpenAiUpstream_becomesAnthropicEvents() {
    openai.then(FakeUpstream.sse(fixture("openai/stream_text.sse"), 1));
    MessageAccumulator acc = MessageAccumulator.create();
    List<String> types = new java.util.ArrayList<>();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
        MessageCreateParams.builder().model("gpt").maxTokens(64).addUserMessage("Say hello world").build())) {
      stream.stream().forEach(e -> {
        acc.accumulate(e);
        types.add(e.isMessageStart() ? "message_start" : e.isContentBlockStart() ? "content_block_start"
            : e.isContentBlockDelta() ? "content_block_delta" : e.isContentBlockStop() ? "content_block_stop"
            : e.isMessageDelta() ? "message_delta" : "message_stop");
      });
    }
    JsonNode sent = openai.take().json();
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(types).containsExactly("message_start", "content_block_start", "content_block_delta",
        "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    Message message = acc.message();
    assertThat(message.content().get(0).asText().text()).isEqualTo("Hello world");
    assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
    assertThat(message.usage().outputTokens()).isEqualTo(2);
    assertThat(gateway.lastRecord().usage()).isEqualTo(TokenUsage.of(20, 2));
  }

  @Test
  void toolRoundTrip_toOpenAiUpstream_nonStream() {
    openai.then(FakeUpstream.json(200, fixture("openai/chat_tool_calls.json")))
        .then(FakeUpstream.json(200, fixture("openai/chat_text.json")));
    MessageCreateParams.Builder params = MessageCreateParams.builder().model("gpt").maxTokens(256)
        .addTool(weatherTool()).addUserMessage("Weather in Paris?");
    Message first = client.messages().create(params.build());
    assertThat(openai.take().json().path("tools")).isEqualTo(json("""
        [{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
          "parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}}}]"""));
    assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
    ToolUseBlock use = first.content().get(0).asToolUse();
    assertThat(use.id()).isEqualTo("call_abc123");
    assertThat(input(use)).isEqualTo(Map.of("city", "Paris", "unit", "celsius"));
    // OpenAI's cached_tokens (64) are inside prompt_tokens (82): Anthropic-style usage splits them out
    assertThat(first.usage().inputTokens()).isEqualTo(18);
    assertThat(first.usage().cacheReadInputTokens()).hasValue(64L);

    client.messages().create(params.addMessage(first).addUserMessageOfContentBlockParams(List.of(
        ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(use.id()).content("18C").build()))).build());
    JsonNode messages = openai.take().json().path("messages");
    assertThat(messages).isEqualTo(json("""
        [{"role":"user","content":"Weather in Paris?"},
         {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function",
           "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\",\\"unit\\":\\"celsius\\"}"}}]},
         {"role":"tool","tool_call_id":"call_abc123","content":"18C"}]"""));
  }

  @Test
  void toolCall_toOpenAiUpstream_stream() {
    openai.then(FakeUpstream.sse(fixture("openai/stream_tool_calls.sse"), 1));
    MessageAccumulator acc = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
        MessageCreateParams.builder().model("gpt").maxTokens(256).addTool(weatherTool()).addUserMessage("Weather in Paris?").build())) {
      stream.stream().forEach(acc::accumulate);
    }
    Message message = acc.message();
    assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
    ToolUseBlock use = message.content().get(0).asToolUse();
    assertThat(use.id()).isEqualTo("call_DdmO9pD3xa9XTPNJ32zg2hcA");
    assertThat(use.name()).isEqualTo("get_weather");
    assertThat(input(use)).isEqualTo(Map.of("city", "Paris", "unit", "celsius"));
    assertThat(gateway.lastRecord().usage()).isEqualTo(new TokenUsage(18, 64, 0, 0, 0, 0, 17, 0, 0));
  }
}
