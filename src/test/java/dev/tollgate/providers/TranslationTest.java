package dev.tollgate.providers;

import static dev.tollgate.providers.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The translation functions on their own: the cases the end-to-end tests do not reach. */
class TranslationTest {
  private static final ModelConfig CLAUDE = new ModelConfig("c", "anthropic", "claude-x", Optional.of("https://a.example/v1"),
      Optional.of("k"), Map.of("max-tokens", "1000"), Map.of());
  private static final ModelConfig GEMINI = new ModelConfig("g", "gemini", "gemini-2.5-pro", Optional.of("https://g.example/v1beta"),
      Optional.of("k"), Map.of(), Map.of());

  private static ObjectNode obj(String text) {
    return (ObjectNode) json(text);
  }

  @Test
  void openAiToAnthropic_defaultsMaxTokensFromTheModel_keepsCacheControl_mergesSystemParts() {
    ObjectNode out = AnthropicTranslator.toAnthropicRequest(obj("""
        {"model":"c","messages":[
          {"role":"system","content":[{"type":"text","text":"Rules","cache_control":{"type":"ephemeral"}}]},
          {"role":"developer","content":"Be brief."},
          {"role":"user","content":"Hi"},
          {"role":"user","content":[{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x"}}]}],
         "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},
         "stream":true}"""), CLAUDE);
    assertThat(out).isEqualTo(json("""
        {"model":"claude-x","max_tokens":1000,
         "system":[{"type":"text","text":"Rules","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Be brief."}],
         "messages":[{"role":"user","content":[{"type":"text","text":"Hi"},
           {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}}]}],
         "output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}},
         "stream":true}"""));
  }

  @Test
  void openAiToAnthropic_rejectsWhatAnthropicCannotTake_namingTheField() {
    assertThatThrownBy(() -> AnthropicTranslator.toAnthropicRequest(obj("""
        {"model":"c","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}"""), CLAUDE))
        .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("messages[0].content[0].type: 'input_audio'");
    assertThatThrownBy(() -> AnthropicTranslator.toAnthropicRequest(obj("""
        {"model":"c","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,raw"}}]}]}"""), CLAUDE))
        .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("messages[0].content[0].image_url.url");
    assertThatThrownBy(() -> AnthropicTranslator.toAnthropicRequest(obj("""
        {"model":"c","messages":[{"role":"assistant","tool_calls":[{"id":"1","function":{"name":"f","arguments":"not json"}}]}]}"""), CLAUDE))
        .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("messages[0].tool_calls[0].function.arguments");
  }

  @Test
  void anthropicToOpenAi_toolResultsBecomeToolMessages_imagesFollowAsUserContent_serverToolsAreRefused() {
    ObjectNode out = AnthropicTranslator.toOpenAiRequest(obj("""
        {"model":"m","max_tokens":50,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],
         "messages":[
           {"role":"user","content":"Shot?"},
           {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"Taking it."},
             {"type":"tool_use","id":"t1","name":"screenshot","input":{}}]},
           {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":false,"content":[
             {"type":"text","text":"here"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAA"}}]},
             {"type":"text","text":"What is on it?"}]}],
         "tools":[{"name":"screenshot","input_schema":{"type":"object"}}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true},
         "metadata":{"user_id":"u1"},"top_k":5}"""), true);
    assertThat(out).isEqualTo(json("""
        {"model":"m","max_completion_tokens":50,"user":"u1",
         "messages":[{"role":"system","content":"A\\nB"},{"role":"user","content":"Shot?"},
           {"role":"assistant","content":"Taking it.","tool_calls":[{"id":"t1","type":"function","function":{"name":"screenshot","arguments":"{}"}}]},
           {"role":"tool","tool_call_id":"t1","content":"here"},
           {"role":"user","content":[{"type":"text","text":"What is on it?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAA"}}]}],
         "tools":[{"type":"function","function":{"name":"screenshot","parameters":{"type":"object"}}}],
         "tool_choice":"required","parallel_tool_calls":false}"""));
    assertThatThrownBy(() -> AnthropicTranslator.toOpenAiRequest(obj("""
        {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
         "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":3}]}"""), false))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("web_search_20250305");
  }

