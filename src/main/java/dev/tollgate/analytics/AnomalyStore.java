package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Detected spend anomalies, kept so the API can list them and a restart does not report them again. */
public interface AnomalyStore {
  /**
   * Records an anomaly unless one for the same dimension, value and window is already stored.
   *
   * @return whether it was new
   */
  boolean addIfAbsent(SpendAnomaly anomaly, Instant detectedAt);

  /** Newest window first, at most {@code limit}, windows starting in {@code [from, to)}, narrowed to org/project. */
  List<Detected> list(Instant from, Instant to, Optional<String> orgId, Optional<String> projectId, int limit);

  record Detected(SpendAnomaly anomaly, Instant detectedAt) {
    public Detected {
      requireNonNull(anomaly, "anomaly");
      requireNonNull(detectedAt, "detectedAt");
    }
  }
}
