package dev.tollgate.pricing;

/** Where the unit price of one {@link CostLine} came from. */
public enum PriceBasis {
  /** Listed for exactly this component, service tier and prompt-size tier. */
  LISTED,
  /** Computed from a listed price by a documented provider rule. */
  DERIVED,
  /** A substitute for a missing listed price. */
  FALLBACK
}
