package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.usage.TokenUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Chat Completions ⇄ Anthropic Messages, both directions, for requests and complete answers
 * (streams: {@link AnthropicToOpenAiStream}, {@link OpenAiToAnthropicStream}). Pure functions over JSON
 * trees; anything that cannot be expressed on the other side fails with a 400 naming the field.
 *
 * <p>Used two ways: the {@code anthropic} adapter turns an OpenAI request into an Anthropic one and the
 * answer back; {@code POST /v1/messages} routed to a non-Anthropic provider turns the Anthropic request
 * into an OpenAI one and the OpenAI answer back into an Anthropic message.
 */
public final class AnthropicTranslator {
  private AnthropicTranslator() {}

  // ---------------------------------------------------------------- OpenAI request -> Anthropic request

  /** The Anthropic Messages request for an OpenAI chat request served by {@code model}. */
  static ObjectNode toAnthropicRequest(ObjectNode in, ModelConfig model) {
    ObjectNode out = Json.object();
    out.put("model", model.upstreamModel());
    int fallback = model.option("max-tokens").map(v -> Integer.parseInt(v.strip())).orElse(KnownProviders.ANTHROPIC_DEFAULT_MAX_TOKENS);
    JsonNode max = in.hasNonNull("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
    out.put("max_tokens", max != null && max.canConvertToInt() ? max.asInt() : fallback);

    ArrayNode system = Json.MAPPER.createArrayNode();
    ArrayNode messages = out.putArray("messages");
    JsonNode msgs = in.path("messages");
    for (int i = 0; i < msgs.size(); i++) {
      JsonNode m = msgs.get(i);
      String p = "messages[" + i + "]";
      switch (m.path("role").asText()) {
        case "system", "developer" -> system.addAll(textBlocks(m.get("content"), p + ".content"));
        case "user" -> Turns.append(messages, "user", "content", userBlocks(m.get("content"), p + ".content"));
        case "assistant" -> Turns.append(messages, "assistant", "content", assistantBlocks(m, p));
        case "tool" -> {
          ObjectNode result = Json.object().put("type", "tool_result").put("tool_use_id", m.path("tool_call_id").asText());
          JsonNode content = m.get("content");
          if (content != null && content.isArray()) {
            result.set("content", userBlocks(content, p + ".content"));
          } else {
            result.put("content", ChatContent.text(content));
          }
          ArrayNode blocks = Json.MAPPER.createArrayNode().add(result);
          Turns.append(messages, "user", "content", blocks);
        }
        default -> throw new InvalidRequestException(p + ".role", p + ".role: '" + m.path("role").asText()
            + "' (expected: system, developer, user, assistant or tool; legacy function messages cannot be sent to Anthropic)");
      }
    }
    for (JsonNode msg : messages) {
      collapse((ObjectNode) msg);
    }
    if (!system.isEmpty()) {
      if (system.size() == 1 && !system.get(0).has("cache_control")) {
        out.put("system", system.get(0).path("text").asText());
      } else {
        out.set("system", system);
      }
    }
    copy(in, out, "temperature", "temperature");
    copy(in, out, "top_p", "top_p");
    copy(in, out, "top_k", "top_k");
    JsonNode stop = in.get("stop");
    if (stop != null && stop.isTextual()) {
      out.putArray("stop_sequences").add(stop.asText());
    } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
      out.set("stop_sequences", stop.deepCopy());
    }
    JsonNode tools = in.get("tools");
    boolean hasTools = tools != null && tools.isArray() && !tools.isEmpty();
    if (hasTools) {
      ArrayNode outTools = out.putArray("tools");
      for (int i = 0; i < tools.size(); i++) {
        JsonNode t = tools.get(i);
        if (!t.path("type").asText("function").equals("function")) {
          throw new InvalidRequestException("tools[" + i + "].type", "tools[" + i + "].type: '" + t.path("type").asText()
              + "' (expected: function; other tool types cannot be sent to Anthropic)");
        }
        JsonNode fn = t.path("function");
        ObjectNode tool = outTools.addObject().put("name", fn.path("name").asText());
        if (fn.hasNonNull("description")) {
          tool.put("description", fn.get("description").asText());
        }
        tool.set("input_schema", fn.hasNonNull("parameters") ? fn.get("parameters").deepCopy()
            : Json.object().put("type", "object").set("properties", Json.object()));
        if (t.has("cache_control")) {
          tool.set("cache_control", t.get("cache_control").deepCopy());
        }
      }
      ObjectNode choice = toolChoice(in.get("tool_choice"));
      if (in.path("parallel_tool_calls").isBoolean() && !in.get("parallel_tool_calls").asBoolean()) {
        if (choice == null) {
          choice = Json.object().put("type", "auto");
        }
        if (!choice.path("type").asText().equals("none")) {
          choice.put("disable_parallel_tool_use", true);
        }
      }
      if (choice != null) {
        out.set("tool_choice", choice);
      }
    }
    JsonNode format = in.path("response_format");
    if (format.path("type").asText().equals("json_schema") && format.path("json_schema").has("schema")) {
      out.putObject("output_config").putObject("format").put("type", "json_schema")
          .set("schema", format.path("json_schema").get("schema").deepCopy());
    }
    if (in.path("user").isTextual()) {
      out.putObject("metadata").put("user_id", in.get("user").asText());
    }
    if (in.path("stream").asBoolean(false)) {
      out.put("stream", true);
    }
    return out;
  }