  @Test
  void openAiAnswerToAnthropicMessage_splitsCachedTokensOut() {
    JsonNode msg = AnthropicTranslator.toAnthropicResponse(json(FakeUpstream.fixture("openai/chat_tool_calls.json")),
        new TokenUsage(18, 64, 0, 0, 0, 0, 17, 0, 0), "msg_1");
    assertThat(json(msg.toString())).isEqualTo(json("""
        {"id":"msg_1","type":"message","role":"assistant","model":"gpt-4o-mini",
         "content":[{"type":"tool_use","id":"call_abc123","name":"get_weather","input":{"city":"Paris","unit":"celsius"}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":18,"cache_creation_input_tokens":0,"cache_read_input_tokens":64,
           "cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":17}}"""));
  }

  @Test
  void openAiChunksToAnthropicEvents_blockByBlock() {
    OpenAiToAnthropicStream encoder = new OpenAiToAnthropicStream("msg_x", "m", 12);
    List<Buffer> out = new ArrayList<>();
    for (String event : FakeUpstream.events(FakeUpstream.fixture("openai/stream_tool_calls.sse"))) {
      out.addAll(encoder.onEvent(Buffer.buffer(event)));
    }
    out.addAll(encoder.finish(TokenUsage.of(82, 17)));
    List<String> names = out.stream().map(b -> Sse.eventOf(b.toString())).toList();
    assertThat(names).containsExactly("message_start", "content_block_start", "content_block_delta", "content_block_delta",
        "content_block_stop", "message_delta", "message_stop");
    assertThat(json(Sse.dataOf(out.get(0).toString())).at("/message/usage/input_tokens").asLong()).isEqualTo(12);
    assertThat(json(Sse.dataOf(out.get(1).toString())).path("content_block")).isEqualTo(json("""
        {"type":"tool_use","id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather","input":{}}"""));
    JsonNode delta = json(Sse.dataOf(out.get(5).toString()));
    assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    assertThat(delta.at("/usage/input_tokens").asLong()).isEqualTo(82);
    assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(17);
  }

  @Test
  void openAiToGemini_reasoningEffortJsonSchemaAndNamedToolChoice() {
    ObjectNode out = GeminiTranslator.toGeminiRequest(obj("""
        {"model":"g","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]}],
         "reasoning_effort":"low","response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object"}}},
         "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}],
         "tool_choice":{"type":"function","function":{"name":"b"}}}"""), GEMINI);
    assertThat(out).isEqualTo(json("""
        {"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"audio/wav","data":"UklG"}}]}],
         "tools":[{"functionDeclarations":[{"name":"a"},{"name":"b"}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["b"]}},
         "generationConfig":{"responseMimeType":"application/json","responseJsonSchema":{"type":"object"},
           "thinkingConfig":{"thinkingBudget":1024}}}"""));
    assertThatThrownBy(() -> GeminiTranslator.toGeminiRequest(obj("""
        {"model":"g","messages":[{"role":"tool","tool_call_id":"nope","content":"x"}]}"""), GEMINI))
        .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("messages[0].tool_call_id: 'nope'");
  }

  @Test
  void geminiFinishReasons_andBlockedPrompts() {
    assertThat(GeminiTranslator.finishReason("MAX_TOKENS", false)).isEqualTo("length");
    assertThat(GeminiTranslator.finishReason("SAFETY", false)).isEqualTo("content_filter");
    assertThat(GeminiTranslator.finishReason("STOP", true)).isEqualTo("tool_calls");
    JsonNode blocked = GeminiTranslator.toOpenAiResponse(json("""
        {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4}}"""),
        "chatcmpl-1", "gemini-2.5-pro", 0, TokenUsage.of(4, 0));
    assertThat(blocked.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
  }

  @Test
  void anthropicStopReasons_bothWays() {
    assertThat(AnthropicTranslator.finishReason("max_tokens")).isEqualTo("length");
    assertThat(AnthropicTranslator.finishReason("refusal")).isEqualTo("content_filter");
    assertThat(AnthropicTranslator.finishReason("stop_sequence")).isEqualTo("stop");
    assertThat(AnthropicTranslator.stopReason("length")).isEqualTo("max_tokens");
    assertThat(AnthropicTranslator.stopReason("tool_calls")).isEqualTo("tool_use");
    assertThat(AnthropicTranslator.stopReason(null)).isEqualTo("end_turn");
  }
}
