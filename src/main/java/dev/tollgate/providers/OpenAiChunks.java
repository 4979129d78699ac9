package dev.tollgate.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;

/** OpenAI {@code chat.completion.chunk} objects, for the adapters that translate other providers' streams. */
final class OpenAiChunks {
  private OpenAiChunks() {}

  /** A chunk with no choices yet (the usage-only chunk starts from this). */
  static ObjectNode envelope(String id, long created, String model) {
    return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
  }

  /** A chunk with one choice: {@code delta}, and {@code finishReason} or null while the choice goes on. */
  static ObjectNode chunk(String id, long created, String model, int index, ObjectNode delta, String finishReason) {
    ObjectNode c = envelope(id, created, model);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", index).set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return c;
  }
}