  private static ObjectNode toolChoice(JsonNode choice) {
    if (choice == null || choice.isNull()) {
      return null;
    }
    if (choice.isTextual()) {
      return switch (choice.asText()) {
        case "none" -> Json.object().put("type", "none");
        case "required" -> Json.object().put("type", "any");
        default -> Json.object().put("type", "auto");
      };
    }
    String name = choice.path("function").path("name").asText("");
    if (name.isEmpty()) {
      throw new InvalidRequestException("tool_choice", "tool_choice: " + choice + " (expected: none, auto, required or {\"type\":\"function\",\"function\":{\"name\":...}})");
    }
    return Json.object().put("type", "tool").put("name", name);
  }

  /** A system message's text as text blocks (cache_control on parts is kept). */
  private static ArrayNode textBlocks(JsonNode content, String param) {
    ArrayNode blocks = Json.MAPPER.createArrayNode();
    if (content == null || content.isNull()) {
      return blocks;
    }
    if (content.isTextual()) {
      if (!content.asText().isEmpty()) {
        blocks.addObject().put("type", "text").put("text", content.asText());
      }
      return blocks;
    }
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      if (!part.path("type").asText().equals("text")) {
        throw new InvalidRequestException(param + "[" + i + "].type", param + "[" + i + "].type: '" + part.path("type").asText() + "' (expected: text in a system message)");
      }
      blocks.add(textBlock(part));
    }
    return blocks;
  }

  private static ObjectNode textBlock(JsonNode part) {
    ObjectNode b = Json.object().put("type", "text").put("text", part.path("text").asText());
    if (part.has("cache_control")) {
      b.set("cache_control", part.get("cache_control").deepCopy());
    }
    return b;
  }

  /** User content: text, images (URL or base64 data URL), PDF files. */
  private static ArrayNode userBlocks(JsonNode content, String param) {
    ArrayNode blocks = Json.MAPPER.createArrayNode();
    if (content == null || content.isNull()) {
      return blocks;
    }
    if (content.isTextual()) {
      blocks.addObject().put("type", "text").put("text", content.asText());
      return blocks;
    }
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String p = param + "[" + i + "]";
      switch (part.path("type").asText()) {
        case "text" -> blocks.add(textBlock(part));
        case "image_url" -> {
          JsonNode image = part.path("image_url");
          String url = image.isTextual() ? image.asText() : image.path("url").asText();
          ObjectNode b = blocks.addObject().put("type", "image");
          b.set("source", source(url, p + ".image_url.url"));
          if (part.has("cache_control")) {
            b.set("cache_control", part.get("cache_control").deepCopy());
          }
        }
        case "file" -> {
          String data = part.path("file").path("file_data").asText("");
          if (data.isEmpty()) {
            throw new InvalidRequestException(p + ".file", p + ".file: file_id references cannot be sent to Anthropic (expected: file_data as a base64 data URL)");
          }
          DataUrl d = DataUrl.parse(data, p + ".file.file_data");
          blocks.addObject().put("type", "document").set("source",
              Json.object().put("type", "base64").put("media_type", d.mediaType()).put("data", d.data()));
        }
        default -> throw new InvalidRequestException(p + ".type", p + ".type: '" + part.path("type").asText()
            + "' (expected: text, image_url or file; audio cannot be sent to Anthropic)");
      }
    }
    return blocks;
  }

  private static ObjectNode source(String url, String param) {
    if (url.startsWith("data:")) {
      DataUrl d = DataUrl.parse(url, param);
      return Json.object().put("type", "base64").put("media_type", d.mediaType()).put("data", d.data());
    }
    if (url.startsWith("http://") || url.startsWith("https://")) {
      return Json.object().put("type", "url").put("url", url);
    }
    throw new InvalidRequestException(param, param + ": '" + (url.length() > 40 ? url.substring(0, 40) + "…" : url)
        + "' (expected: an http(s) URL or a base64 data URL)");
  }

  private static ArrayNode assistantBlocks(JsonNode m, String p) {
    ArrayNode blocks = Json.MAPPER.createArrayNode();
    JsonNode content = m.get("content");
    if (content != null && content.isArray()) {
      for (JsonNode part : content) {
        String type = part.path("type").asText();
        if (type.equals("text") && !part.path("text").asText().isEmpty()) {
          blocks.add(textBlock(part));
        } else if (type.equals("refusal")) {
          blocks.addObject().put("type", "text").put("text", part.path("refusal").asText());
        }
      }
    } else {
      String text = ChatContent.text(content);
      if (!text.isEmpty()) {
        blocks.addObject().put("type", "text").put("text", text);
      }
    }
    JsonNode calls = m.path("tool_calls");
    for (int j = 0; j < calls.size(); j++) {
      JsonNode call = calls.get(j);
      ObjectNode b = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
          .put("name", call.path("function").path("name").asText());
      b.set("input", arguments(call.path("function").path("arguments"), p + ".tool_calls[" + j + "].function.arguments"));
    }
    return blocks;
  }

  /** OpenAI sends tool arguments as a JSON string; Anthropic wants the object. */
  static JsonNode arguments(JsonNode args, String param) {
    if (args.isObject()) {
      return args.deepCopy();
    }
    String text = args.asText("");
    if (text.isBlank()) {
      return Json.object();
    }
    try {
      JsonNode parsed = Json.MAPPER.readTree(text);
      if (parsed != null && parsed.isObject()) {
        return parsed;
      }
    } catch (IOException e) {
      // fall through
    }
    throw new InvalidRequestException(param, param + ": not a JSON object (expected: the tool call's arguments as a JSON object string)");
  }

  /** A message that is one plain text block is sent as a string, as Anthropic's own examples do. */
  private static void collapse(ObjectNode message) {
    JsonNode blocks = message.get("content");
    if (blocks.size() == 1 && blocks.get(0).path("type").asText().equals("text") && blocks.get(0).size() == 2) {
      message.put("content", blocks.get(0).path("text").asText());
    }
  }

  private static void copy(JsonNode in, ObjectNode out, String from, String to) {
    JsonNode v = in.get(from);
    if (v != null && !v.isNull()) {
      out.set(to, v.deepCopy());
    }
  }

  // ---------------------------------------------------------------- Anthropic answer -> OpenAI answer

  /** The OpenAI {@code chat.completion} for an Anthropic {@code message}. */
  static ObjectNode toOpenAiResponse(JsonNode msg, long created, TokenUsage usage) {
    ObjectNode out = Json.object();
    out.put("id", msg.path("id").asText()).put("object", "chat.completion").put("created", created)
        .put("model", msg.path("model").asText());
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    ArrayNode calls = Json.MAPPER.createArrayNode();
    for (JsonNode block : msg.path("content")) {
      switch (block.path("type").asText()) {
        case "text" -> text.append(block.path("text").asText());
        case "thinking" -> thinking.append(block.path("thinking").asText());
        case "tool_use" -> calls.addObject().put("id", block.path("id").asText()).put("type", "function")
            .set("function", Json.object().put("name", block.path("name").asText())
                .put("arguments", Json.string(block.path("input"))));
        default -> { } // redacted_thinking, server tool blocks: nothing an OpenAI client can use
      }
    }
    ObjectNode message = ChatContent.assistantMessage(text, thinking, calls);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0).set("message", message);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason(msg.path("stop_reason").asText("end_turn")));
    out.set("usage", OpenAiUsage.toJson(usage));
    return out;
  }

  /** Anthropic {@code stop_reason} → OpenAI {@code finish_reason}. */
  static String finishReason(String stopReason) {
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence, pause_turn
    };
  }

  /** OpenAI {@code finish_reason} → Anthropic {@code stop_reason}. */
  public static String stopReason(String finishReason) {
    return switch (finishReason == null ? "stop" : finishReason) {
      case "length" -> "max_tokens";
      case "tool_calls", "function_call" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> "end_turn";
    };
  }

  // ---------------------------------------------------------------- Anthropic request -> OpenAI request

  /**
   * The OpenAI chat request for an Anthropic Messages request ({@code POST /v1/messages} routed to a
   * provider that does not speak Anthropic). {@code maxCompletionTokens}: send {@code max_tokens} as
   * {@code max_completion_tokens} (OpenAI and Azure reject {@code max_tokens} for reasoning models).
   */
  public static ObjectNode toOpenAiRequest(ObjectNode in, boolean maxCompletionTokens) {
    ObjectNode out = Json.object();
    out.put("model", in.path("model").asText());
    ArrayNode messages = out.putArray("messages");
    JsonNode system = in.get("system");
    if (system != null && !system.isNull()) {
      String text = system.isTextual() ? system.asText() : joinText(system, "\n");
      if (!text.isEmpty()) {
        messages.addObject().put("role", "system").put("content", text);
      }
    }
    JsonNode msgs = in.path("messages");
    for (int i = 0; i < msgs.size(); i++) {
      JsonNode m = msgs.get(i);
      String p = "messages[" + i + "]";
      JsonNode content = m.get("content");
      if (m.path("role").asText().equals("assistant")) {
        messages.add(assistantMessage(content, p));
        continue;
      }
      if (content == null || content.isTextual()) {
        messages.addObject().put("role", "user").put("content", content == null ? "" : content.asText());
        continue;
      }
      ArrayNode parts = Json.MAPPER.createArrayNode();
      ArrayNode toolImages = Json.MAPPER.createArrayNode();
      for (int j = 0; j < content.size(); j++) {
        JsonNode block = content.get(j);
        String bp = p + ".content[" + j + "]";
        if (block.path("type").asText().equals("tool_result")) {
          messages.add(toolMessage(block, bp, toolImages));
        } else {
          parts.add(openAiPart(block, bp));
        }
      }
      parts.addAll(toolImages); // images a tool returned follow as user content: tool messages carry text only
      if (!parts.isEmpty()) {
        ObjectNode user = messages.addObject().put("role", "user");
        if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
          user.put("content", parts.get(0).path("text").asText());
        } else {
          user.set("content", parts);
        }
      }
    }
    if (in.hasNonNull("max_tokens")) {
      out.set(maxCompletionTokens ? "max_completion_tokens" : "max_tokens", in.get("max_tokens").deepCopy());
    }
    copy(in, out, "temperature", "temperature");
    copy(in, out, "top_p", "top_p");
    JsonNode stops = in.path("stop_sequences");
    if (stops.isArray() && !stops.isEmpty()) {
      out.set("stop", stops.deepCopy());
    }
    JsonNode tools = in.path("tools");
    if (tools.isArray() && !tools.isEmpty()) {
      ArrayNode outTools = out.putArray("tools");
      for (int i = 0; i < tools.size(); i++) {
        JsonNode t = tools.get(i);
        String type = t.path("type").asText("custom");
        if (!type.equals("custom") || !t.has("input_schema")) {
          throw new InvalidRequestException("tools[" + i + "].type", "tools[" + i + "]: server tool '" + t.path("type").asText(t.path("name").asText())
              + "' is only available when the model is served by Anthropic (expected: custom tools with input_schema)");
        }
        ObjectNode fn = Json.object().put("name", t.path("name").asText());
        if (t.hasNonNull("description")) {
          fn.put("description", t.get("description").asText());
        }
        fn.set("parameters", t.get("input_schema").deepCopy());
        outTools.addObject().put("type", "function").set("function", fn);
      }
      JsonNode choice = in.path("tool_choice");
      switch (choice.path("type").asText("")) {
        case "auto" -> out.put("tool_choice", "auto");
        case "any" -> out.put("tool_choice", "required");
        case "none" -> out.put("tool_choice", "none");
        case "tool" -> out.putObject("tool_choice").put("type", "function")
            .putObject("function").put("name", choice.path("name").asText());
        default -> { }
      }
      if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
        out.put("parallel_tool_calls", false);
      }
    }
    JsonNode format = in.path("output_config").path("format");
    if (format.path("type").asText().equals("json_schema")) {
      out.putObject("response_format").put("type", "json_schema").putObject("json_schema")
          .put("name", "output").put("strict", true).set("schema", format.path("schema").deepCopy());
    }
    JsonNode user = in.path("metadata").path("user_id");
    if (user.isTextual()) {
      out.put("user", user.asText());
    }
    if (in.path("stream").asBoolean(false)) {
      out.put("stream", true);
      out.putObject("stream_options").put("include_usage", true);
    }
    return out;
  }

  private static ObjectNode assistantMessage(JsonNode content, String p) {
    ObjectNode out = Json.object().put("role", "assistant");
    if (content == null || content.isTextual()) {
      out.put("content", content == null ? "" : content.asText());
      return out;
    }
    StringBuilder text = new StringBuilder();
    ArrayNode calls = Json.MAPPER.createArrayNode();
    for (int j = 0; j < content.size(); j++) {
      JsonNode block = content.get(j);
      switch (block.path("type").asText()) {
        case "text" -> text.append(block.path("text").asText());
        case "tool_use" -> calls.addObject().put("id", block.path("id").asText()).put("type", "function")
            .set("function", Json.object().put("name", block.path("name").asText())
                .put("arguments", Json.string(block.path("input"))));
        case "thinking", "redacted_thinking" -> { } // only Anthropic can read its own thinking back
        default -> throw new InvalidRequestException(p + ".content[" + j + "].type", p + ".content[" + j + "].type: '"
            + block.path("type").asText() + "' (expected: text, tool_use or thinking when the model is not served by Anthropic)");
      }
    }
    if (text.isEmpty() && !calls.isEmpty()) {
      out.putNull("content");
    } else {
      out.put("content", text.toString());
    }
    if (!calls.isEmpty()) {
      out.set("tool_calls", calls);
    }
    return out;
  }

  private static ObjectNode toolMessage(JsonNode block, String p, ArrayNode images) {
    ObjectNode tool = Json.object().put("role", "tool").put("tool_call_id", block.path("tool_use_id").asText());
    JsonNode content = block.get("content");
    String text;
    if (content == null || content.isNull()) {
      text = "";
    } else if (content.isTextual()) {
      text = content.asText();
    } else {
      List<String> texts = new ArrayList<>();
      for (int k = 0; k < content.size(); k++) {
        JsonNode c = content.get(k);
        if (c.path("type").asText().equals("image")) {
          images.add(openAiPart(c, p + ".content[" + k + "]"));
        } else {
          texts.add(c.path("text").asText());
        }
      }
      text = String.join("\n", texts);
    }
    if (block.path("is_error").asBoolean(false) && !text.startsWith("Error")) {
      text = "Error: " + text;
    }
    return tool.put("content", text);
  }

  private static ObjectNode openAiPart(JsonNode block, String p) {
    switch (block.path("type").asText()) {
      case "text" -> {
        return Json.object().put("type", "text").put("text", block.path("text").asText());
      }
      case "image" -> {
        JsonNode src = block.path("source");
        String url = switch (src.path("type").asText()) {
          case "base64" -> "data:" + src.path("media_type").asText() + ";base64," + src.path("data").asText();
          case "url" -> src.path("url").asText();
          default -> throw new InvalidRequestException(p + ".source.type", p + ".source.type: '" + src.path("type").asText()
              + "' (expected: base64 or url when the model is not served by Anthropic)");
        };
        return Json.object().put("type", "image_url").set("image_url", Json.object().put("url", url));
      }
      case "document" -> {
        JsonNode src = block.path("source");
        if (src.path("type").asText().equals("text")) {
          return Json.object().put("type", "text").put("text", src.path("data").asText());
        }
        if (!src.path("type").asText().equals("base64")) {
          throw new InvalidRequestException(p + ".source.type", p + ".source.type: '" + src.path("type").asText()
              + "' (expected: base64 or text documents when the model is not served by Anthropic)");
        }
        ObjectNode file = Json.object().put("filename", block.path("title").asText("document.pdf"))
            .put("file_data", "data:" + src.path("media_type").asText() + ";base64," + src.path("data").asText());
        return Json.object().put("type", "file").set("file", file);
      }
      default -> throw new InvalidRequestException(p + ".type", p + ".type: '" + block.path("type").asText()
          + "' (expected: text, image, document or tool_result when the model is not served by Anthropic)");
    }
  }

  private static String joinText(JsonNode blocks, String sep) {
    List<String> texts = new ArrayList<>();
    for (JsonNode b : blocks) {
      texts.add(b.path("text").asText());
    }
    return String.join(sep, texts);
  }

  // ---------------------------------------------------------------- OpenAI answer -> Anthropic answer

  /** The Anthropic {@code message} for an OpenAI {@code chat.completion} (first choice). */
  public static ObjectNode toAnthropicResponse(JsonNode completion, TokenUsage usage, String messageId) {
    ObjectNode out = Json.object();
    out.put("id", messageId).put("type", "message").put("role", "assistant")
        .put("model", completion.path("model").asText());
    ArrayNode content = out.putArray("content");
    JsonNode choice = completion.path("choices").path(0);
    JsonNode message = choice.path("message");
    String reasoning = message.path("reasoning_content").asText("");
    if (!reasoning.isEmpty()) {
      content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
    }
    String text = ChatContent.text(message.get("content"));
    if (!text.isEmpty()) {
      content.addObject().put("type", "text").put("text", text);
    }
    if (message.path("refusal").isTextual() && !message.get("refusal").asText().isEmpty()) {
      content.addObject().put("type", "text").put("text", message.get("refusal").asText());
    }
    for (JsonNode call : message.path("tool_calls")) {
      ObjectNode b = content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
          .put("name", call.path("function").path("name").asText());
      b.set("input", lenientArguments(call.path("function").path("arguments")));
    }
    out.put("stop_reason", stopReason(choice.path("finish_reason").asText(null)));
    out.putNull("stop_sequence");
    out.set("usage", AnthropicUsage.toJson(usage));
    return out;
  }

  /** Arguments from a model may be malformed; the caller still gets them, wrapped, rather than a failure. */
  static JsonNode lenientArguments(JsonNode args) {
    if (args.isObject()) {
      return args;
    }
    String text = args.asText("");
    if (text.isBlank()) {
      return Json.object();
    }
    try {
      JsonNode parsed = Json.MAPPER.readTree(text);
      if (parsed != null && parsed.isObject()) {
        return parsed;
      }
    } catch (IOException e) {
      // fall through
    }
    return Json.object().put("_raw_arguments", text);
  }
}
