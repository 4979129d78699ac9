package dev.tollgate.auth;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/keys}: create, list, get, revoke, with the master key. */
class KeyRoutesHttpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KEYS = "/api/v1/keys";
  private static final String INVALID = "invalid_request_error";

  @TempDir
  static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> create(String json) {
    return gateway.post(KEYS, gateway.masterKey(), json);
  }

  private static JsonNode json(HttpResponse<String> resp) {
    try {
      return MAPPER.readTree(resp.body());
    } catch (Exception e) {
      throw new AssertionError(resp.body(), e);
    }
  }

  @Test
  void create_returnsTheSecretOnceAndOnlyTheHintAfterwards() {
    Instant expires = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    HttpResponse<String> created = create("{\"name\":\"shown-once\",\"models\":[\"mock-small\"],\"expires_at\":\"" + expires + "\"}");
    JsonNode key = json(created);
    String secret = key.get("key").asText();

    HttpResponse<String> fetched = gateway.get(KEYS + "/" + key.get("id").asText(), gateway.masterKey());
    HttpResponse<String> list = gateway.get(KEYS, gateway.masterKey());

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(secret).matches("tg-[0-9A-Za-z]{40}");
    assertThat(key.get("object").asText()).isEqualTo("api_key");
    assertThat(key.get("key_hint").asText()).isEqualTo("tg-…" + secret.substring(secret.length() - 4));
    assertThat(key.get("models")).hasSize(1);
    assertThat(key.get("role").asText()).isEqualTo("virtual");
    assertThat(key.get("expires_at").asText()).isEqualTo(expires.toString());
    assertThat(json(fetched).get("status").asText()).isEqualTo("active");
    assertThat(json(fetched).has("key")).isFalse();
    assertThat(fetched.body()).doesNotContain(secret);
    assertThat(list.body()).doesNotContain(secret).doesNotContain(gateway.masterKey()).contains(key.get("id").asText());
    assertThat(gateway.post("/v1/chat/completions", secret,
        "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
  }

  @Test
  void list_includesTheMasterKeyAsMasterRole() {
    JsonNode list = json(gateway.get(KEYS, gateway.masterKey()));

    assertThat(list.get("object").asText()).isEqualTo("list");
    assertThat(list.get("data").findValuesAsText("role")).contains("master");
  }

  @Test
  void create_withoutName_returns400() {
    assertError(create("{}"), 400, INVALID, "invalid_value", "name");
    assertError(create("{\"name\":42}"), 400, INVALID, "invalid_value", "name");
    assertError(create("{\"name\":\"  \"}"), 400, INVALID, "invalid_value", "name");
  }

  @Test
  void create_withBadModels_returns400() {
    assertError(create("{\"name\":\"m1\",\"models\":\"mock-small\"}"), 400, INVALID, "invalid_value", "models");
    assertError(create("{\"name\":\"m2\",\"models\":[1]}"), 400, INVALID, "invalid_value", "models");
  }

  @Test
  void create_withBadOrPastExpiry_returns400() {
    assertError(create("{\"name\":\"e1\",\"expires_at\":\"next tuesday\"}"), 400, INVALID, "invalid_value", "expires_at");
    assertError(create("{\"name\":\"e2\",\"expires_at\":\"2001-01-01T00:00:00Z\"}"), 400, INVALID, "invalid_value", "expires_at");
  }

  @Test
  void create_withMalformedJson_returns400InvalidJson() {
    assertError(create("{\"name\":"), 400, INVALID, "invalid_json");
  }

  @Test
  void create_withTheNameOfAnActiveKey_returns409() {
    assertThat(create("{\"name\":\"taken\"}").statusCode()).isEqualTo(201);

    assertError(create("{\"name\":\"taken\"}"), 409, INVALID, "conflict");
  }

  @Test
  void get_unknownKey_returns404() {
    assertError(gateway.get(KEYS + "/key_nope", gateway.masterKey()), 404, INVALID, "not_found");
  }

  @Test
  void delete_revokesTheKey() {
    KeyService.CreatedKey key = gateway.createKey();

    HttpResponse<String> resp = gateway.send(gateway.request(KEYS + "/" + key.key().id())
        .header("Authorization", "Bearer " + gateway.masterKey()).DELETE().build());

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(json(resp).get("status").asText()).isEqualTo("revoked");
    assertThat(json(resp).get("revoked_at").isTextual()).isTrue();
    assertError(gateway.get("/v1/models", key.secret()), 401, INVALID, "api_key_revoked");
  }

  @Test
  void revoke_twice_returns409() {
    String id = gateway.createKey().key().id();
    assertThat(gateway.post(KEYS + "/" + id + "/revoke", gateway.masterKey(), "").statusCode()).isEqualTo(200);

    assertError(gateway.post(KEYS + "/" + id + "/revoke", gateway.masterKey(), ""), 409, INVALID, "conflict");
  }

  @Test
  void revoke_unknownKey_returns404() {
    assertError(gateway.post(KEYS + "/key_nope/revoke", gateway.masterKey(), ""), 404, INVALID, "not_found");
  }

  @Test
  void revoke_masterKey_returns409AndTheMasterKeyKeepsWorking() {
    assertError(gateway.post(KEYS + "/master/revoke", gateway.masterKey(), ""), 409, INVALID, "conflict");

    assertThat(gateway.get(KEYS, gateway.masterKey()).statusCode()).isEqualTo(200);
  }

  @Test
  void wrongMethod_returns405() {
    HttpResponse<String> resp = gateway.send(gateway.request(KEYS).header("Authorization", "Bearer " + gateway.masterKey())
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());

    assertError(resp, 405, INVALID, "method_not_allowed");
  }
}
