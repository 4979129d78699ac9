package dev.tollgate.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** A rate-limit rule as JSON: the admin API's shape, also what the store keeps. */
public final class RateLimitJson {
  private RateLimitJson() {}

  public static ObjectNode render(RateLimitRule r) {
    ObjectNode o = Json.object().put("id", r.id()).put("object", "rate_limit").put("scope", r.scope().wire())
        .put("scope_value", r.scopeValue());
    r.rpm().ifPresentOrElse(v -> o.put("rpm", v), () -> o.putNull("rpm"));
    r.tpm().ifPresentOrElse(v -> o.put("tpm", v), () -> o.putNull("tpm"));
    r.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    r.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    o.put("created_at", r.createdAt().toString());
    return o;
  }

  public static RateLimitRule fromStored(JsonNode o) {
    return parse(o, o.path("id").asText(), text(o, "org_id"), text(o, "project_id"), Instant.parse(o.path("created_at").asText()));
  }

  public static RateLimitRule parse(JsonNode body, String id, Optional<String> org, Optional<String> project, Instant createdAt) {
    try {
      JsonNode scope = body.get("scope");
      JsonNode value = body.get("scope_value");
      if (scope == null || !scope.isTextual()) {
        throw new IllegalArgumentException("scope: " + scope + " (expected: key, project or model)");
      }
      if (value == null || !value.isTextual()) {
        throw new IllegalArgumentException("scope_value: " + value + " (expected: a key id, project id or model name)");
      }
      return new RateLimitRule(id, RateLimitRule.Scope.parse(scope.asText()), value.asText(), limit(body, "rpm"),
          limit(body, "tpm"), org, project, createdAt);
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage();
      throw new InvalidRequestException(msg.contains(":") ? msg.substring(0, msg.indexOf(':')) : null, msg);
    }
  }

  private static OptionalLong limit(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return OptionalLong.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(field + ": " + v + " (expected: an integer >= 1)");
    }
    return OptionalLong.of(v.asLong());
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }
}
