package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A spend spike: one project, key or model spent far more in a window than its baseline for that hour of
 * the week. Published on the {@link dev.tollgate.common.EventBus}; alert rules of type {@code spend_spike}
 * subscribe to it.
 *
 * @param dimension {@code project}, {@code key} or {@code model}
 * @param value the project id, key id or model name
 * @param orgId the org the spend belongs to, for tenant-scoped alert rules (empty for a model across orgs)
 * @param projectId the project the spend belongs to, when the dimension is project or key
 * @param observedNanos spend in the window, nano-USD
 * @param baselineNanos the baseline's typical (median) spend for such a window, nano-USD
 * @param score how unusual: a robust z-score (median and MAD of the baseline)
 */
public record SpendAnomaly(String dimension, String value, Optional<String> orgId, Optional<String> projectId,
                           Instant windowStart, Duration window, long observedNanos, long baselineNanos,
                           BigDecimal score) {
  public SpendAnomaly {
    requireNonNull(dimension, "dimension");
    requireNonNull(value, "value");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(windowStart, "windowStart");
    requireNonNull(window, "window");
    requireNonNull(score, "score");
  }
}
