package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Identifies one set of prices for one model: where it came from and from when it applies. A usage
 * record stores {@link #id()}, so it keeps the price it was charged at after the catalog changes;
 * {@link PriceCatalog#version(String)} finds the prices again.
 *
 * @param id stable and unique, e.g. {@code litellm-2026-07-24:gpt-4o} or
 *     {@code config:gpt-4o@2026-09-01T00:00:00Z#3f2a9c1e}
 * @param source {@code litellm-2026-07-24}, {@code config}, {@code admin-api} ...
 * @param effectiveFrom the first instant these prices apply to (inclusive)
 */
public record PriceVersion(String id, String source, Instant effectiveFrom) {
  public PriceVersion {
    requireNonNull(id, "id");
    requireNonNull(source, "source");
    requireNonNull(effectiveFrom, "effectiveFrom");
  }
}
