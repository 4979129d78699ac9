package dev.tollgate.pricing;

import java.util.Locale;
import java.util.Optional;

/**
 * The provider's processing tier for one request. Each tier has its own listed prices
 * ({@code *_batches}, {@code *_flex}, {@code *_priority} in the LiteLLM data); where a tier has no listed
 * price for a token class, the standard price is used and the cost is flagged {@link CostFlag#FALLBACK}.
 */
public enum ServiceTier {
  STANDARD,
  /** Asynchronous batch APIs (OpenAI Batch, Anthropic Message Batches, Vertex/Bedrock batch). */
  BATCH,
  /** OpenAI {@code service_tier: "flex"}, Gemini flex. */
  FLEX,
  /** OpenAI/Gemini {@code service_tier: "priority"}. */
  PRIORITY;

  /**
   * Reads a provider's {@code service_tier} value: {@code default}, {@code auto}, {@code standard} and
   * {@code scale} are {@link #STANDARD}; {@code flex}, {@code priority}, {@code batch} map to themselves.
   */
  public static Optional<ServiceTier> fromWire(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "default", "auto", "standard", "scale", "standard_only", "" -> Optional.of(STANDARD);
      case "batch", "batches" -> Optional.of(BATCH);
      case "flex" -> Optional.of(FLEX);
      case "priority" -> Optional.of(PRIORITY);
      default -> Optional.empty();
    };
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
