package dev.tollgate.pricing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/** JSON views of prices and costs for the admin API. Amounts are decimal strings, never floats. */
public final class PriceJson {
  private PriceJson() {}

  public static ObjectNode model(PricedModel m) {
    ObjectNode o = Json.object();
    o.put("key", m.key()).put("provider", m.provider()).put("mode", m.mode());
    m.maxInputTokens().ifPresentOrElse(n -> o.put("max_input_tokens", n), () -> o.putNull("max_input_tokens"));
    o.set("version", version(m.version()));
    ArrayNode tiers = o.putArray("tiers");
    for (PriceTier t : m.tiers()) {
      if (t.isEmpty()) {
        continue;
      }
      ObjectNode tier = tiers.addObject().put("above_input_tokens", t.aboveInputTokens());
      for (Map.Entry<ServiceTier, Map<PriceComponent, BigDecimal>> st : t.rates().entrySet()) {
        ObjectNode rates = tier.putObject(st.getKey().name().toLowerCase(Locale.ROOT));
        st.getValue().forEach((component, perUnit) -> {
          String name = component.name().toLowerCase(Locale.ROOT);
          if (component.unit() == PriceComponent.Unit.TOKEN) {
            rates.put(name + "_per_million", perUnit.movePointRight(6).stripTrailingZeros().toPlainString());
          } else {
            rates.put(name + "_per_" + component.unit().name().toLowerCase(Locale.ROOT), perUnit.stripTrailingZeros().toPlainString());
          }
        });
      }
    }
    if (!m.regionalMultipliers().isEmpty()) {
      ObjectNode r = o.putObject("regional_multipliers");
      m.regionalMultipliers().forEach((k, v) -> r.put(k, v.toPlainString()));
    }
    if (!m.unsupportedFields().isEmpty()) {
      m.unsupportedFields().forEach(o.putArray("unsupported_fields")::add);
    }
    return o;
  }

  public static ObjectNode version(PriceVersion v) {
    return Json.object().put("id", v.id()).put("source", v.source()).put("effective_from", v.effectiveFrom().toString());
  }

  public static ObjectNode cost(Cost c) {
    ObjectNode o = Json.object();
    o.put("total_usd", c.totalUsd().toPlainString()).put("total_nanos", c.totalNanos());
    c.priceVersionId().ifPresentOrElse(v -> o.put("price_version", v), () -> o.putNull("price_version"));
    ArrayNode lines = o.putArray("lines");
    for (CostLine l : c.lines()) {
      lines.addObject().put("component", l.component().name().toLowerCase(Locale.ROOT)).put("quantity", l.quantity())
          .put("unit_price_usd", l.unitPriceUsd().toPlainString()).put("amount_usd", l.amountUsd().toPlainString())
          .put("basis", l.basis().name().toLowerCase(Locale.ROOT));
    }
    c.flags().stream().map(f -> f.name().toLowerCase(Locale.ROOT)).sorted().forEach(o.putArray("flags")::add);
    c.notes().forEach(o.putArray("notes")::add);
    return o;
  }
}
