package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.common.Tokenizer;
import dev.tollgate.providers.ChatContent;
import dev.tollgate.providers.Sse;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Counts tokens with the tokenizer when an upstream reported none (it ignored include_usage, or the
 * caller hung up first). Records made this way carry the {@code ESTIMATED} flag.
 */
final class UsageEstimator {
  private UsageEstimator() {}

  static TokenUsage estimate(ObjectNode request, List<Buffer> relayedEvents) {
    return TokenUsage.of(promptTokens(request), outputTokens(relayedEvents));
  }

  /** OpenAI's counting rule for chat: 3 tokens per message of framing plus 3 to prime the reply. */
  static long promptTokens(ObjectNode request) {
    JsonNode messages = request.get("messages");
    if (messages != null && messages.isArray()) {
      long n = 3;
      for (JsonNode m : messages) {
        n += 3 + Tokenizer.count(ChatContent.text(m.get("content")));
      }
      return n;
    }
    JsonNode prompt = request.get("prompt");
    if (prompt != null) {
      return prompt.isTextual() ? Tokenizer.count(prompt.asText()) : Tokenizer.count(prompt.toString());
    }
    return 0;
  }

  static long outputTokens(List<Buffer> events) {
    StringBuilder text = new StringBuilder();
    for (Buffer event : events) {
      String data = Sse.dataOf(event.toString(StandardCharsets.UTF_8));
      if (data == null || data.equals("[DONE]")) {
        continue;
      }
      try {
        JsonNode chunk = Json.MAPPER.readTree(data);
        for (JsonNode choice : chunk.path("choices")) {
          JsonNode delta = choice.path("delta");
          text.append(delta.path("content").asText(""));
          text.append(choice.path("text").asText(""));
          for (JsonNode call : delta.path("tool_calls")) {
            text.append(call.path("function").path("name").asText(""));
            text.append(call.path("function").path("arguments").asText(""));
          }
        }
      } catch (IOException e) {
        text.append(data);
      }
    }
    return Tokenizer.count(text.toString());
  }
}
