package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.usage.TokenUsage;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns Gemini's {@code streamGenerateContent?alt=sse} events (each a partial
 * {@code GenerateContentResponse}) into OpenAI chunks as they arrive: text parts → {@code content},
 * thought parts → {@code reasoning_content}, each {@code functionCall} part (Gemini sends them whole) →
 * one tool call chunk with its complete arguments, {@code finishReason} → the finish chunk. Every event
 * may carry {@code usageMetadata}; the last one wins. Gemini has no end marker: the response ending after
 * a {@code finishReason} is the normal end; ending before one is a broken stream.
 */
final class GeminiToOpenAiStream implements UpstreamHttp.Decoder {
  private final UpstreamHttp.Relay relay;
  private final ProviderCall call;
  private final long created;
  private final String provider;
  private String id;
  private String model;
  private JsonNode usageMetadata;
  private final Set<Integer> started = new HashSet<>();
  private final Map<Integer, Integer> toolCalls = new HashMap<>();
  private boolean finished;

  GeminiToOpenAiStream(UpstreamHttp.Relay relay, ProviderCall call, long created, String provider) {
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
    JsonNode resp;
    try {
      resp = Json.MAPPER.readTree(data);
    } catch (IOException e) {
      relay.fail(new UpstreamException(provider, 200, "upstream '" + provider + "' sent an event that is not JSON"));
      return;
    }
    if (resp.has("error")) {
      JsonNode err = resp.get("error");
      relay.fail(new UpstreamException(provider, err.path("code").asInt(500), "upstream '" + provider + "' failed mid-stream: "
          + err.path("status").asText("ERROR") + ": " + err.path("message").asText("")));
      return;
    }
    if (resp.hasNonNull("responseId") && started.isEmpty()) {
      id = resp.get("responseId").asText();
    }
    model = resp.path("modelVersion").asText(model);
    if (resp.has("usageMetadata")) {
      usageMetadata = resp.get("usageMetadata");
      relay.partialUsage(GeminiUsage.parse(usageMetadata), model);
    }
    JsonNode candidates = resp.path("candidates");
    if (candidates.isEmpty() && resp.path("promptFeedback").has("blockReason")) {
      ensureStarted(0);
      relay.emit(chunk(0, Json.object(), "content_filter"));
      finished = true;
      return;
    }
    for (int c = 0; c < candidates.size(); c++) {
      JsonNode cand = candidates.get(c);
      int index = cand.path("index").asInt(c);
      ensureStarted(index);
      for (JsonNode part : cand.path("content").path("parts")) {
        if (part.has("functionCall")) {
          int position = toolCalls.merge(index, 1, Integer::sum) - 1;
          ObjectNode delta = Json.object();
          delta.putArray("tool_calls").add(GeminiTranslator.toolCall(part, id, index, position, true));
          relay.emit(chunk(index, delta, null));
        } else if (part.path("thought").asBoolean(false)) {
          if (!part.path("text").asText("").isEmpty()) {
            relay.emit(chunk(index, Json.object().put("reasoning_content", part.get("text").asText()), null));
          }
        } else if (part.has("text") && !part.get("text").asText().isEmpty()) {
          relay.emit(chunk(index, Json.object().put("content", part.get("text").asText()), null));
        }
      }
      if (cand.hasNonNull("finishReason")) {
        relay.emit(chunk(index, Json.object(),
            GeminiTranslator.finishReason(cand.get("finishReason").asText(), toolCalls.getOrDefault(index, 0) > 0)));
        finished = true;
      }
    }
  }

  @Override
  public void onEnd() {
    if (!finished) {
      relay.fail(new UpstreamException(provider, 200, "upstream '" + provider + "' ended the stream before a finishReason"));
      return;
    }
    TokenUsage usage = GeminiUsage.parse(usageMetadata);
    if (call.clientWantsUsage()) {
      ObjectNode last = envelope();
      last.putArray("choices");
      last.set("usage", OpenAiUsage.toJson(usage));
      relay.emit(Sse.data(last));
    }
    relay.emit(Sse.DONE);
    relay.usage(usage, model);
    relay.complete();
  }

  private void ensureStarted(int index) {
    if (started.add(index)) {
      relay.emit(chunk(index, Json.object().put("role", "assistant").put("content", ""), null));
    }
  }

  private ObjectNode envelope() {
    return OpenAiChunks.envelope(id, created, model);
  }

  private io.vertx.core.buffer.Buffer chunk(int index, ObjectNode delta, String finishReason) {
    return Sse.data(OpenAiChunks.chunk(id, created, model, index, delta, finishReason));
  }

}
