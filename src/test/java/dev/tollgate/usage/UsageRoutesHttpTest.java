package dev.tollgate.usage;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/usage}: the ledger over HTTP, with filters and cursor pagination. */
class UsageRoutesHttpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String INVALID = "invalid_request_error";

  @TempDir
  static Path dir;
  static TestGateway gateway;
  static KeyService.CreatedKey key;
  static final List<String> requestIds = new ArrayList<>();

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
    key = gateway.createKey();
    for (int i = 0; i < 5; i++) {
      String id = RequestIds.next();
      requestIds.add(id);
      gateway.post("/v1/chat/completions", key.secret(),
          "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}", id);
    }
    String failed = RequestIds.next();
    requestIds.add(failed);
    gateway.post("/v1/chat/completions", key.secret(), "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", failed);
    requestIds.forEach(gateway::awaitUsage);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static JsonNode usage(String query) {
    HttpResponse<String> resp = gateway.get("/api/v1/usage" + query, gateway.masterKey());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    try {
      return MAPPER.readTree(resp.body());
    } catch (Exception e) {
      throw new AssertionError(resp.body(), e);
    }
  }

  private static String keyFilter() {
    return "key_id=" + URLEncoder.encode(key.key().id(), StandardCharsets.UTF_8);
  }

  @Test
  void usage_rendersTheLedgerRowNewestFirst() {
    JsonNode page = usage("?" + keyFilter());

    assertThat(page.get("object").asText()).isEqualTo("list");
    assertThat(page.get("has_more").asBoolean()).isFalse();
    assertThat(page.get("next_cursor").isNull()).isTrue();
    assertThat(page.get("data").findValuesAsText("request_id")).containsExactlyElementsOf(requestIds.reversed());
    JsonNode ok = page.get("data").get(1);
    assertThat(ok.get("status").asInt()).isEqualTo(200);
    assertThat(ok.get("endpoint").asText()).isEqualTo("chat");
    assertThat(ok.get("provider").asText()).isEqualTo("mock");
    assertThat(ok.get("stream").asBoolean()).isFalse();
    assertThat(ok.at("/tokens/total").asLong()).isEqualTo(ok.at("/tokens/input").asLong() + ok.at("/tokens/output").asLong()).isPositive();
    // mock-small's demo prices: $0.15 / $0.60 per million input / output tokens
    java.math.BigDecimal expected = java.math.BigDecimal.valueOf(ok.at("/tokens/input").asLong()).multiply(new java.math.BigDecimal("0.00000015"))
        .add(java.math.BigDecimal.valueOf(ok.at("/tokens/output").asLong()).multiply(new java.math.BigDecimal("0.0000006")));
    assertThat(ok.get("cost_usd").asText()).isEqualTo(expected.setScale(9).toPlainString());
    assertThat(ok.get("cost_nanos").asLong()).isEqualTo(expected.movePointRight(9).longValueExact());
    assertThat(ok.get("price_version").asText()).startsWith("tollgate-mock:mock-small@");
    java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
    for (JsonNode v : ok.get("cost_breakdown")) {
      sum = sum.add(new java.math.BigDecimal(v.asText()));
    }
    assertThat(sum.setScale(9)).isEqualTo(expected.setScale(9));
    assertThat(ok.get("cost_breakdown").fieldNames()).toIterable().containsExactly("input", "output");
    assertThat(ok.get("error").isNull()).isTrue();
    JsonNode failed = page.get("data").get(0);
    assertThat(failed.get("status").asInt()).isEqualTo(404);
    assertThat(failed.get("error").asText()).isEqualTo("model_not_found");
    assertThat(failed.get("first_token_at").isNull()).isTrue();
  }

  @Test
  void usage_filtersByStatusAndModel() {
    assertThat(usage("?" + keyFilter() + "&status=404").get("data").findValuesAsText("model_requested")).containsExactly("nope");
    assertThat(usage("?" + keyFilter() + "&model=mock-small").get("data")).hasSize(5);
  }

  @Test
  void usage_cursorPagination_returnsEveryRowOnce() {
    List<String> seen = new ArrayList<>();
    String query = "?" + keyFilter() + "&limit=4";
    JsonNode page = usage(query);
    seen.addAll(page.get("data").findValuesAsText("request_id"));
    assertThat(page.get("has_more").asBoolean()).isTrue();

    page = usage(query + "&cursor=" + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8));
    seen.addAll(page.get("data").findValuesAsText("request_id"));

    assertThat(page.get("has_more").asBoolean()).isFalse();
    assertThat(seen).containsExactlyElementsOf(requestIds.reversed());
  }

  @Test
  void usage_withBadParameters_returns400NamingTheParameter() {
    String master = gateway.masterKey();
    assertError(gateway.get("/api/v1/usage?limit=0", master), 400, INVALID, "invalid_value", "limit");
    assertError(gateway.get("/api/v1/usage?limit=1001", master), 400, INVALID, "invalid_value", "limit");
    assertError(gateway.get("/api/v1/usage?limit=ten", master), 400, INVALID, "invalid_value", "limit");
    assertError(gateway.get("/api/v1/usage?status=99", master), 400, INVALID, "invalid_value", "status");
    assertError(gateway.get("/api/v1/usage?from=yesterday", master), 400, INVALID, "invalid_value", "from");
    assertError(gateway.get("/api/v1/usage?cursor=garbage", master), 400, INVALID, "invalid_value", "cursor");
  }
}
