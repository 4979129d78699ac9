package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * What a cost depends on besides token counts.
 *
 * @param serviceTier standard, batch, flex or priority
 * @param inputImages input images, for models that bill images per image ({@code input_cost_per_image});
 *     when set and the model has such a price, {@code imageInputTokens} are not charged again
 * @param outputImages generated images ({@code output_cost_per_image})
 * @param webSearchQueries web searches the provider ran for the request ({@code search_context_cost_per_query})
 * @param region data-residency region ({@code eu}, {@code us}) for models with a regional uplift
 */
public record CostContext(
    ServiceTier serviceTier,
    long inputImages,
    long outputImages,
    long webSearchQueries,
    SearchContextSize searchContextSize,
    Optional<String> region) {

  /** The size of web-search context the caller asked for; it selects the per-query price. */
  public enum SearchContextSize { LOW, MEDIUM, HIGH }

  public static final CostContext STANDARD =
      new CostContext(ServiceTier.STANDARD, 0, 0, 0, SearchContextSize.MEDIUM, Optional.empty());

  public CostContext {
    requireNonNull(serviceTier, "serviceTier");
    requireNonNull(searchContextSize, "searchContextSize");
    requireNonNull(region, "region");
    if (inputImages < 0 || outputImages < 0 || webSearchQueries < 0) {
      throw new IllegalArgumentException("image and query counts: " + inputImages + ", " + outputImages + ", "
          + webSearchQueries + " (expected: >= 0)");
    }
    region = region.map(r -> r.trim().toLowerCase(Locale.ROOT));
  }

  public static CostContext of(ServiceTier serviceTier) {
    return STANDARD.withServiceTier(serviceTier);
  }

  public CostContext withServiceTier(ServiceTier serviceTier) {
    return new CostContext(serviceTier, inputImages, outputImages, webSearchQueries, searchContextSize, region);
  }

  public CostContext withInputImages(long inputImages) {
    return new CostContext(serviceTier, inputImages, outputImages, webSearchQueries, searchContextSize, region);
  }

  public CostContext withOutputImages(long outputImages) {
    return new CostContext(serviceTier, inputImages, outputImages, webSearchQueries, searchContextSize, region);
  }

  public CostContext withWebSearch(long queries, SearchContextSize size) {
    return new CostContext(serviceTier, inputImages, outputImages, queries, size, region);
  }

  public CostContext withRegion(String region) {
    return new CostContext(serviceTier, inputImages, outputImages, webSearchQueries, searchContextSize, Optional.of(region));
  }
}
