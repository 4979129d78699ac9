package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.ConfigException;
import java.time.Duration;

/**
 * {@code routing.breaker.*}: a deployment's breaker opens after {@code failure-threshold} consecutive
 * failures, stays open for {@code cooldown}, then lets {@code half-open-probes} requests through; one
 * success closes it, one failure opens it again.
 */
public record BreakerConfig(int failureThreshold, Duration cooldown, int halfOpenProbes) {
  public BreakerConfig {
    if (failureThreshold < 1) {
      throw new ConfigException("routing.breaker.failure-threshold", failureThreshold, ">= 1");
    }
    requireNonNull(cooldown, "routing.breaker.cooldown");
    if (cooldown.isNegative() || cooldown.isZero()) {
      throw new ConfigException("routing.breaker.cooldown", cooldown, "> 0");
    }
    if (halfOpenProbes < 1) {
      throw new ConfigException("routing.breaker.half-open-probes", halfOpenProbes, ">= 1");
    }
  }

  public static BreakerConfig ofDefaults() {
    return new BreakerConfig(5, Duration.ofSeconds(30), 1);
  }
}
