package dev.tollgate.tenancy;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login, the session token's life (expiry, logout, signing-key rotation) and the first owner. */
class LoginHttpTest {
  private static final String AUTH = "invalid_request_error"; // OpenAI's type for a 401
  private static final String OWNER = "owner@example.com";
  private static final String PASSWORD = "s3cret-enough";

  @TempDir
  static Path dir;
  static final MutableClock clock = new MutableClock();
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.builder(dir).clock(clock).auth(a -> a.withSessionTtl(Duration.ofHours(1))).start();
    gateway.createUser(OWNER, PASSWORD, "[{\"role\":\"owner\"}]");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonNode json(HttpResponse<String> resp) {
    try {
      return Json.MAPPER.readTree(resp.body());
    } catch (Exception e) {
      throw new AssertionError(resp.body(), e);
    }
  }

  static HttpResponse<String> login(String body) {
    return gateway.send(gateway.request("/api/v1/auth/login").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void login_givesATokenThatActsAsTheGlobalOwner() {
    HttpResponse<String> resp = login("{\"email\":\"Owner@Example.com\",\"password\":\"" + PASSWORD + "\"}");
    JsonNode session = json(resp);
    String token = session.get("token").asText();

    JsonNode me = json(gateway.get("/api/v1/auth/me", token));

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(token.split("\\.")).hasSize(3);
    assertThat(resp.body()).doesNotContain("argon2").doesNotContain(PASSWORD);
    assertThat(session.at("/user/email").asText()).isEqualTo(OWNER);
    assertThat(me.at("/scope/role").asText()).isEqualTo("owner");
    assertThat(me.at("/scope/global").asBoolean()).isTrue();
    assertThat(gateway.post("/api/v1/orgs", token, "{\"name\":\"made-by-owner\"}").statusCode()).isEqualTo(201);
    String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    assertThat(header).contains("\"alg\":\"HS256\"").contains("\"kid\":\"sk_");
  }

  @Test
  void login_withWrongPasswordOrUnknownEmail_isTheSame401() {
    assertError(login("{\"email\":\"" + OWNER + "\",\"password\":\"wrong-password\"}"), 401, AUTH, "invalid_credentials");
    assertError(login("{\"email\":\"nobody@example.com\",\"password\":\"" + PASSWORD + "\"}"), 401, AUTH, "invalid_credentials");
  }

  @Test
  void login_withBadBodies_is400() {
    assertError(login("{\"email\":\"" + OWNER + "\"}"), 400, "invalid_request_error", "invalid_value", "password");
    assertError(login("{\"email\":1,\"password\":\"x\"}"), 400, "invalid_request_error", "invalid_value", "email");
    assertError(login("{\"email\":\"a@b.c\",\"password\":\"x\",\"otp\":1}"), 400, "invalid_request_error", "unknown_field", "otp");
    assertError(login("not json"), 400, "invalid_request_error", "invalid_json");
  }

  @Test
  void logout_endsTheSessionOnly() {
    String first = gateway.login(OWNER, PASSWORD);
    String second = gateway.login(OWNER, PASSWORD);

    HttpResponse<String> out = gateway.post("/api/v1/auth/logout", first, "");

    assertThat(out.statusCode()).isEqualTo(200);
    assertError(gateway.get("/api/v1/keys", first), 401, AUTH, "session_revoked");
    assertThat(gateway.get("/api/v1/keys", second).statusCode()).isEqualTo(200);
    assertError(gateway.post("/api/v1/auth/logout", gateway.masterKey(), ""), 403, "permission_error", "session_required");
  }

  @Test
  void tokens_expireAfterTheSessionTtl() {
    String token = gateway.login(OWNER, PASSWORD);
    assertThat(gateway.get("/api/v1/keys", token).statusCode()).isEqualTo(200);

    clock.advance(Duration.ofMinutes(61));

    assertError(gateway.get("/api/v1/keys", token), 401, AUTH, "session_expired");
    assertThat(gateway.get("/api/v1/keys", gateway.login(OWNER, PASSWORD)).statusCode()).isEqualTo(200);
  }

  @Test
  void signingKeyRotation_newKeySigns_oldTokensVerifyUntilRetired() {
    String before = gateway.login(OWNER, PASSWORD);
    HttpResponse<String> rotated = gateway.post("/api/v1/auth/signing-keys/rotate", gateway.masterKey(), "");
    String kid = json(rotated).get("kid").asText();
    String after = gateway.login(OWNER, PASSWORD);

    assertThat(rotated.statusCode()).isEqualTo(201);
    assertThat(new String(Base64.getUrlDecoder().decode(after.split("\\.")[0]), StandardCharsets.UTF_8)).contains(kid);
    assertThat(gateway.get("/api/v1/keys", before).statusCode()).as("old key still verifies").isEqualTo(200);
    JsonNode keys = json(gateway.get("/api/v1/auth/signing-keys", after));
    assertThat(keys.get("data").findValuesAsText("kid")).contains(kid);
    assertThat(keys.toString()).doesNotContain("secret");

    clock.advance(Duration.ofMinutes(61)); // one session lifetime: the old key retires, its tokens expired anyway
    String fresh = gateway.login(OWNER, PASSWORD);
    assertThat(gateway.get("/api/v1/keys", fresh).statusCode()).isEqualTo(200);
    assertThat(json(gateway.get("/api/v1/auth/signing-keys", fresh)).get("data").findValuesAsText("kid")).containsExactly(kid);
  }

  @Test
  void forgedTokens_areRefused() {
    String token = gateway.login(OWNER, PASSWORD);
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String otherSub = Base64.getUrlEncoder().withoutPadding().encodeToString(
        payload.replaceAll("\"sub\":\"[^\"]+\"", "\"sub\":\"user_someone\"").getBytes(StandardCharsets.UTF_8));
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"kid\":\"x\"}".getBytes(StandardCharsets.UTF_8));

    assertError(gateway.get("/api/v1/keys", parts[0] + "." + otherSub + "." + parts[2]), 401, AUTH, "invalid_session_token");
    assertError(gateway.get("/api/v1/keys", none + "." + parts[1] + "."), 401, AUTH, "invalid_session_token");
    assertError(gateway.get("/api/v1/keys", parts[0] + "." + parts[1] + ".AAAA"), 401, AUTH, "invalid_session_token");
  }

  @Test
  void disabledUser_losesTheSession_andCannotLogIn() {
    String id = gateway.createUser("leaver@example.com", PASSWORD, "[{\"role\":\"viewer\",\"org_id\":\"org_default\"}]");
    String token = gateway.login("leaver@example.com", PASSWORD);

    assertThat(gateway.call("DELETE", "/api/v1/users/" + id, gateway.masterKey(), null).statusCode()).isEqualTo(200);

    assertThat(gateway.get("/api/v1/keys", token).statusCode()).isEqualTo(401);
    assertError(login("{\"email\":\"leaver@example.com\",\"password\":\"" + PASSWORD + "\"}"), 401, AUTH, "invalid_credentials");
  }

  @Test
  void passwordChange_needsTheCurrentPassword() {
    gateway.createUser("changer@example.com", PASSWORD, "[{\"role\":\"viewer\",\"org_id\":\"org_default\"}]");
    String token = gateway.login("changer@example.com", PASSWORD);

    assertThat(gateway.post("/api/v1/auth/password", token, "{\"current_password\":\"nope-nope\",\"new_password\":\"another-one-1\"}")
        .statusCode()).isEqualTo(400);
    assertError(gateway.post("/api/v1/auth/password", token, "{\"current_password\":\"" + PASSWORD + "\",\"new_password\":\"short\"}"),
        400, "invalid_request_error", "invalid_value", "new_password");
    String other = gateway.login("changer@example.com", PASSWORD);
    clock.advance(Duration.ofSeconds(1)); // tokens carry whole seconds
    assertThat(gateway.post("/api/v1/auth/password", token, "{\"current_password\":\"" + PASSWORD + "\",\"new_password\":\"another-one-1\"}")
        .statusCode()).isEqualTo(200);
    assertThat(gateway.login("changer@example.com", "another-one-1")).isNotEmpty();
    assertError(gateway.get("/api/v1/keys", other), 401, AUTH, "session_revoked"); // a new password ends the old sessions
    assertError(login("{\"email\":\"changer@example.com\",\"password\":\"" + PASSWORD + "\"}"), 401, AUTH, "invalid_credentials");
  }

  @Test
  void users_badInput_isA4xxAndWritesNothing() {
    String roles = "[{\"role\":\"viewer\",\"org_id\":\"org_default\"}]";
    gateway.createUser("dup@example.com", PASSWORD, roles);
    String master = gateway.masterKey();

    assertError(gateway.post("/api/v1/users", master, "{\"email\":\"DUP@example.com\",\"password\":\"" + PASSWORD + "\",\"roles\":" + roles + "}"),
        409, "invalid_request_error", "conflict");
    assertError(gateway.post("/api/v1/users", master, "{\"email\":\"x@example.com\",\"password\":\"" + PASSWORD + "\",\"roles\":[{\"role\":\"king\"}]}"),
        400, "invalid_request_error", "invalid_value", "roles");
    assertError(gateway.post("/api/v1/users", master, "{\"email\":\"y@example.com\",\"password\":\"" + PASSWORD
        + "\",\"roles\":[{\"role\":\"viewer\",\"org_id\":\"org_default\"},{\"role\":\"admin\",\"org_id\":\"org_nope\"}]}"), 404,
        "invalid_request_error", "not_found");
    assertError(gateway.post("/api/v1/users", master, "{\"email\":\"" + "z".repeat(300) + "@example.com\",\"password\":\"" + PASSWORD + "\",\"roles\":" + roles + "}"),
        400, "invalid_request_error", "invalid_value", "email");
    assertError(gateway.post("/api/v1/users", master, "{\"email\":\"w@example.com\",\"password\":\"" + PASSWORD + "\",\"roles\":[]}"),
        400, "invalid_request_error", "invalid_value", "roles");
    String users = gateway.get("/api/v1/users?limit=1000", master).body();
    assertThat(users).doesNotContain("x@example.com").doesNotContain("y@example.com").doesNotContain("w@example.com");
    assertError(gateway.get("/api/v1/users/user_nope", master), 404, "invalid_request_error", "not_found");
  }

  @Test
  void lastGlobalOwner_cannotBeDisabled() {
    JsonNode owners = json(gateway.get("/api/v1/users?limit=1000", gateway.masterKey()));
    String ownerId = null;
    for (JsonNode u : owners.get("data")) {
      if (u.get("email").asText().equals(OWNER)) {
        ownerId = u.get("id").asText();
      }
    }

    assertError(gateway.call("DELETE", "/api/v1/users/" + ownerId, gateway.masterKey(), null), 409, "invalid_request_error", "conflict");
  }
}
