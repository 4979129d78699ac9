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
 */
public record LoadReport(
    String source,
    int entries,
    int loaded,
    int unpriceable,
    SortedMap<String, String> skipped,
    SortedMap<String, Integer> unsupportedFields) {

  public LoadReport {
    requireNonNull(source, "source");
    skipped = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
    unsupportedFields = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(unsupportedFields));
  }

  static LoadReport empty(String source) {
    return new LoadReport(source, 0, 0, 0, new TreeMap<>(), new TreeMap<>());
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(source).append(": ").append(loaded).append(" of ").append(entries).append(" entries loaded, ")
        .append(unpriceable).append(" without a chargeable price\n");
    for (Map.Entry<String, String> e : skipped.entrySet()) {
      sb.append("  skipped ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
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
