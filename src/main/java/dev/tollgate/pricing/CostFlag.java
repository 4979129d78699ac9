package dev.tollgate.pricing;

/** Facts about how a {@link Cost} was computed; {@link Cost#notes()} says which component and why. */
public enum CostFlag {
  /** No price is known for the model: the cost is 0 and is not a real figure. */
  UNPRICED,
  /** A price was derived from a documented provider rule (e.g. Anthropic 1-hour cache writes = 2x input). */
  DERIVED,
  /**
   * A listed price was missing and a substitute was used (the standard price for a batch/flex/priority
   * request, the input price for cache reads of a model without a cache price ...).
   */
  FALLBACK,
  /** Some billable units had no price at all and were not charged (e.g. web searches on a model without a search price). */
  INCOMPLETE,
  /** The prompt was above a long-context threshold; every token was billed at the long-context prices. */
  LONG_CONTEXT
}
