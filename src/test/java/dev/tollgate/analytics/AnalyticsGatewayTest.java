package dev.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analytics API wired into the real gateway: what the gateway metered is what the summary reports. */
class AnalyticsGatewayTest {
  @Test
  void summary_matchesTheLedgerOfRealRequests(@TempDir Path dir) {
    try (TestGateway gw = TestGateway.start(dir)) {
      String body = "{\"model\":\"mock-large\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
      assertThat(gw.post("/v1/chat/completions", gw.masterKey(), body, "req-an-1").statusCode()).isEqualTo(200);
      assertThat(gw.post("/v1/chat/completions", gw.masterKey(), body, "req-an-2").statusCode()).isEqualTo(200);
      long cost = gw.awaitUsage("req-an-1").costNanos() + gw.awaitUsage("req-an-2").costNanos();

      HttpResponse<String> resp = gw.get("/api/v1/costs/summary?period=today", gw.masterKey());
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      JsonNode s = Json.parseObject(resp.body().getBytes(StandardCharsets.UTF_8));
      assertThat(cost).as(resp.body()).isPositive();
      assertThat(s.path("attempts").asLong()).as(resp.body()).isEqualTo(2);
      assertThat(s.path("requests").asLong()).isEqualTo(2);
      assertThat(s.path("cost_nanos").asLong()).isEqualTo(cost);

      JsonNode models = Json.parseObject(gw.get("/api/v1/costs/breakdown?by=model&period=today", gw.masterKey()).body()
          .getBytes(StandardCharsets.UTF_8));
      assertThat(models.path("data").get(0).path("key").asText()).isEqualTo(gw.awaitUsage("req-an-1").modelServed());

      HttpResponse<String> unauthorised = gw.get("/api/v1/costs/summary", "not-a-key");
      assertThat(unauthorised.statusCode()).isEqualTo(401);
      UsageRecord r = gw.awaitUsage("req-an-2");
      assertThat(r.costNanos()).isPositive();
    }
  }
}
