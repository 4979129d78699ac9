package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.usage.TokenUsage;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI Chat Completions ⇄ Gemini {@code generateContent}: requests one way, answers the other
 * (streams: {@link GeminiToOpenAiStream}). System and developer messages become
 * {@code systemInstruction}; user/assistant turns become {@code user}/{@code model} contents; images
 * become {@code inlineData} (data URLs) or {@code fileData} (URLs); tool calls become
 * {@code functionCall} parts and tool results {@code functionResponse} parts (named after the call they
 * answer); sampling settings go into {@code generationConfig}.
 *
 * <p>Thought signatures: Gemini 3 rejects a replayed {@code functionCall} without the
 * {@code thoughtSignature} it came with. Answers carry it on each tool call as
 * {@code extra_content.google.thought_signature} (Google's own OpenAI-compatibility convention) and,
 * because many clients rebuild history from ids only, also inside the tool call id ({@link #idSuffix});
 * requests read either back.
 */
public final class GeminiTranslator {
  static final String SIGNATURE_MARK = "__thought__";
  static final String URL_SAFE_SIGNATURE_MARK = "__ts__";
  /** Google's documented placeholder for history whose signature was lost (Gemini 3+). */
  static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

  private GeminiTranslator() {}

  // ---------------------------------------------------------------- OpenAI request -> Gemini request

  static ObjectNode toGeminiRequest(ObjectNode in, ModelConfig model) {
    ObjectNode out = Json.object();
    ArrayNode contents = out.putArray("contents");
    ArrayNode system = Json.MAPPER.createArrayNode();
    Map<String, String> toolNames = new HashMap<>();
    boolean strictSignatures = !model.upstreamModel().matches("(models/)?gemini-[12](\\..*|-.*)?");
    JsonNode msgs = in.path("messages");
    for (int i = 0; i < msgs.size(); i++) {
      JsonNode m = msgs.get(i);
      String p = "messages[" + i + "]";
      switch (m.path("role").asText()) {
        case "system", "developer" -> {
          String text = ChatContent.text(m.get("content"));
          if (!text.isEmpty()) {
            system.addObject().put("text", text);
          }
        }
        case "user" -> Turns.append(contents, "user", "parts", userParts(m.get("content"), p + ".content"));
        case "assistant" -> {
          ArrayNode parts = Json.MAPPER.createArrayNode();
          String text = ChatContent.text(m.get("content"));
          if (!text.isEmpty()) {
            parts.addObject().put("text", text);
          }
          JsonNode calls = m.path("tool_calls");
          for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String name = call.path("function").path("name").asText();
            toolNames.put(call.path("id").asText(), name);
            ObjectNode part = parts.addObject();
            part.putObject("functionCall").put("name", name)
                .set("args", AnthropicTranslator.arguments(call.path("function").path("arguments"), p + ".tool_calls[" + j + "].function.arguments"));
            String signature = signature(call);
            if (signature == null && j == 0 && strictSignatures) {
              signature = SKIP_SIGNATURE;
            }
            if (signature != null) {
              part.put("thoughtSignature", signature);
            }
          }
          Turns.append(contents, "model", "parts", parts);
        }
        case "tool" -> {
          String id = m.path("tool_call_id").asText();
          String name = toolNames.get(id);
          if (name == null) {
            throw new InvalidRequestException(p + ".tool_call_id", p + ".tool_call_id: '" + id
                + "' (expected: the id of a tool call in an earlier assistant message; Gemini needs the function name)");
          }
          ObjectNode response = Json.object();
          String text = ChatContent.text(m.get("content"));
          JsonNode parsed = parseObject(text);
          response.set("result", parsed != null ? parsed : Json.MAPPER.getNodeFactory().textNode(text));
          ObjectNode fr = Json.object().put("name", name);
          fr.set("response", response);
          ArrayNode parts = Json.MAPPER.createArrayNode();
          parts.addObject().set("functionResponse", fr);
          Turns.append(contents, "user", "parts", parts);
        }
        default -> throw new InvalidRequestException(p + ".role", p + ".role: '" + m.path("role").asText()
            + "' (expected: system, developer, user, assistant or tool; legacy function messages cannot be sent to Gemini)");
      }
    }
    if (!system.isEmpty()) {
      out.putObject("systemInstruction").set("parts", system);
    }
    JsonNode tools = in.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
      for (int i = 0; i < tools.size(); i++) {
        JsonNode t = tools.get(i);
        if (!t.path("type").asText("function").equals("function")) {
          throw new InvalidRequestException("tools[" + i + "].type", "tools[" + i + "].type: '" + t.path("type").asText()
              + "' (expected: function; other tool types cannot be sent to Gemini)");
        }
        JsonNode fn = t.path("function");
        ObjectNode d = declarations.addObject().put("name", fn.path("name").asText());
        if (fn.hasNonNull("description")) {
          d.put("description", fn.get("description").asText());
        }
        if (fn.hasNonNull("parameters")) {
          d.set("parametersJsonSchema", fn.get("parameters").deepCopy());
        }
      }
      JsonNode choice = in.get("tool_choice");
      if (choice != null && !choice.isNull()) {
        ObjectNode config = out.putObject("toolConfig").putObject("functionCallingConfig");
        if (choice.isTextual()) {
          config.put("mode", switch (choice.asText()) {
            case "none" -> "NONE";
            case "required" -> "ANY";
            default -> "AUTO";
          });
        } else {
          config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
        }
      }
    }
    ObjectNode gen = Json.object();
    copy(in, "temperature", gen, "temperature");
    copy(in, "top_p", gen, "topP");
    copy(in, "top_k", gen, "topK");
    copy(in, in.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", gen, "maxOutputTokens");
    copy(in, "n", gen, "candidateCount");
    copy(in, "presence_penalty", gen, "presencePenalty");
    copy(in, "frequency_penalty", gen, "frequencyPenalty");
    copy(in, "seed", gen, "seed");
    JsonNode stop = in.get("stop");
    if (stop != null && stop.isTextual()) {
      gen.putArray("stopSequences").add(stop.asText());
    } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
      gen.set("stopSequences", stop.deepCopy());
    }
    JsonNode format = in.path("response_format");
    switch (format.path("type").asText()) {
      case "json_object" -> gen.put("responseMimeType", "application/json");
      case "json_schema" -> {
        gen.put("responseMimeType", "application/json");
        if (format.path("json_schema").has("schema")) {
          gen.set("responseJsonSchema", format.path("json_schema").get("schema").deepCopy());
        }
      }
      default -> { }
    }
    String effort = in.path("reasoning_effort").asText("");
    if (!effort.isEmpty()) {
      int budget = switch (effort) {
        case "none", "minimal" -> 0;
        case "low" -> 1024;
        case "medium" -> 8192;
        case "high" -> 24576;
        default -> throw new InvalidRequestException("reasoning_effort", "reasoning_effort: '" + effort + "' (expected: none, minimal, low, medium or high)");
      };
      gen.putObject("thinkingConfig").put("thinkingBudget", budget);
    }
    if (!gen.isEmpty()) {
      out.set("generationConfig", gen);
    }
    return out;
  }

  /** The signature a tool call carries back: {@code extra_content.google.thought_signature}, else the id suffix. */
  private static String signature(JsonNode call) {
    JsonNode extra = call.path("extra_content").path("google").path("thought_signature");
    if (extra.isTextual() && !extra.asText().isEmpty()) {
      return extra.asText();
    }
    String id = call.path("id").asText("");
    int at = id.indexOf(SIGNATURE_MARK);
    if (at >= 0) {
      return id.substring(at + SIGNATURE_MARK.length());
    }
    at = id.indexOf(URL_SAFE_SIGNATURE_MARK);
    if (at >= 0) {
      try {
        return Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(id.substring(at + URL_SAFE_SIGNATURE_MARK.length())));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * A signature as it goes into a tool call id. Ids travel through clients that may replay them to other
   * providers (Anthropic wants {@code [a-zA-Z0-9_-]}), so a canonical base64 signature is carried URL-safe
   * and unpadded after {@value #URL_SAFE_SIGNATURE_MARK}; anything else as it is after {@value #SIGNATURE_MARK}.
   */
  static String idSuffix(String signature) {
    try {
      byte[] bytes = Base64.getDecoder().decode(signature);
      if (Base64.getEncoder().encodeToString(bytes).equals(signature)) {
        return URL_SAFE_SIGNATURE_MARK + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      }
    } catch (IllegalArgumentException e) {
      // not base64: carried as it is
    }
    return SIGNATURE_MARK + signature;
  }

  private static ArrayNode userParts(JsonNode content, String param) {
    ArrayNode parts = Json.MAPPER.createArrayNode();
    if (content == null || content.isNull()) {
      return parts;
    }
    if (content.isTextual()) {
      parts.addObject().put("text", content.asText());
      return parts;
    }
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String p = param + "[" + i + "]";
      switch (part.path("type").asText()) {
        case "text" -> parts.addObject().put("text", part.path("text").asText());
        case "image_url" -> {
          JsonNode image = part.path("image_url");
          String url = image.isTextual() ? image.asText() : image.path("url").asText();
          parts.add(media(url, p + ".image_url.url"));
        }
        case "input_audio" -> {
          String fmt = part.path("input_audio").path("format").asText("wav");
          parts.addObject().set("inlineData", Json.object().put("mimeType", "audio/" + fmt)
              .put("data", part.path("input_audio").path("data").asText()));
        }
        case "file" -> {
          String data = part.path("file").path("file_data").asText("");
          if (data.isEmpty()) {
            throw new InvalidRequestException(p + ".file", p + ".file: file_id references cannot be sent to Gemini (expected: file_data as a base64 data URL)");
          }
          parts.add(media(data, p + ".file.file_data"));
        }
        default -> throw new InvalidRequestException(p + ".type", p + ".type: '" + part.path("type").asText()
            + "' (expected: text, image_url, input_audio or file)");
      }
    }
    return parts;
  }

  private static ObjectNode media(String url, String param) {
    if (url.startsWith("data:")) {
      DataUrl d = DataUrl.parse(url, param);
      return Json.object().set("inlineData", Json.object().put("mimeType", d.mediaType()).put("data", d.data()));
    }
    if (url.startsWith("http://") || url.startsWith("https://") || url.startsWith("gs://")) {
      return Json.object().set("fileData", Json.object().put("mimeType", mimeType(url)).put("fileUri", url));
    }
    throw new InvalidRequestException(param, param + ": '" + (url.length() > 40 ? url.substring(0, 40) + "…" : url)
        + "' (expected: an http(s) URL or a base64 data URL)");
  }

  /** Gemini's fileData needs a MIME type; guessed from the file extension. */
  static String mimeType(String url) {
    String path = url.toLowerCase(Locale.ROOT);
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    if (path.endsWith(".png")) {
      return "image/png";
    } else if (path.endsWith(".gif")) {
      return "image/gif";
    } else if (path.endsWith(".webp")) {
      return "image/webp";
    } else if (path.endsWith(".pdf")) {
      return "application/pdf";
    }
    return "image/jpeg";
  }

  private static JsonNode parseObject(String text) {
    if (text.isBlank() || text.charAt(0) != '{') {
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(text);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void copy(JsonNode in, String from, ObjectNode out, String to) {
    JsonNode v = in.get(from);
    if (v != null && !v.isNull()) {
      out.set(to, v.deepCopy());
    }
  }

  // ---------------------------------------------------------------- Gemini answer -> OpenAI answer

  static ObjectNode toOpenAiResponse(JsonNode resp, String id, String model, long created, TokenUsage usage) {
    ObjectNode out = Json.object();
    out.put("id", resp.path("responseId").asText(id)).put("object", "chat.completion").put("created", created)
        .put("model", resp.path("modelVersion").asText(model));
    ArrayNode choices = out.putArray("choices");
    JsonNode candidates = resp.path("candidates");
    for (int c = 0; c < candidates.size(); c++) {
      JsonNode cand = candidates.get(c);
      int index = cand.path("index").asInt(c);
      StringBuilder text = new StringBuilder();
      StringBuilder thoughts = new StringBuilder();
      ArrayNode calls = Json.MAPPER.createArrayNode();
      for (JsonNode part : cand.path("content").path("parts")) {
        if (part.has("functionCall")) {
          calls.add(toolCall(part, id, index, calls.size(), false));
        } else if (part.path("thought").asBoolean(false)) {
          thoughts.append(part.path("text").asText(""));
        } else if (part.has("text")) {
          text.append(part.get("text").asText());
        }
      }
      ObjectNode message = ChatContent.assistantMessage(text, thoughts, calls);
      ObjectNode choice = choices.addObject();
      choice.put("index", index).set("message", message);
      choice.putNull("logprobs");
      choice.put("finish_reason", finishReason(cand.path("finishReason").asText("STOP"), !calls.isEmpty()));
    }
    if (candidates.isEmpty()) {
      // the prompt itself was blocked (promptFeedback.blockReason): no candidates at all
      ObjectNode choice = choices.addObject();
      choice.put("index", 0).set("message", Json.object().put("role", "assistant").put("content", "").putNull("refusal"));
      choice.putNull("logprobs");
      choice.put("finish_reason", "content_filter");
    }
    out.set("usage", OpenAiUsage.toJson(usage));
    return out;
  }

  /**
   * One {@code functionCall} part as an OpenAI tool call (in a stream: with its index). The id is
   * Gemini's when it sends one, else derived from the response id, candidate and position.
   */
  static ObjectNode toolCall(JsonNode part, String responseId, int candidate, int position, boolean streamed) {
    JsonNode fc = part.path("functionCall");
    String base = fc.path("id").asText("");
    if (base.isEmpty()) {
      base = "call_" + Integer.toHexString((responseId + ":" + candidate + ":" + position).hashCode() & 0x7fffffff) + "_" + position;
    }
    String signature = part.path("thoughtSignature").asText("");
    ObjectNode call = Json.object();
    if (streamed) {
      call.put("index", position);
    }
    call.put("id", signature.isEmpty() ? base : base + idSuffix(signature)).put("type", "function");
    call.set("function", Json.object().put("name", fc.path("name").asText())
        .put("arguments", Json.string(fc.has("args") ? fc.get("args") : Json.object())));
    if (!signature.isEmpty()) {
      call.putObject("extra_content").putObject("google").put("thought_signature", signature);
    }
    return call;
  }

  /** Gemini {@code finishReason} → OpenAI {@code finish_reason}. */
  static String finishReason(String reason, boolean calledTools) {
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE" -> "content_filter";
      default -> calledTools ? "tool_calls" : "stop"; // STOP, MALFORMED_FUNCTION_CALL, OTHER, FINISH_REASON_UNSPECIFIED
    };
  }
}
