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
import java.util.Optional;

/**
 * Counts tokens with the tokenizer when an upstream reported none (it ignored include_usage, or the
 * caller hung up first). Records made this way carry the {@code ESTIMATED} flag. Reads both request
 * formats (OpenAI chat, Anthropic Messages with {@code system} and content blocks) and both event
 * formats (OpenAI chunks, Anthropic {@code content_block_*} events).
 */
final class UsageEstimator {
  private UsageEstimator() {}

  static TokenUsage estimate(ObjectNode request, List<Buffer> relayedEvents) {
    return TokenUsage.of(promptTokens(request), outputTokens(relayedEvents));
  }

  /**
   * The usage of a stream that ended without a final report: what the upstream said so far (its input
   * side is exact: Anthropic's {@code message_start}, Gemini's running {@code usageMetadata}), with the
   * output the larger of its count and the tokenizer's count of what was relayed.
   */
  static TokenUsage estimate(ObjectNode request, List<Buffer> relayedEvents, Optional<TokenUsage> partial) {
    TokenUsage counted = estimate(request, relayedEvents);
    if (partial.isEmpty()) {
      return counted;
    }
    TokenUsage p = partial.get();
    long output = Math.max(p.outputTokens(), counted.outputTokens());
    return new TokenUsage(p.inputTokens(), p.cacheReadTokens(), p.cacheWrite5mTokens(), p.cacheWrite1hTokens(),
        p.audioInputTokens(), p.imageInputTokens(), output, Math.min(p.reasoningTokens(), output), p.audioOutputTokens());
  }

  /**
   * An upper bound of {@link #promptTokens} from the body's size alone, so that small requests are not counted:
   * a byte-level BPE token covers at least one UTF-8 byte, every counted text is in the body at least as long
   * (JSON escapes only lengthen it), and the per-message framing is less than a message's JSON takes. Doubled
   * for tool blocks, which are counted re-serialised.
   */
  static long promptTokensAtMost(int bodyBytes) {
    return 2L * bodyBytes + 16;
  }

  /** OpenAI's counting rule for chat: 3 tokens per message of framing plus 3 to prime the reply. */
  static long promptTokens(ObjectNode request) {
    JsonNode messages = request.get("messages");
    if (messages != null && messages.isArray()) {
      long n = 3;
      JsonNode system = request.get("system"); // Anthropic's top-level system prompt
      if (system != null && !system.isNull()) {
        n += 3 + Tokenizer.count(system.isTextual() ? system.asText() : ChatContent.text(system));
      }
      for (JsonNode m : messages) {
        n += 3 + Tokenizer.count(ChatContent.text(m.get("content"))) + Tokenizer.count(blockText(m.get("content")));
      }
      return n;
    }
    JsonNode prompt = request.get("prompt");
    if (prompt != null) {
      return prompt.isTextual() ? Tokenizer.count(prompt.asText()) : Tokenizer.count(prompt.toString());
    }
    return 0;
  }

  /** Tool definitions as the model sees them (for count_tokens). */
  static long toolTokens(ObjectNode request) {
    JsonNode tools = request.get("tools");
    return tools != null && tools.isArray() && !tools.isEmpty() ? Tokenizer.count(tools.toString()) : 0;
  }

  /** The text of Anthropic blocks that are not plain text parts: tool calls and tool results. */
  private static String blockText(JsonNode content) {
    if (content == null || !content.isArray()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode block : content) {
      switch (block.path("type").asText()) {
        case "tool_use" -> sb.append(block.path("name").asText()).append(block.path("input").toString());
        case "tool_result" -> {
          JsonNode c = block.get("content");
          sb.append(c == null ? "" : c.isTextual() ? c.asText() : ChatContent.text(c));
        }
        default -> { }
      }
    }
    return sb.toString();
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
        switch (chunk.path("type").asText("")) {
          case "content_block_start" -> text.append(chunk.path("content_block").path("name").asText(""));
          case "content_block_delta" -> {
            JsonNode delta = chunk.path("delta");
            text.append(delta.path("text").asText("")).append(delta.path("partial_json").asText(""))
                .append(delta.path("thinking").asText(""));
          }
          default -> { }
        }
      } catch (IOException e) {
        text.append(data);
      }
    }
    return Tokenizer.count(text.toString());
  }
}
