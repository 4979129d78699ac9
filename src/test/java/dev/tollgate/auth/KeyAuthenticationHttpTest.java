package dev.tollgate.auth;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may call what: API keys on the gateway and the admin API, over plain HTTP. */
class KeyAuthenticationHttpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String CHAT = "/v1/chat/completions";
  private static final String HELLO = "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
  private static final String AUTH = "invalid_request_error";

  @TempDir
  static Path dir;
  static final MutableClock clock = new MutableClock();
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.builder(dir).clock(clock).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> chatWithHeader(String header, String value) {
    return gateway.send(gateway.request(CHAT).header(header, value).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(HELLO)).build());
  }

  @Test
  void chat_withoutKey_returns401MissingApiKey() {
    HttpResponse<String> resp = gateway.send(gateway.request(CHAT).POST(HttpRequest.BodyPublishers.ofString(HELLO)).build());

    assertError(resp, 401, AUTH, "missing_api_key");
  }

  @Test
  void chat_withEmptyBearer_returns401MissingApiKey() {
    assertError(chatWithHeader("Authorization", "Bearer "), 401, AUTH, "missing_api_key");
  }

  @Test
  void chat_withUnknownKey_returns401InvalidApiKey() {
    String message = assertError(gateway.post(CHAT, "tg-not-a-real-key-000000000000000000000", HELLO), 401, AUTH, "invalid_api_key");

    assertThat(message).doesNotContain("tg-not-a-real-key");
  }

  @Test
  void chat_withXApiKeyHeader_isAccepted() {
    HttpResponse<String> resp = chatWithHeader("x-api-key", gateway.createKey().secret());

    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
  }

  @Test
  void chat_withBearerInAnyCase_isAccepted() {
    HttpResponse<String> resp = chatWithHeader("Authorization", "bearer " + gateway.createKey().secret());

    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
  }

  @Test
  void chat_withMasterKey_isAccepted() {
    assertThat(gateway.post(CHAT, gateway.masterKey(), HELLO).statusCode()).isEqualTo(200);
  }

  @Test
  void chat_withRevokedKey_returns401OnTheVeryNextRequest() throws Exception {
    HttpResponse<String> created = gateway.post("/api/v1/keys", gateway.masterKey(), "{\"name\":\"to-revoke\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode key = MAPPER.readTree(created.body());
    String secret = key.get("key").asText();
    assertThat(gateway.post(CHAT, secret, HELLO).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = gateway.post("/api/v1/keys/" + key.get("id").asText() + "/revoke", gateway.masterKey(), "");
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(MAPPER.readTree(revoked.body()).get("status").asText()).isEqualTo("revoked");

    assertError(gateway.post(CHAT, secret, HELLO), 401, AUTH, "api_key_revoked");
    assertError(gateway.get("/v1/models", secret), 401, AUTH, "api_key_revoked");
  }

  @Test
  void chat_withExpiredKey_returns401ApiKeyExpired() {
    Instant expiry = clock.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    KeyService.CreatedKey key = gateway.createKey(Set.of(), Optional.of(expiry));
    assertThat(gateway.post(CHAT, key.secret(), HELLO).statusCode()).isEqualTo(200);

    clock.advance(Duration.ofHours(2));

    assertError(gateway.post(CHAT, key.secret(), HELLO), 401, AUTH, "api_key_expired");
  }

  @Test
  void chat_withKeyRestrictedToOtherModels_returns403ModelNotAllowed() {
    KeyService.CreatedKey key = gateway.createKey("mock-large");
    String requestId = RequestIds.next();

    String message = assertError(gateway.post(CHAT, key.secret(), HELLO, requestId), 403, "permission_error", "model_not_allowed");

    assertThat(message).contains("mock-small");
    assertThat(gateway.post(CHAT, key.secret(), HELLO.replace("mock-small", "mock-large")).statusCode()).isEqualTo(200);
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.keyId()).isEqualTo(key.key().id());
    assertThat(row.status()).isEqualTo(403);
    assertThat(row.errorClass()).contains("model_not_allowed");
  }

  @Test
  void unauthenticatedRequests_leaveNoLedgerRow() {
    String missing = RequestIds.next();
    String unknown = RequestIds.next();
    gateway.send(gateway.request(CHAT).header("x-request-id", missing).POST(HttpRequest.BodyPublishers.ofString(HELLO)).build());
    gateway.post(CHAT, "tg-unknown-0000000000000000000000000000000", HELLO, unknown);

    gateway.ledgerBarrier();

    assertThat(gateway.usageRows(missing)).isEmpty();
    assertThat(gateway.usageRows(unknown)).isEmpty();
  }

  @Test
  void adminApi_withVirtualKey_returns403AdminRequired() {
    String secret = gateway.createKey().secret();

    assertError(gateway.get("/api/v1/keys", secret), 403, "permission_error", "admin_required");
    assertError(gateway.post("/api/v1/keys", secret, "{\"name\":\"sneaky\"}"), 403, "permission_error", "admin_required");
    assertError(gateway.get("/api/v1/usage", secret), 403, "permission_error", "admin_required");
  }

  @Test
  void adminApi_withoutKey_returns401() {
    assertError(gateway.send(gateway.request("/api/v1/keys").GET().build()), 401, AUTH, "missing_api_key");
    assertError(gateway.get("/api/v1/usage", "tg-wrong-00000000000000000000000000000000"), 401, AUTH, "invalid_api_key");
  }
}
