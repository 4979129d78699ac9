package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What loading a price snapshot did: how many entries became models, which were skipped and why, and
 * which cost fields of the source Tollgate does not charge (with how many models list each).
 *
 * @param unpriceable models that were loaded but list no price Tollgate can charge (e.g. only
 *     {@code input_cost_per_second}); costing them yields an {@code unpriced} cost
 * @param suspicious loaded text models with an implausible token price (above
 *     {@value #IMPLAUSIBLE_USD_PER_MILLION} USD per million tokens), usually a per-million figure in a
 *     per-token field; they are kept as the source says, and should get an override
 */
public record LoadReport(
    String source,
    int entries,
    int loaded,
    int unpriceable,
    SortedMap<String, String> skipped,
    SortedMap<String, Integer> unsupportedFields,
    SortedMap<String, String> suspicious) {

  public static final long IMPLAUSIBLE_USD_PER_MILLION = 1000;

  public LoadReport {
    requireNonNull(source, "source");
    skipped = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
    unsupportedFields = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(unsupportedFields));
    suspicious = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(suspicious));
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(source).append(": ").append(loaded).append(" of ").append(entries).append(" entries loaded, ")
        .append(unpriceable).append(" without a chargeable price\n");
    for (Map.Entry<String, String> e : skipped.entrySet()) {
      sb.append("  skipped ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    for (Map.Entry<String, String> e : suspicious.entrySet()) {
      sb.append("  suspicious ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    if (!unsupportedFields.isEmpty()) {
      sb.append("  not charged (field: models):");
      unsupportedFields.forEach((f, n) -> sb.append(' ').append(f).append(": ").append(n).append(','));
      sb.setLength(sb.length() - 1);
      sb.append('\n');
    }
    return sb.toString();
  }
}
