package dev.tollgate.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A budget as JSON: the admin API's shape, also what the store keeps. */
public final class BudgetJson {
  private BudgetJson() {}

  public static ObjectNode render(Budget b) {
    ObjectNode o = Json.object().put("id", b.id()).put("object", "budget").put("name", b.name())
        .put("scope", b.scope().wire()).put("scope_value", b.scopeValue());
    b.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    b.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    o.put("period", b.period().wire()).put("amount_usd", Money.usd(b.amountNanos()));
    ArrayNode t = o.putArray("thresholds");
    b.thresholds().forEach(t::add);
    o.put("action", b.action().wire());
    b.downgradeTo().ifPresentOrElse(v -> o.put("downgrade_to", v), () -> o.putNull("downgrade_to"));
    o.put("created_at", b.createdAt().toString()).put("updated_at", b.updatedAt().toString());
    return o;
  }

  /** Reads what {@link #render} wrote. */
  public static Budget fromStored(JsonNode o) {
    return parse(o, o.path("id").asText(), text(o, "org_id"), text(o, "project_id"), Instant.parse(o.path("created_at").asText()),
        Instant.parse(o.path("updated_at").asText()));
  }

  /**
   * A budget from an API body. Errors name the field and the expectation (400).
   *
   * @param org the owning org (from the caller's scope or the body)
   */
  public static Budget parse(JsonNode body, String id, Optional<String> org, Optional<String> project, Instant createdAt,
                             Instant updatedAt) {
    try {
      String name = required(body, "name");
      Budget.Scope scope = Budget.Scope.parse(required(body, "scope"));
      String value = required(body, "scope_value");
      Budget.Period period = body.hasNonNull("period") ? Budget.Period.parse(body.get("period").asText()) : Budget.Period.MONTH;
      long amount = nanos(body.get("amount_usd"));
      List<Integer> thresholds = Budget.DEFAULT_THRESHOLDS;
      JsonNode t = body.get("thresholds");
      if (t != null && !t.isNull()) {
        if (!t.isArray()) {
          throw new IllegalArgumentException("thresholds: " + t + " (expected: an array of percentages such as [50, 80, 100])");
        }
        thresholds = new ArrayList<>();
        for (JsonNode x : t) {
          if (!x.isIntegralNumber() || !x.canConvertToInt()) {
            throw new IllegalArgumentException("thresholds: " + t + " (expected: integer percentages)");
          }
          thresholds.add(x.asInt());
        }
      }
      Budget.Action action = body.hasNonNull("action") ? Budget.Action.parse(body.get("action").asText()) : Budget.Action.BLOCK;
      Optional<String> downgrade = text(body, "downgrade_to");
      if (scope == Budget.Scope.ORG && org.isEmpty()) {
        org = Optional.of(value);
      }
      return new Budget(id, name, scope, value, org, project, period, amount, thresholds, action, downgrade, createdAt, updatedAt);
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage();
      throw new InvalidRequestException(msg.contains(":") ? msg.substring(0, msg.indexOf(':')) : null, msg);
    }
  }

  static long nanos(JsonNode v) {
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("amount_usd: <missing> (expected: a decimal amount such as \"100.00\")");
    }
    BigDecimal usd;
    try {
      usd = new BigDecimal(v.asText());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("amount_usd: " + v + " (expected: a decimal amount such as \"100.00\")");
    }
    if (usd.signum() < 0) {
      throw new IllegalArgumentException("amount_usd: " + usd.toPlainString() + " (expected: >= 0)");
    }
    if (usd.stripTrailingZeros().scale() > 9) {
      throw new IllegalArgumentException("amount_usd: " + usd.toPlainString() + " (expected: at most 9 decimals, one nano-dollar)");
    }
    if (usd.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
      throw new IllegalArgumentException("amount_usd: " + usd.toPlainString() + " (expected: <= 1000000000)");
    }
    return usd.movePointRight(9).longValueExact();
  }

  private static String required(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(field + ": " + (v == null ? "<missing>" : v.toString()) + " (expected: a non-empty string)");
    }
    return v.asText();
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
  }
}
