package dev.tollgate.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The one shared Jackson mapper and a few helpers around it. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
      .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);

  /** Reads one value in the middle of a stream (the shared mapper refuses trailing tokens). */
  private static final com.fasterxml.jackson.databind.ObjectReader SUBTREE =
      MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** The value at the parser's current token, as a tree; the parser is left on its last token. */
  public static JsonNode readSubtree(com.fasterxml.jackson.core.JsonParser parser) throws IOException {
    return SUBTREE.readTree(parser);
  }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Parses a request body into an object, or fails with a 400 that says what is wrong. */
  public static ObjectNode parseObject(byte[] body) {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw InvalidRequestException.malformedJson(firstLine(e.getMessage()));
    }
    if (node == null || node.isMissingNode()) {
      throw InvalidRequestException.malformedJson("the body is empty");
    }
    if (!node.isObject()) {
      throw new InvalidRequestException(null, "request body must be a JSON object, got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT), "invalid_json");
    }
    return (ObjectNode) node;
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  public static String string(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
