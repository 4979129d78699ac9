package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns OpenAI {@code chat.completion.chunk} events into Anthropic's Messages stream, chunk by chunk,
 * for {@code POST /v1/messages} served by a provider that speaks OpenAI: the first chunk opens the
 * message ({@code message_start}); text deltas go into a text block, {@code reasoning_content} into a
 * thinking block, each tool call into its own {@code tool_use} block ({@code input_json_delta}); a block
 * is closed when the next kind starts; {@link #finish} closes what is open and sends
 * {@code message_delta} (stop reason, usage) and {@code message_stop}.
 *
 * <p>Input tokens are only known at the end of an OpenAI stream, so {@code message_start} carries the
 * tokenizer estimate the caller passes in, and {@code message_delta} the exact counts (Anthropic's own
 * {@code message_delta} usage is cumulative, and SDKs take its values).
 */
public final class OpenAiToAnthropicStream {
  private final String messageId;
  private final long estimatedInputTokens;
  private String model;
  private boolean started;
  private int nextBlock;
  private int openBlock = -1;
  private String openKind = "";
  private final Map<Integer, Integer> toolBlocks = new LinkedHashMap<>();
  private String finishReason;

  public OpenAiToAnthropicStream(String messageId, String model, long estimatedInputTokens) {
    this.messageId = messageId;
    this.model = model;
    this.estimatedInputTokens = estimatedInputTokens;
  }

  /** The Anthropic events for one OpenAI SSE event (possibly none). */
  public List<Buffer> onEvent(Buffer openAiEvent) {
    List<Buffer> out = new ArrayList<>();
    String data = Sse.dataOf(openAiEvent.toString(StandardCharsets.UTF_8));
    if (data == null || data.equals("[DONE]")) {
      return out;
    }
    JsonNode chunk;
    try {
      chunk = Json.MAPPER.readTree(data);
    } catch (IOException e) {
      return out;
    }
    if (!started) {
      model = chunk.path("model").asText(model);
      start(out);
    }
    for (JsonNode choice : chunk.path("choices")) {
      if (choice.path("index").asInt(0) != 0) {
        continue;
      }
      JsonNode delta = choice.path("delta");
      String reasoning = delta.path("reasoning_content").asText("");
      if (!reasoning.isEmpty()) {
        ensureOpen("thinking", out, () -> Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
        out.add(delta("thinking_delta", "thinking", reasoning));
      }
      String text = delta.path("content").asText("");
      if (!text.isEmpty()) {
        ensureOpen("text", out, () -> Json.object().put("type", "text").put("text", ""));
        out.add(delta("text_delta", "text", text));
      }
      for (JsonNode call : delta.path("tool_calls")) {
        int toolIndex = call.path("index").asInt(0);
        Integer block = toolBlocks.get(toolIndex);
        if (block == null) {
          close(out);
          block = nextBlock++;
          toolBlocks.put(toolIndex, block);
          openBlock = block;
          openKind = "tool_use";
          ObjectNode start = Json.object().put("type", "tool_use").put("id", call.path("id").asText("toolu_" + messageId + "_" + toolIndex))
              .put("name", call.path("function").path("name").asText());
          start.putObject("input");
          out.add(Sse.event("content_block_start", Json.object().put("type", "content_block_start").put("index", block).set("content_block", start)));
        }
        String args = call.path("function").path("arguments").asText("");
        if (!args.isEmpty()) {
          ObjectNode d = Json.object().put("type", "input_json_delta").put("partial_json", args);
          out.add(Sse.event("content_block_delta", Json.object().put("type", "content_block_delta").put("index", block).set("delta", d)));
        }
      }
      if (choice.path("finish_reason").isTextual()) {
        finishReason = choice.get("finish_reason").asText();
      }
    }
    return out;
  }

  /** The closing events: open block stop, {@code message_delta} with stop reason and usage, {@code message_stop}. */
  public List<Buffer> finish(TokenUsage usage) {
    List<Buffer> out = new ArrayList<>();
    if (!started) {
      start(out);
    }
    close(out);
    ObjectNode delta = Json.object().put("stop_reason", AnthropicTranslator.stopReason(finishReason));
    delta.putNull("stop_sequence");
    ObjectNode md = Json.object().put("type", "message_delta");
    md.set("delta", delta);
    md.set("usage", AnthropicUsage.toJson(usage));
    out.add(Sse.event("message_delta", md));
    out.add(Sse.event("message_stop", Json.object().put("type", "message_stop")));
    return out;
  }

  /** True once {@code message_start} went out. */
  public boolean started() {
    return started;
  }

  private void start(List<Buffer> out) {
    started = true;
    ObjectNode msg = Json.object().put("id", messageId).put("type", "message").put("role", "assistant");
    msg.putArray("content");
    msg.put("model", model);
    msg.putNull("stop_reason");
    msg.putNull("stop_sequence");
    msg.set("usage", Json.object().put("input_tokens", estimatedInputTokens).put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", 0).put("output_tokens", 0));
    out.add(Sse.event("message_start", Json.object().put("type", "message_start").set("message", msg)));
  }

  private void ensureOpen(String kind, List<Buffer> out, java.util.function.Supplier<ObjectNode> block) {
    if (openKind.equals(kind)) {
      return;
    }
    close(out);
    openBlock = nextBlock++;
    openKind = kind;
    out.add(Sse.event("content_block_start", Json.object().put("type", "content_block_start").put("index", openBlock)
        .set("content_block", block.get())));
  }

  private void close(List<Buffer> out) {
    if (openBlock >= 0) {
      out.add(Sse.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", openBlock)));
    }
    openBlock = -1;
    openKind = "";
  }

  private Buffer delta(String type, String field, String value) {
    ObjectNode d = Json.object().put("type", type).put(field, value);
    return Sse.event("content_block_delta", Json.object().put("type", "content_block_delta").put("index", openBlock).set("delta", d));
  }
}
