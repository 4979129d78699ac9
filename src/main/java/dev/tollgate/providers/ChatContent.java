package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;

/** Reads the text out of OpenAI message content: a string, or the text parts of a content array. */
public final class ChatContent {
  private ChatContent() {}

  public static String text(JsonNode content) {
    if (content == null || content.isNull() || content.isMissingNode()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.path("type").asText().equals("text")) {
          if (!sb.isEmpty()) {
            sb.append('\n');
          }
          sb.append(part.path("text").asText());
        }
      }
    }
    return sb.toString();
  }

  /**
   * The OpenAI assistant message a translated answer becomes: {@code content} is null only when the turn is
   * nothing but tool calls; reasoning text goes to {@code reasoning_content}, as DeepSeek and vLLM name it.
   */
  static ObjectNode assistantMessage(CharSequence text, CharSequence reasoning, ArrayNode toolCalls) {
    ObjectNode message = Json.object().put("role", "assistant");
    if (text.isEmpty() && !toolCalls.isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", text.toString());
    }
    message.putNull("refusal");
    if (!reasoning.isEmpty()) {
      message.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      message.set("tool_calls", toolCalls);
    }
    return message;
  }
}
