package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.usage.TokenUsage;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns an Anthropic Messages event stream into OpenAI {@code chat.completion.chunk} events, one event
 * in, at most one chunk out, as they arrive: {@code message_start} → the role chunk;
 * {@code content_block_start} of a {@code tool_use} → a tool call header; {@code text_delta} →
 * {@code content}; {@code input_json_delta} → tool call {@code arguments}; {@code thinking_delta} →
 * {@code reasoning_content}; {@code message_delta} → the {@code finish_reason} chunk;
 * {@code message_stop} → the usage chunk (when asked for) and {@code [DONE]}; {@code error} → a failed
 * stream. Usage is {@code message_start}'s input side merged with {@code message_delta}'s cumulative counts.
 */
final class AnthropicToOpenAiStream implements UpstreamHttp.Decoder {
  private final UpstreamHttp.Relay relay;
  private final ProviderCall call;
  private final long created;
  private final String provider;
  private final ObjectNode usage = Json.object();
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
  private String id;
  private String model;

  AnthropicToOpenAiStream(UpstreamHttp.Relay relay, ProviderCall call, long created, String provider) {
    this.relay = relay;
    this.call = call;
    this.created = created;
    this.provider = provider;
    this.id = "chatcmpl-" + call.requestId();
    this.model = call.model().upstreamModel();
  }

  @Override
  public void onEvent(String event, String data) {
    if (data == null) {
      return;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(data);
    } catch (IOException e) {
      relay.fail(AnthropicProvider.brokenStream(provider, "an event that is not JSON"));
      return;
    }
    String type = node.path("type").asText(event == null ? "" : event);
    switch (type) {
      case "message_start" -> {
        JsonNode msg = node.path("message");
        id = msg.path("id").asText(id);
        model = msg.path("model").asText(model);
        AnthropicUsage.merge(usage, msg.path("usage"));
        relay.partialUsage(AnthropicUsage.parse(usage), model);
        relay.emit(chunk(Json.object().put("role", "assistant").put("content", ""), null));
      }
      case "content_block_start" -> {
        JsonNode block = node.path("content_block");
        switch (block.path("type").asText()) {
          case "tool_use" -> {
            int toolIndex = toolIndexByBlock.size();
            toolIndexByBlock.put(node.path("index").asInt(), toolIndex);
            ObjectNode delta = Json.object();
            delta.putArray("tool_calls").addObject().put("index", toolIndex).put("id", block.path("id").asText())
                .put("type", "function")
                .set("function", Json.object().put("name", block.path("name").asText()).put("arguments", ""));
            relay.emit(chunk(delta, null));
          }
          case "text" -> {
            if (!block.path("text").asText("").isEmpty()) {
              relay.emit(chunk(Json.object().put("content", block.path("text").asText()), null));
            }
          }
          default -> { }
        }
      }
      case "content_block_delta" -> {
        JsonNode delta = node.path("delta");
        switch (delta.path("type").asText()) {
          case "text_delta" -> relay.emit(chunk(Json.object().put("content", delta.path("text").asText()), null));
          case "input_json_delta" -> {
            Integer toolIndex = toolIndexByBlock.get(node.path("index").asInt());
            if (toolIndex != null) {
              ObjectNode d = Json.object();
              d.putArray("tool_calls").addObject().put("index", toolIndex)
                  .set("function", Json.object().put("arguments", delta.path("partial_json").asText()));
              relay.emit(chunk(d, null));
            }
          }
          case "thinking_delta" -> relay.emit(chunk(Json.object().put("reasoning_content", delta.path("thinking").asText()), null));
          default -> { } // signature_delta, citations_delta
        }
      }
      case "message_delta" -> {
        AnthropicUsage.merge(usage, node.path("usage"));
        String stop = node.path("delta").path("stop_reason").asText("");
        if (!stop.isEmpty()) {
          relay.emit(chunk(Json.object(), AnthropicTranslator.finishReason(stop)));
        }
      }
      case "message_stop" -> {
        TokenUsage total = AnthropicUsage.parse(usage);
        if (call.clientWantsUsage()) {
          ObjectNode last = envelope();
          last.putArray("choices");
          last.set("usage", OpenAiUsage.toJson(total));
          relay.emit(Sse.data(last));
        }
        relay.emit(Sse.DONE);
        relay.usage(total, model);
        relay.complete();
      }
      case "error" -> relay.fail(AnthropicProvider.streamError(provider, node.path("error")));
      default -> { } // ping, and event types added later
    }
  }

  @Override
  public void onEnd() {
    relay.fail(AnthropicProvider.brokenStream(provider, "the end of the stream before message_stop"));
  }

  private ObjectNode envelope() {
    return OpenAiChunks.envelope(id, created, model);
  }

  private io.vertx.core.buffer.Buffer chunk(ObjectNode delta, String finishReason) {
    return Sse.data(OpenAiChunks.chunk(id, created, model, 0, delta, finishReason));
  }

}
