package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;

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
}
