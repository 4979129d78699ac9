package dev.tollgate.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one alert to one channel, once: the wire formats of a generic webhook (signed), a Slack incoming
 * webhook, PagerDuty Events API v2 and email. Blocking (HTTP and SMTP): runs on a virtual thread.
 */
final class Channels {
  static final String SIGNATURE_HEADER = "x-tollgate-signature";
  static final String TIMESTAMP_HEADER = "x-tollgate-timestamp";
  static final String EVENT_HEADER = "x-tollgate-event-id";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** How one attempt went. */
  record Outcome(boolean delivered, boolean retryable, Optional<Integer> httpStatus, Optional<String> error) {
    static Outcome ofStatus(int status) {
      boolean ok = status / 100 == 2;
      return new Outcome(ok, !ok && (status == 408 || status == 429 || status >= 500), Optional.of(status),
          ok ? Optional.empty() : Optional.of("HTTP " + status));
    }

    static Outcome ofError(String error, boolean retryable) {
      return new Outcome(false, retryable, Optional.empty(), Optional.of(error));
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  private final AlertsConfig config;

  Channels(AlertsConfig config) {
    this.config = config;
  }

  Outcome send(AlertRule.Channel channel, AlertEvent event, Instant now) {
    try {
      return switch (channel.type()) {
        case WEBHOOK -> webhook(channel, event, now);
        case SLACK -> post(channel.url().orElseThrow(), slackBody(event), event);
        case PAGERDUTY -> post(channel.url().orElse(config.pagerDutyUrl()), pagerDutyBody(channel, event), event);
        case EMAIL -> email(channel, event, now);
      };
    } catch (SmtpClient.SmtpException e) {
      return Outcome.ofError(e.getMessage(), e.transientFailure());
    } catch (IOException e) {
      return Outcome.ofError(e.getClass().getSimpleName() + ": " + e.getMessage(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.ofError("interrupted", false);
    }
  }

  /** The JSON every generic webhook receives. */
  static ObjectNode webhookBody(AlertEvent e) {
    ObjectNode o = Json.object().put("id", e.id()).put("object", "alert_event").put("type", e.type().wire())
        .put("rule_id", e.ruleId()).put("severity", e.severity()).put("summary", e.summary())
        .put("dedup_key", e.dedupKey()).put("created_at", e.at().toString());
    o.set("details", e.details());
    return o;
  }

  /** {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. */
  static String signature(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private Outcome webhook(AlertRule.Channel channel, AlertEvent event, Instant now) throws IOException, InterruptedException {
    byte[] body = Json.bytes(webhookBody(event));
    long ts = now.getEpochSecond();
    HttpRequest.Builder req = request(channel.url().orElseThrow(), body, event).header(TIMESTAMP_HEADER, Long.toString(ts));
    channel.secret().ifPresent(s -> req.header(SIGNATURE_HEADER, signature(s, ts, body)));
    return Outcome.ofStatus(http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
  }

  private Outcome post(URI url, ObjectNode json, AlertEvent event) throws IOException, InterruptedException {
    return Outcome.ofStatus(http.send(request(url, Json.bytes(json), event).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
  }

  private static HttpRequest.Builder request(URI url, byte[] body, AlertEvent event) {
    return HttpRequest.newBuilder(url).timeout(TIMEOUT).header("content-type", "application/json")
        .header("user-agent", "tollgate-alerts").header(EVENT_HEADER, event.id())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  static ObjectNode slackBody(AlertEvent e) {
    String icon = switch (e.severity()) {
      case "critical" -> ":rotating_light:";
      case "warning" -> ":warning:";
      default -> ":information_source:";
    };
    ObjectNode o = Json.object().put("text", icon + " " + e.summary());
    ObjectNode section = o.putArray("blocks").addObject().put("type", "section");
    section.putObject("text").put("type", "mrkdwn").put("text", icon + " *Tollgate alert* (" + e.type().wire() + ")\n" + e.summary());
    return o;
  }

  static ObjectNode pagerDutyBody(AlertRule.Channel channel, AlertEvent e) {
    ObjectNode o = Json.object().put("routing_key", channel.routingKey().orElseThrow()).put("event_action", "trigger")
        .put("dedup_key", e.dedupKey());
    ObjectNode payload = o.putObject("payload").put("summary", e.summary().length() > 1024 ? e.summary().substring(0, 1024) : e.summary())
        .put("severity", e.severity()).put("source", "tollgate").put("component", "budgets")
        .put("class", e.type().wire()).put("timestamp", e.at().toString());
    payload.set("custom_details", e.details());
    return o;
  }

  private Outcome email(AlertRule.Channel channel, AlertEvent event, Instant now) throws IOException {
    if (config.smtp().isEmpty()) {
      return Outcome.ofError("no SMTP server configured (alerts.smtp.host)", false);
    }
    String body = event.summary() + "\n\n" + Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(event.details())
        + "\n\nalert " + event.id() + ", rule " + event.ruleId() + ", " + event.at() + "\n";
    new SmtpClient(config.smtp().get()).send(channel.to(), "[Tollgate] " + event.summary(), body, now);
    return new Outcome(true, false, Optional.empty(), Optional.empty());
  }
}
