package dev.tollgate.providers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Helpers the request translators share. */
final class Turns {
  private Turns() {}

  /**
   * Adds a turn's items ({@code content} blocks for Anthropic, {@code parts} for Gemini) to the conversation,
   * merging into the previous turn when it has the same role: both APIs want alternating roles, so tool
   * results after a tool call, for example, join one user turn.
   */
  static void append(ArrayNode turns, String role, String itemsField, ArrayNode items) {
    if (items.isEmpty()) {
      return;
    }
    if (!turns.isEmpty()) {
      ObjectNode last = (ObjectNode) turns.get(turns.size() - 1);
      if (last.path("role").asText().equals(role)) {
        ((ArrayNode) last.get(itemsField)).addAll(items);
        return;
      }
    }
    turns.addObject().put("role", role).set(itemsField, items);
  }
}
