package dev.tollgate.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alert rules, events and deliveries as JSON. Rules render without their secrets (webhook signing
 * secret, PagerDuty routing key); the store keeps the full form.
 */
public final class AlertJson {
  private AlertJson() {}

  public static ObjectNode render(AlertRule r, boolean withSecrets) {
    ObjectNode o = Json.object().put("id", r.id()).put("object", "alert_rule").put("name", r.name()).put("type", r.type().wire());
    r.budgetId().ifPresentOrElse(v -> o.put("budget_id", v), () -> o.putNull("budget_id"));
    r.minScore().ifPresentOrElse(v -> o.put("min_score", v.toPlainString()), () -> o.putNull("min_score"));
    ArrayNode cs = o.putArray("channels");
    for (AlertRule.Channel c : r.channels()) {
      ObjectNode co = cs.addObject().put("type", c.type().wire());
      if (withSecrets) {
        c.url().ifPresent(u -> co.put("url", u.toString()));
        c.secret().ifPresent(s -> co.put("secret", s));
        c.routingKey().ifPresent(k -> co.put("routing_key", k));
      } else {
        co.put("target", c.target());
        co.put("secret_set", c.secret().isPresent() || c.routingKey().isPresent());
      }
      if (!c.to().isEmpty()) {
        c.to().forEach(co.putArray("to")::add);
      }
    }
    r.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    r.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    o.put("enabled", r.enabled()).put("created_at", r.createdAt().toString());
    return o;
  }

  public static AlertRule fromStored(JsonNode o) {
    return parse(o, o.path("id").asText(), text(o, "org_id"), text(o, "project_id"), Instant.parse(o.path("created_at").asText()));
  }

  public static AlertRule parse(JsonNode body, String id, Optional<String> org, Optional<String> project, Instant createdAt) {
    try {
      JsonNode name = body.get("name");
      if (name == null || !name.isTextual() || name.asText().isBlank()) {
        throw new IllegalArgumentException("name: " + name + " (expected: a non-empty string)");
      }
      JsonNode type = body.get("type");
      if (type == null || !type.isTextual()) {
        throw new IllegalArgumentException("type: " + type + " (expected: budget_threshold, burn_rate or spend_spike)");
      }
      Optional<BigDecimal> minScore = Optional.empty();
      if (body.hasNonNull("min_score")) {
        try {
          minScore = Optional.of(new BigDecimal(body.get("min_score").asText()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("min_score: " + body.get("min_score") + " (expected: a number)");
        }
      }
      JsonNode cs = body.get("channels");
      if (cs == null || !cs.isArray()) {
        throw new IllegalArgumentException("channels: " + cs + " (expected: an array of channels)");
      }
      List<AlertRule.Channel> channels = new ArrayList<>();
      for (JsonNode c : cs) {
        channels.add(channel(c));
      }
      boolean enabled = !body.has("enabled") || body.get("enabled").asBoolean(true);
      return new AlertRule(id, name.asText(), AlertRule.Type.parse(type.asText()), text(body, "budget_id"), minScore, channels,
          org, project, enabled, createdAt);
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage();
      throw new InvalidRequestException(msg.contains(":") ? msg.substring(0, msg.indexOf(':')) : null, msg);
    }
  }

  private static AlertRule.Channel channel(JsonNode c) {
    if (!c.isObject() || !c.path("type").isTextual()) {
      throw new IllegalArgumentException("channels[].type: " + c.get("type") + " (expected: webhook, slack, email or pagerduty)");
    }
    Optional<URI> url = Optional.empty();
    if (c.hasNonNull("url")) {
      try {
        url = Optional.of(new URI(c.get("url").asText()));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("channels[].url: " + c.get("url") + " (expected: an http(s) URL)");
      }
    }
    List<String> to = new ArrayList<>();
    JsonNode t = c.get("to");
    if (t != null && t.isArray()) {
      t.forEach(x -> to.add(x.asText()));
    } else if (t != null && t.isTextual()) {
      to.add(t.asText());
    }
    return new AlertRule.Channel(AlertRule.ChannelType.parse(c.get("type").asText()), url, text(c, "secret"), to, text(c, "routing_key"));
  }

  public static ObjectNode render(AlertEvent e) {
    ObjectNode o = Channels.webhookBody(e);
    e.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    e.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    return o;
  }

  public static AlertEvent eventFromStored(JsonNode o) {
    return new AlertEvent(o.path("id").asText(), o.path("rule_id").asText(), AlertRule.Type.parse(o.path("type").asText()),
        o.path("dedup_key").asText(), o.path("severity").asText(), o.path("summary").asText(),
        o.path("details").isObject() ? (ObjectNode) o.get("details") : Json.object(), text(o, "org_id"), text(o, "project_id"),
        Instant.parse(o.path("created_at").asText()));
  }

  public static ObjectNode render(Delivery d) {
    ObjectNode o = Json.object().put("id", d.id()).put("object", "alert_delivery").put("event_id", d.eventId())
        .put("channel", d.channel().wire()).put("target", d.target()).put("attempt", d.attempt()).put("outcome", d.outcome());
    d.httpStatus().ifPresentOrElse(v -> o.put("http_status", v), () -> o.putNull("http_status"));
    d.error().ifPresentOrElse(v -> o.put("error", v), () -> o.putNull("error"));
    o.put("created_at", d.at().toString());
    return o;
  }

  public static Delivery deliveryFromStored(JsonNode o) {
    return new Delivery(o.path("id").asText(), o.path("event_id").asText(), AlertRule.ChannelType.parse(o.path("channel").asText()),
        o.path("target").asText(), o.path("attempt").asInt(), o.path("outcome").asText(),
        o.hasNonNull("http_status") ? Optional.of(o.get("http_status").asInt()) : Optional.empty(), text(o, "error"),
        Instant.parse(o.path("created_at").asText()));
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
  }
}
