package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.providers.Operation;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the fields the gateway itself relies on, with OpenAI-style messages that name the field and
 * the expectation. Everything else (tools, response_format, seed, logprobs ...) passes through untouched
 * for the provider to judge.
 */
final class RequestValidation {
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
  private static final Set<String> ENCODINGS = Set.of("float", "base64");

  private RequestValidation() {}

  /** Validates and returns the model name. */
  static String validate(Operation op, ObjectNode body) {
    String model = requireString(body, "model");
    optionalBoolean(body, "stream");
    switch (op) {
      case CHAT -> chat(body);
      case COMPLETIONS -> completions(body);
      case EMBEDDINGS -> embeddings(body);
    }
    return model;
  }

  private static void chat(ObjectNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      throw missing("messages");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw new InvalidRequestException("messages", "messages: " + describe(messages) + " (expected: a non-empty array of message objects)", "invalid_type");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String p = "messages[" + i + "]";
      if (!m.isObject()) {
        throw new InvalidRequestException(p, p + ": " + describe(m) + " (expected: an object with role and content)", "invalid_type");
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual()) {
        throw new InvalidRequestException(p + ".role", p + ".role: " + describe(role) + " (expected: one of " + String.join(", ", ROLES.stream().sorted().toList()) + ")", "invalid_type");
      }
      if (!ROLES.contains(role.asText())) {
        throw new InvalidRequestException(p + ".role", p + ".role: '" + role.asText() + "' (expected: one of " + String.join(", ", ROLES.stream().sorted().toList()) + ")");
      }
      JsonNode content = m.get("content");
      if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
        throw new InvalidRequestException(p + ".content", p + ".content: " + describe(content) + " (expected: a string or an array of content parts)", "invalid_type");
      }
    }
    optionalPositiveInt(body, "max_tokens");
    optionalPositiveInt(body, "max_completion_tokens");
    optionalPositiveInt(body, "n");
    optionalNumber(body, "temperature", 0, 2);
    optionalNumber(body, "top_p", 0, 1);
    streamOptions(body);
  }

  private static void completions(ObjectNode body) {
    JsonNode prompt = body.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw missing("prompt");
    }
    if (!(prompt.isTextual() || (prompt.isArray() && !prompt.isEmpty()))) {
      throw new InvalidRequestException("prompt", "prompt: " + describe(prompt) + " (expected: a string, an array of strings or an array of token ids)", "invalid_type");
    }
    optionalPositiveInt(body, "max_tokens");
    optionalNumber(body, "temperature", 0, 2);
    streamOptions(body);
  }

  private static void embeddings(ObjectNode body) {
    JsonNode input = body.get("input");
    if (input == null || input.isNull()) {
      throw missing("input");
    }
    boolean ok = input.isTextual();
    if (input.isArray() && !input.isEmpty()) {
      boolean allStrings = true;
      boolean allInts = true;
      boolean allIntArrays = true;
      for (JsonNode item : input) {
        allStrings &= item.isTextual();
        allInts &= item.isIntegralNumber();
        allIntArrays &= item.isArray() && !item.isEmpty() && allIntegral(item);
      }
      ok = allStrings || allInts || allIntArrays;
    }
    if (!ok) {
      throw new InvalidRequestException("input", "input: " + describe(input) + " (expected: a string, a non-empty array of strings, or token id arrays)", "invalid_type");
    }
    JsonNode format = body.get("encoding_format");
    if (format != null && !format.isNull() && !(format.isTextual() && ENCODINGS.contains(format.asText()))) {
      throw new InvalidRequestException("encoding_format", "encoding_format: " + describe(format) + " (expected: float or base64)");
    }
    JsonNode dims = body.get("dimensions");
    if (dims != null && !dims.isNull() && !(dims.isIntegralNumber() && dims.asLong() >= 1 && dims.asLong() <= 8192)) {
      throw new InvalidRequestException("dimensions", "dimensions: " + describe(dims) + " (expected: an integer 1..8192)");
    }
    if (body.has("stream") && body.get("stream").asBoolean()) {
      throw new InvalidRequestException("stream", "stream: true (expected: embeddings cannot be streamed)");
    }
  }

  private static boolean allIntegral(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  private static void streamOptions(ObjectNode body) {
    JsonNode so = body.get("stream_options");
    if (so == null || so.isNull()) {
      return;
    }
    if (!so.isObject()) {
      throw new InvalidRequestException("stream_options", "stream_options: " + describe(so) + " (expected: an object such as {\"include_usage\": true})", "invalid_type");
    }
    JsonNode iu = so.get("include_usage");
    if (iu != null && !iu.isNull() && !iu.isBoolean()) {
      throw new InvalidRequestException("stream_options.include_usage", "stream_options.include_usage: " + describe(iu) + " (expected: a boolean)", "invalid_type");
    }
  }

  private static String requireString(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw missing(field);
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new InvalidRequestException(field, field + ": " + describe(v) + " (expected: a non-empty string)", "invalid_type");
    }
    return v.asText();
  }

  private static void optionalBoolean(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v != null && !v.isNull() && !v.isBoolean()) {
      throw new InvalidRequestException(field, field + ": " + describe(v) + " (expected: true or false)", "invalid_type");
    }
  }

  private static void optionalPositiveInt(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v != null && !v.isNull() && !(v.isIntegralNumber() && v.asLong() >= 1 && v.canConvertToInt())) {
      throw new InvalidRequestException(field, field + ": " + describe(v) + " (expected: an integer >= 1)", v.isIntegralNumber() ? "invalid_value" : "invalid_type");
    }
  }

  private static void optionalNumber(ObjectNode body, String field, double min, double max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isNumber()) {
      throw new InvalidRequestException(field, field + ": " + describe(v) + " (expected: a number " + min + ".." + max + ")", "invalid_type");
    }
    double d = v.asDouble();
    if (d < min || d > max) {
      throw new InvalidRequestException(field, field + ": " + v.asText() + " (expected: a number " + min + ".." + max + ")");
    }
  }

  private static InvalidRequestException missing(String field) {
    return new InvalidRequestException(field, "missing required parameter: '" + field + "'", "missing_required_parameter");
  }

  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "<missing>";
    }
    if (v.isTextual()) {
      String t = v.asText();
      return "'" + (t.length() > 60 ? t.substring(0, 60) + "…" : t) + "'";
    }
    if (v.isContainerNode()) {
      return v.isArray() ? (v.isEmpty() ? "[] (an empty array)" : "an array") : "an object";
    }
    return v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + v.asText();
  }
}
