package dev.tollgate.providers;

import static dev.tollgate.providers.FakeUpstream.fixture;
import static dev.tollgate.providers.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.usage.TokenUsage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK against {@code /v1/chat/completions}, served by Anthropic and Gemini upstreams. */
class OpenAiSdkTest {
  @TempDir
  Path tmp;
  FakeUpstream anthropic;
  FakeUpstream gemini;
  GatewayHarness gateway;
  OpenAIClient client;

  @BeforeEach
  void start() {
    anthropic = FakeUpstream.start();
    gemini = FakeUpstream.start();
    gateway = GatewayHarness.start(tmp, List.of(
        new ModelConfig("claude", "anthropic", "claude-sonnet-4-5", Optional.of(anthropic.baseUrl() + "/v1"),
            Optional.of("sk-ant"), Map.of(), Map.of()),
        new ModelConfig("gem", "gemini", "gemini-2.5-flash", Optional.of(gemini.baseUrl() + "/v1beta"),
            Optional.of("gm-key"), Map.of(), Map.of())));
    client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(GatewayHarness.MASTER).maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    client.close();
    gateway.close();
    anthropic.close();
    gemini.close();
  }

  private static FunctionDefinition weather() {
    return FunctionDefinition.builder().name("get_weather").description("Weather for a city")
        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .build())
        .build();
  }

  private ChatCompletion stream(ChatCompletionCreateParams params) {
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
      s.stream().forEach(acc::accumulate);
    }
    return acc.chatCompletion();
  }

  // ------------------------------------------------------------------ Anthropic upstream

  @Test
  void anthropic_nonStream() {
    anthropic.then(FakeUpstream.json(200, fixture("anthropic/message_text.json")));
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
        .addSystemMessage("Be nice.").addUserMessage("Who are you?").build());
    assertThat(anthropic.take().json()).isEqualTo(json("""
        {"model":"claude-sonnet-4-5","max_tokens":4096,"system":"Be nice.","messages":[{"role":"user","content":"Who are you?"}]}"""));
    assertThat(c.choices().get(0).message().content()).hasValue("Hi! My name is Claude.");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(2095);
  }

  @Test
  void anthropic_stream() {
    anthropic.then(FakeUpstream.sse(fixture("anthropic/stream_text.sse"), 1));
    ChatCompletion c = stream(ChatCompletionCreateParams.builder().model("claude").addUserMessage("Hi")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
    assertThat(c.choices().get(0).message().content()).hasValue("Hello!");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(15);
    assertThat(gateway.lastRecord().usage()).isEqualTo(TokenUsage.of(25, 15));
  }

  @Test
  void anthropic_toolCallRoundTrip_streamThenNonStream() {
    anthropic.then(FakeUpstream.sse(fixture("anthropic/stream_tool_use.sse"), 1))
        .then(FakeUpstream.json(200, fixture("anthropic/message_text.json")));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("claude")
        .addFunctionTool(weather()).addUserMessage("Weather in Paris?");
    ChatCompletion first = stream(params.build());
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(json(call.function().arguments())).isEqualTo(json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));

    ChatCompletion second = client.chat().completions().create(params.addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18C").build()).build());
    assertThat(second.choices().get(0).message().content()).hasValue("Hi! My name is Claude.");
    anthropic.take();
    JsonNode messages = anthropic.take().json().path("messages");
    assertThat(messages).isEqualTo(json("""
        [{"role":"user","content":"Weather in Paris?"},
         {"role":"assistant","content":[{"type":"text","text":"Okay, let's check the weather."},
           {"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{"city":"Paris","unit":"celsius"}}]},
         {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","content":"18C"}]}]"""));
  }

  // ------------------------------------------------------------------ Gemini upstream

  @Test
  void gemini_nonStream() {
    gemini.then(FakeUpstream.json(200, fixture("gemini/generate_text.json")));
    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gem")
        .addUserMessage("Hello").maxCompletionTokens(50).build());
    FakeUpstream.Recorded req = gemini.take();
    assertThat(req.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(req.json()).isEqualTo(json("""
        {"contents":[{"role":"user","parts":[{"text":"Hello"}]}],"generationConfig":{"maxOutputTokens":50}}"""));
    assertThat(c.choices().get(0).message().content()).hasValue("Hello! How can I help you today?");
    assertThat(c.model()).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void gemini_stream() {
    gemini.then(FakeUpstream.sse(fixture("gemini/stream_text.sse"), 1));
    ChatCompletion c = stream(ChatCompletionCreateParams.builder().model("gem").addUserMessage("Hi")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
    assertThat(c.choices().get(0).message().content()).hasValue("Hello there, how can I help?");
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(29);
    assertThat(c.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens()).hasValue(20L);
  }

  @Test
  void gemini_toolCallRoundTrip_streamThenNonStream() {
    gemini.then(FakeUpstream.sse(fixture("gemini/stream_function_call.sse"), 1))
        .then(FakeUpstream.json(200, fixture("gemini/generate_text.json")));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("gem")
        .addFunctionTool(weather()).addUserMessage("Weather in Paris?");
    ChatCompletion first = stream(params.build());
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.function().name()).isEqualTo("get_weather");

    client.chat().completions().create(params.addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temp\":18}").build()).build());
    gemini.take();
    JsonNode contents = gemini.take().json().path("contents");
    assertThat(contents.at("/1/role").asText()).isEqualTo("model");
    assertThat(contents.at("/1/parts/0/functionCall")).isEqualTo(json("{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\",\"unit\":\"celsius\"}}"));
    assertThat(contents.at("/1/parts/0/thoughtSignature").asText()).isEqualTo("CiQBVKhc7uZVqAcZpbl4SfqFQ3wF5IcmKVRM0ZP1yzYzFhQ=");
    assertThat(contents.at("/2/parts/0/functionResponse")).isEqualTo(json("{\"name\":\"get_weather\",\"response\":{\"result\":{\"temp\":18}}}"));
  }
}
