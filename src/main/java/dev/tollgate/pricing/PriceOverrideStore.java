package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * Price overrides made through the admin API, kept so they survive restarts. Overrides are
 * append-only: a correction is a new override with a later {@code effective-from}, so records already
 * charged keep their price version. Implementations live in {@code dev.tollgate.storage}.
 */
public interface PriceOverrideStore {
  /** An override as submitted (the kebab-case shape of a {@code pricing.overrides} entry). */
  record StoredOverride(String id, ObjectNode spec, Instant createdAt) {
    public StoredOverride {
      requireNonNull(id, "id");
      requireNonNull(spec, "spec");
      requireNonNull(createdAt, "createdAt");
    }
  }

  void insert(StoredOverride override);

  /** Oldest first: the order they are applied in. */
  List<StoredOverride> all();
}
