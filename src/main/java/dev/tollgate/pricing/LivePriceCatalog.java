package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The catalog the request path reads: an immutable {@link PriceCatalog} behind an atomic reference.
 * Readers never lock and always see one consistent snapshot; writers (admin API, config reload) build a
 * new catalog and swap it in.
 */
public final class LivePriceCatalog implements Supplier<PriceCatalog> {
  private final AtomicReference<PriceCatalog> current;

  public LivePriceCatalog(PriceCatalog initial) {
    this.current = new AtomicReference<>(requireNonNull(initial, "initial"));
  }

  @Override
  public PriceCatalog get() {
    return current.get();
  }

  /** Adds an override; returns the catalog that now serves lookups. */
  public PriceCatalog addOverride(PriceOverride override) {
    requireNonNull(override, "override");
    return update(c -> c.withOverride(override));
  }

  public PriceCatalog update(UnaryOperator<PriceCatalog> change) {
    return current.updateAndGet(change);
  }

  public void replace(PriceCatalog catalog) {
    current.set(requireNonNull(catalog, "catalog"));
  }
}
