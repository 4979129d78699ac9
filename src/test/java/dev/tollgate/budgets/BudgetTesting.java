package dev.tollgate.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.pricing.PriceComponent;
import dev.tollgate.pricing.PriceOverride;
import dev.tollgate.pricing.PricingConfig;
import dev.tollgate.testing.TestGateway;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Helpers shared by the budget integration tests. */
final class BudgetTesting {
  /** mock-small at $100 / $1000 per million tokens: a short answer costs about two cents. */
  static final String INPUT_PER_MILLION = "100";
  static final String OUTPUT_PER_MILLION = "1000";

  private BudgetTesting() {}

  static PricingConfig expensiveMocks() {
    return new PricingConfig(List.of(
        PriceOverride.builder("mock", "mock-small", Instant.EPOCH)
            .perMillion(PriceComponent.INPUT, INPUT_PER_MILLION).perMillion(PriceComponent.OUTPUT, OUTPUT_PER_MILLION).build(),
        PriceOverride.builder("mock", "mock-large", Instant.EPOCH)
            .perMillion(PriceComponent.INPUT, "1000").perMillion(PriceComponent.OUTPUT, "10000").build(),
        PriceOverride.builder("openai", "gpt-4o-mini", Instant.EPOCH)
            .perMillion(PriceComponent.INPUT, INPUT_PER_MILLION).perMillion(PriceComponent.OUTPUT, OUTPUT_PER_MILLION).build()),
        Optional.empty());
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  static JsonNode admin(TestGateway gw, String path, String body) {
    HttpResponse<String> r = gw.post(path, gw.masterKey(), body);
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return json(r);
  }

  static JsonNode get(TestGateway gw, String path) {
    HttpResponse<String> r = gw.get(path, gw.masterKey());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return json(r);
  }

  static long nanos(JsonNode usd) {
    return new BigDecimal(usd.asText()).movePointRight(9).longValueExact();
  }

  static String chat(String model, String prompt, int maxTokens) {
    return Json.object().put("model", model).put("max_tokens", maxTokens)
        .set("messages", Json.MAPPER.createArrayNode().add(Json.object().put("role", "user").put("content", prompt))).toString();
  }
}
