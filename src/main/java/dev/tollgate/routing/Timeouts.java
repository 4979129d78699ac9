package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.ConfigException;
import java.time.Duration;

/**
 * {@code routing.timeouts.*}, per attempt: {@code first-token} from the call to the first streamed event,
 * {@code idle} between two streamed events, {@code total} for the whole attempt (a non-streamed answer, or
 * a stream until its first event). The connect timeout is {@code upstream.connect-timeout}. A timeout
 * before anything reached the caller is retried like any upstream failure.
 */
public record Timeouts(Duration firstToken, Duration idle, Duration total) {
  public Timeouts {
    requireNonNull(firstToken, "routing.timeouts.first-token");
    requireNonNull(idle, "routing.timeouts.idle");
    requireNonNull(total, "routing.timeouts.total");
    positive("routing.timeouts.first-token", firstToken);
    positive("routing.timeouts.idle", idle);
    positive("routing.timeouts.total", total);
  }

  private static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(key, d, "> 0");
    }
  }

  public static Timeouts ofDefaults() {
    return new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofMinutes(10));
  }
}
