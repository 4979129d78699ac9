package dev.tollgate.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a cached, non-streamed OpenAI {@code chat.completion} into the SSE stream a streaming caller expects:
 * per choice one chunk with the whole message as its delta (role, content, refusal, tool calls), one chunk
 * with the finish reason, the usage chunk when the caller asked for it, then {@code [DONE]}. Every SDK
 * accumulates deltas, so one large delta reads the same as many small ones.
 */
public final class ChatStreamReplay {
  private ChatStreamReplay() {}

  /** The SSE events, or empty when the body is not a chat completion. */
  public static Optional<List<byte[]>> events(byte[] completionBody, boolean includeUsage) {
    JsonNode c;
    try {
      c = Json.MAPPER.readTree(completionBody);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!c.isObject() || !"chat.completion".equals(c.path("object").asText()) || !c.path("choices").isArray()) {
      return Optional.empty();
    }
    List<byte[]> out = new ArrayList<>();
    for (JsonNode choice : c.path("choices")) {
      int index = choice.path("index").asInt(0);
      ObjectNode delta = Json.object();
      JsonNode message = choice.path("message");
      delta.put("role", message.path("role").asText("assistant"));
      copy(message, delta, "content");
      copy(message, delta, "refusal");
      if (message.path("tool_calls").isArray()) {
        ArrayNode calls = delta.putArray("tool_calls");
        int i = 0;
        for (JsonNode call : message.path("tool_calls")) {
          ObjectNode copy = call.deepCopy();
          copy.put("index", i++);
          calls.add(copy);
        }
      }
      out.add(event(chunk(c, index, delta, null)));
      out.add(event(chunk(c, index, Json.object(), choice.path("finish_reason").asText("stop"))));
    }
    if (includeUsage && c.has("usage")) {
      ObjectNode usage = base(c);
      usage.putArray("choices");
      usage.set("usage", c.get("usage").deepCopy());
      out.add(event(usage));
    }
    out.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    return Optional.of(out);
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field).deepCopy());
    }
  }

  private static ObjectNode base(JsonNode c) {
    ObjectNode o = Json.object();
    o.set("id", c.path("id").deepCopy());
    o.put("object", "chat.completion.chunk");
    o.set("created", c.path("created").deepCopy());
    o.set("model", c.path("model").deepCopy());
    if (c.has("system_fingerprint")) {
      o.set("system_fingerprint", c.get("system_fingerprint").deepCopy());
    }
    return o;
  }

  private static ObjectNode chunk(JsonNode c, int index, ObjectNode delta, String finish) {
    ObjectNode o = base(c);
    ObjectNode choice = o.putArray("choices").addObject();
    choice.put("index", index);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return o;
  }

  private static byte[] event(ObjectNode payload) {
    return ("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}
