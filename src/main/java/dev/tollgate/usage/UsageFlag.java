package dev.tollgate.usage;

/** Facts about a usage record that change how it is read. */
public enum UsageFlag {
  /** Token counts were computed by Tollgate's tokenizer because the upstream sent none. */
  ESTIMATED,
  /** No price was known for the model; the cost is not a real figure. */
  UNPRICED,
  /** Served from the response cache. */
  CACHE_HIT,
  /** Served by a fallback model. */
  FALLBACK_USED,
  /** The caller disconnected before the response was complete. */
  CLIENT_CLOSED
}
