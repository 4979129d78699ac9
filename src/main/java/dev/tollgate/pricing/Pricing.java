package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Ids;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.usage.TokenUsage;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pricing feature as the rest of Tollgate sees it: one live catalog (the bundled LiteLLM snapshot,
 * the mock models' demo prices, config overrides, then admin-API overrides in the order they were
 * made) and the cost of a request. Lookups and costing are lock-free reads of an immutable catalog, so
 * they are safe on the event loop.
 */
public final class Pricing {
  /** The source of the demo prices given to the built-in mock models. */
  public static final String MOCK_SOURCE = "tollgate-mock";
  public static final String ADMIN_SOURCE = "admin-api";

  private final LivePriceCatalog catalog;
  private final PriceOverrideStore store;
  private final UnpricedEstimator estimator;
  private final Clock clock;
  /** The bundled catalog with the config overrides: what {@link #reload()} re-applies the stored overrides to. */
  private final PriceCatalog configured;
  private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Pricing(PriceCatalog base, PricingConfig config, PriceOverrideStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    PriceCatalog c = base.withOverrides(mockPrices());
    c = config.applyTo(c);
    this.configured = c;
    this.catalog = new LivePriceCatalog(withStored(c, store.all()));
    this.estimator = new UnpricedEstimator(catalog, config.unpricedEstimate());
  }

  /**
   * Demo prices so the quickstart shows real costs: mock-small is priced like a small model
   * ($0.15 / $0.60 per million tokens), mock-large like a large one ($2.50 / $10.00), mock-embed like
   * a small embedding model ($0.02 per million input tokens).
   */
  static List<PriceOverride> mockPrices() {
    return List.of(
        PriceOverride.builder("mock", "mock-small", Instant.EPOCH).source(MOCK_SOURCE)
            .perMillion(PriceComponent.INPUT, "0.15").perMillion(PriceComponent.CACHE_READ, "0.075")
            .perMillion(PriceComponent.OUTPUT, "0.60").build(),
        PriceOverride.builder("mock", "mock-large", Instant.EPOCH).source(MOCK_SOURCE)
            .perMillion(PriceComponent.INPUT, "2.50").perMillion(PriceComponent.CACHE_READ, "1.25")
            .perMillion(PriceComponent.OUTPUT, "10.00").build(),
        PriceOverride.builder("mock", "mock-embed", Instant.EPOCH).source(MOCK_SOURCE).mode("embedding")
            .perMillion(PriceComponent.INPUT, "0.02").build());
  }

  public PriceCatalog catalog() {
    return catalog.get();
  }

  /** The cost of a request's usage at the prices in effect at {@code at}; unpriced (flagged) when unknown. */
  public Cost cost(String provider, String model, TokenUsage usage, CostContext context, Instant at) {
    return CostEngine.price(catalog.get(), provider, model, usage, context, at);
  }

  /** What budgets should count for a model with no price: a conservative estimate. */
  public UnpricedEstimator.Estimate estimate(String provider, String model, TokenUsage usage, CostContext context, Instant at) {
    return estimator.estimate(provider, model, usage, context, at);
  }

  /**
   * Adds an override through the admin API: validated exactly like a config override, stored, then
   * applied. Returns the price version now in effect for that model at its effective-from.
   */
  public synchronized PricedModel addOverride(ObjectNode spec) {
    PriceOverride override;
    try {
      override = PricingConfig.parseOverride("override", spec, ADMIN_SOURCE);
    } catch (ConfigException e) {
      throw new InvalidRequestException(e.key(), e.getMessage());
    }
    PriceCatalog next;
    try {
      next = catalog.get().withOverride(override);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(null, e.getMessage());
    }
    store.insert(new PriceOverrideStore.StoredOverride(Ids.prefixed("price"), spec, clock.instant()));
    catalog.replace(next);
    changeListeners.forEach(Runnable::run);
    return next.lookup(override.provider(), override.model(), override.effectiveFrom()).orElseThrow();
  }

  private static PriceCatalog withStored(PriceCatalog c, List<PriceOverrideStore.StoredOverride> all) {
    List<PriceOverride> stored = new ArrayList<>();
    for (PriceOverrideStore.StoredOverride o : all) {
      stored.add(PricingConfig.parseOverride("price override " + o.id(), o.spec(), ADMIN_SOURCE));
    }
    return c.withOverrides(stored);
  }

  /** Calls {@code listener} after each override this instance adds (cluster mode tells the other replicas). */
  public void onChange(Runnable listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  /** Rebuilds the live catalog from the store (another replica added an override). Blocking: off the event loop. */
  public synchronized void reload() {
    catalog.replace(withStored(configured, store.all()));
  }

  public List<PriceOverrideStore.StoredOverride> overrides() {
    return store.all();
  }

  /** USD per million tokens, for display. */
  static Optional<BigDecimal> perMillion(Optional<BigDecimal> perToken) {
    return perToken.map(p -> p.movePointRight(6).stripTrailingZeros());
  }
}
