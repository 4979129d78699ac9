package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * Runtime changes to configured deployments (enabled, weight), kept so they survive restarts and reach every
 * replica. Implementations live in {@code dev.tollgate.storage}; every method blocks.
 */
public interface DeploymentOverrideStore {
  /** A deployment's state as an operator set it, over its configuration. */
  record StoredOverride(String model, String id, boolean enabled, int weight, Instant updatedAt) {
    public StoredOverride {
      requireNonNull(model, "model");
      requireNonNull(id, "id");
      requireNonNull(updatedAt, "updatedAt");
    }
  }

  /** Inserts or replaces the override of {@code (model, id)}. */
  void put(StoredOverride override);

  /** Removes the override of {@code (model, id)}, if any: the deployment is back to its configuration. */
  void remove(String model, String id);

  List<StoredOverride> all();
}
