package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Asserts OpenAI's exact error shape: {@code {"error":{"message","type","param","code"}}} and nothing else. */
public final class OpenAiErrors {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OpenAiErrors() {}

  /** Asserts status, shape, type and code, with {@code param} null. Returns the message. */
  public static String assertError(HttpResponse<String> resp, int status, String type, String code) {
    JsonNode error = assertShape(resp, status, type, code);
    assertThat(error.get("param").isNull()).as("param of %s", resp.body()).isTrue();
    return error.get("message").asText();
  }

  /** Asserts status, shape, type, code and param. Returns the message. */
  public static String assertError(HttpResponse<String> resp, int status, String type, String code, String param) {
    JsonNode error = assertShape(resp, status, type, code);
    assertThat(error.get("param").asText()).as("param of %s", resp.body()).isEqualTo(param);
    return error.get("message").asText();
  }

  /** Asserts that {@code json} is an OpenAI error object of this type and code. Returns the message. */
  public static String assertErrorJson(String json, String type, String code) {
    JsonNode root = parse(json);
    JsonNode error = checkShape(root, json);
    assertThat(error.get("type").asText()).as("type of %s", json).isEqualTo(type);
    assertThat(error.get("code").asText()).as("code of %s", json).isEqualTo(code);
    return error.get("message").asText();
  }

  private static JsonNode assertShape(HttpResponse<String> resp, int status, String type, String code) {
    assertThat(resp.statusCode()).as("status of %s %s: %s", resp.request().method(), resp.request().uri(), resp.body())
        .isEqualTo(status);
    assertThat(resp.headers().firstValue("content-type")).as("content-type").hasValueSatisfying(
        ct -> assertThat(ct).startsWith("application/json"));
    JsonNode error = checkShape(parse(resp.body()), resp.body());
    assertThat(error.get("type").asText()).as("type of %s", resp.body()).isEqualTo(type);
    assertThat(error.get("code").asText()).as("code of %s", resp.body()).isEqualTo(code);
    return error;
  }

  private static JsonNode checkShape(JsonNode root, String json) {
    assertThat(fieldNames(root)).as("top-level fields of %s", json).containsExactly("error");
    JsonNode error = root.get("error");
    assertThat(fieldNames(error)).as("error fields of %s", json)
        .containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.get("message").isTextual()).as("message is a string in %s", json).isTrue();
    assertThat(error.get("message").asText()).as("message of %s", json).isNotBlank();
    assertThat(error.get("type").isTextual()).as("type is a string in %s", json).isTrue();
    assertThat(error.get("param").isTextual() || error.get("param").isNull()).as("param in %s", json).isTrue();
    assertThat(error.get("code").isTextual() || error.get("code").isNull()).as("code in %s", json).isTrue();
    return error;
  }

  private static List<String> fieldNames(JsonNode node) {
    assertThat(node.isObject()).as("%s is an object", node).isTrue();
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
