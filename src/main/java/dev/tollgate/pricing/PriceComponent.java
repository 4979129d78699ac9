package dev.tollgate.pricing;

import java.util.Locale;

/**
 * One billable thing a model can list a price for. Per-token components line up with the disjoint
 * classes of {@link dev.tollgate.usage.TokenUsage}; the others are charged per request, per image or per
 * web-search query.
 */
public enum PriceComponent {
  INPUT(Unit.TOKEN, "input_cost_per_token"),
  CACHE_READ(Unit.TOKEN, "cache_read_input_token_cost"),
  CACHE_WRITE_5M(Unit.TOKEN, "cache_creation_input_token_cost"),
  CACHE_WRITE_1H(Unit.TOKEN, "cache_creation_input_token_cost_above_1hr"),
  AUDIO_INPUT(Unit.TOKEN, "input_cost_per_audio_token"),
  IMAGE_INPUT(Unit.TOKEN, "input_cost_per_image_token"),
  OUTPUT(Unit.TOKEN, "output_cost_per_token"),
  /** The reasoning part of the output, when a model lists a distinct price for it. */
  REASONING(Unit.TOKEN, "output_cost_per_reasoning_token"),
  AUDIO_OUTPUT(Unit.TOKEN, "output_cost_per_audio_token"),
  /** A flat fee per request ({@code input_cost_per_request}, or {@code input_cost_per_query}). */
  REQUEST(Unit.REQUEST, "input_cost_per_request"),
  /** Per input image, when a model bills images by count rather than by token. */
  INPUT_IMAGE(Unit.IMAGE, "input_cost_per_image"),
  /** Per generated image. */
  OUTPUT_IMAGE(Unit.IMAGE, "output_cost_per_image"),
  WEB_SEARCH_LOW(Unit.QUERY, "search_context_cost_per_query.search_context_size_low"),
  WEB_SEARCH_MEDIUM(Unit.QUERY, "search_context_cost_per_query.search_context_size_medium"),
  WEB_SEARCH_HIGH(Unit.QUERY, "search_context_cost_per_query.search_context_size_high"),
  /** Not a listed rate: the data-residency surcharge on the whole request ({@code regional_processing_uplift_multiplier_*}). */
  REGIONAL_UPLIFT(Unit.MULTIPLIER, "regional_processing_uplift_multiplier");

  /** What one unit of quantity is. */
  public enum Unit { TOKEN, REQUEST, IMAGE, QUERY, MULTIPLIER }

  private final Unit unit;
  private final String liteLlmField;

  PriceComponent(Unit unit, String liteLlmField) {
    this.unit = unit;
    this.liteLlmField = liteLlmField;
  }

  public Unit unit() {
    return unit;
  }

  /** The LiteLLM field the standard, base-tier price comes from. */
  public String liteLlmField() {
    return liteLlmField;
  }

  /** {@code cache-write-5m}: the name used in config keys and the breakdown. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
