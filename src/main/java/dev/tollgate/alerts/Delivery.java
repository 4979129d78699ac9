package dev.tollgate.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One attempt to deliver an alert to one channel: the delivery log.
 *
 * @param outcome {@code delivered}, {@code retrying} (failed, another attempt follows) or {@code failed}
 * @param target where it went, without secrets (scheme and host, or the email recipients)
 */
public record Delivery(String id, String eventId, AlertRule.ChannelType channel, String target, int attempt,
                       String outcome, Optional<Integer> httpStatus, Optional<String> error, Instant at) {
  public Delivery {
    requireNonNull(id, "id");
    requireNonNull(eventId, "eventId");
    requireNonNull(channel, "channel");
    requireNonNull(target, "target");
    requireNonNull(outcome, "outcome");
    requireNonNull(httpStatus, "httpStatus");
    requireNonNull(error, "error");
    requireNonNull(at, "at");
  }
}
