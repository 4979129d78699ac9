package dev.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.Json;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RPM and TPM rules through the admin API and the gateway: headers on every answer, 429 with Retry-After. */
class RateLimitHttpTest {
  @TempDir static Path dir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dir);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(r.body(), e);
    }
  }

  private static String chat(int maxTokens) {
    return "{\"model\": \"mock-small\", \"max_tokens\": " + maxTokens + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
  }

  @Test
  void rpmPerKey_thirdRequestInAMinute_isRefusedWithHeaders() {
    KeyService.CreatedKey key = gw.createKey();
    HttpResponse<String> created = gw.post("/api/v1/rate-limits", gw.masterKey(),
        "{\"scope\": \"key\", \"scope_value\": \"" + key.key().id() + "\", \"rpm\": 2}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> first = gw.post("/v1/chat/completions", key.secret(), chat(10));
    HttpResponse<String> second = gw.post("/v1/chat/completions", key.secret(), chat(10));
    HttpResponse<String> third = gw.post("/v1/chat/completions", key.secret(), chat(10));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).contains("2");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).contains("1");
    assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).contains("30s");
    assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(json(third).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    assertThat(Long.parseLong(third.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 30L);
  }

  @Test
  void keysOwnRpmLimit_setOnTheKey_isEnforcedWithoutARule() throws Exception {
    HttpResponse<String> made = gw.post("/api/v1/keys", gw.masterKey(), "{\"name\": \"own-limit\", \"rpm_limit\": 1}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    String secret = json(made).path("key").asText(); // the secret, shown this once

    HttpResponse<String> first = gw.post("/v1/chat/completions", secret, chat(10));
    HttpResponse<String> second = gw.post("/v1/chat/completions", secret, chat(10));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).contains("1");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(json(second).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void tpmPerModel_countsTheEstimate_andRefusesARequestLargerThanTheLimit() {
    KeyService.CreatedKey key = gw.createKey();
    HttpResponse<String> created = gw.post("/api/v1/rate-limits", gw.masterKey(),
        "{\"scope\": \"key\", \"scope_value\": \"" + key.key().id() + "\", \"tpm\": 100}");
    assertThat(created.statusCode()).isEqualTo(201);

    HttpResponse<String> small = gw.post("/v1/chat/completions", key.secret(), chat(20));
    HttpResponse<String> huge = gw.post("/v1/chat/completions", key.secret(), chat(500));

    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.headers().firstValue("x-ratelimit-limit-tokens")).contains("100");
    long remaining = Long.parseLong(small.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    assertThat(remaining).isBetween(50L, 79L); // ~8 prompt tokens + 20 max output were taken
    assertThat(huge.statusCode()).isEqualTo(429);
    assertThat(json(huge).path("error").path("message").asText()).contains("more than the limit of 100 tokens per minute");
  }

  @Test
  void rulesApi_listsGetsAndDeletes_andRejectsBadInput() {
    HttpResponse<String> bad = gw.post("/api/v1/rate-limits", gw.masterKey(), "{\"scope\": \"key\", \"scope_value\": \"k\", \"rpm\": 0}");
    HttpResponse<String> none = gw.post("/api/v1/rate-limits", gw.masterKey(), "{\"scope\": \"model\", \"scope_value\": \"m\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).path("error").path("message").asText()).isEqualTo("rpm: 0 (expected: >= 1)");
    assertThat(none.statusCode()).isEqualTo(400);

    String id = json(gw.post("/api/v1/rate-limits", gw.masterKey(), "{\"scope\": \"model\", \"scope_value\": \"mock-large\", \"rpm\": 1000}"))
        .path("id").asText();
    assertThat(json(gw.get("/api/v1/rate-limits", gw.masterKey())).path("data").findValuesAsText("id")).contains(id);
    HttpResponse<String> deleted = gw.send(gw.request("/api/v1/rate-limits/" + id).header("Authorization", "Bearer " + gw.masterKey()).DELETE().build());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(gw.get("/api/v1/rate-limits/" + id, gw.masterKey()).statusCode()).isEqualTo(404);
  }
}
