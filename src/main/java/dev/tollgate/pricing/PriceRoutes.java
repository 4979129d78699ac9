package dev.tollgate.pricing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/prices}: look up a model's prices and their history, add overrides (effective from a
 * date; past records keep their price version), list configured models with no price, and cross-check
 * the catalog against genai-prices.
 */
public final class PriceRoutes {
  private final Pricing pricing;
  private final List<ModelConfig> models;
  private final dev.tollgate.audit.Audit audit;
  private final Clock clock;

  public PriceRoutes(Pricing pricing, List<ModelConfig> models, dev.tollgate.audit.Audit audit, Clock clock) {
    this.pricing = pricing;
    this.models = List.copyOf(models);
    this.audit = audit;
    this.clock = clock;
  }

  public void register(Router router) {
    router.get("/api/v1/prices").handler(this::show);
    router.get("/api/v1/prices/check").handler(this::check);
    router.get("/api/v1/prices/cross-check").handler(ctx -> Web.blocking(ctx, 200, () -> {
      PriceCrossCheck.Report report = PriceCrossCheck.runBundled(pricing.catalog(), clock.instant());
      ObjectNode out = Json.object().put("date", report.date().toString()).put("compared", report.compared())
          .put("unmatched", report.unmatched());
      ArrayNode list = out.putArray("discrepancies");
      report.discrepancies().forEach(d -> list.add(d.toString()));
      return out;
    }));
    router.get("/api/v1/prices/overrides").handler(ctx -> Web.blocking(ctx, 200, () -> {
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      pricing.overrides().forEach(o -> data.addObject().put("id", o.id()).put("created_at", o.createdAt().toString()).set("spec", o.spec()));
      return out;
    }));
    router.post("/api/v1/prices/overrides").handler(ctx -> {
      dev.tollgate.auth.AdminScope.of(ctx).requireGlobal(); // prices are gateway-wide: the master key or a global admin
      ObjectNode spec = Json.parseObject(Web.bodyBytes(ctx));
      Web.blocking(ctx, 201, () -> {
        ObjectNode priced = PriceJson.model(pricing.addOverride(spec));
        audit.record(ctx, "price_override.create", "price_override", spec.path("model").asText(""), Optional.empty(),
            Optional.of(spec.deepCopy()));
        return priced;
      });
    });
  }

  /** {@code ?model=gpt-4o&provider=openai&at=2026-09-01T00:00:00Z}: the prices then, and every version. */
  private void show(RoutingContext ctx) {
    String model = Optional.ofNullable(ctx.request().getParam("model")).filter(s -> !s.isBlank())
        .orElseThrow(() -> new InvalidRequestException("model", "missing required parameter: 'model'", "missing_required_parameter"));
    String provider = Optional.ofNullable(ctx.request().getParam("provider")).orElse(providerOf(model));
    Instant at = Optional.ofNullable(ctx.request().getParam("at")).map(PriceRoutes::instant).orElseGet(clock::instant);
    PriceCatalog catalog = pricing.catalog();
    String key = catalog.resolveKey(provider, upstreamOf(model))
        .orElseThrow(() -> new NotFoundException("price for model", model));
    ObjectNode out = Json.object().put("model", model).put("key", key).put("at", at.toString());
    catalog.lookup(provider, upstreamOf(model), at).ifPresentOrElse(m -> out.set("current", PriceJson.model(m)), () -> out.putNull("current"));
    ArrayNode history = out.putArray("history");
    catalog.history(key).forEach(m -> history.add(PriceJson.version(m.version())));
    Web.json(ctx, 200, out);
  }

  /** Every configured model and whether it has a price now. */
  private void check(RoutingContext ctx) {
    PriceCatalog catalog = pricing.catalog();
    Instant now = clock.instant();
    ObjectNode out = Json.object();
    ArrayNode rows = out.putArray("models");
    int unpriced = 0;
    for (ModelConfig m : models) {
      ObjectNode row = rows.addObject().put("model", m.name()).put("provider", m.provider()).put("upstream_model", m.upstreamModel());
      Optional<PricedModel> p = catalog.lookup(m.provider(), m.upstreamModel(), now).filter(PricedModel::priceable);
      if (p.isPresent()) {
        row.put("priced", true).put("key", p.get().key()).set("version", PriceJson.version(p.get().version()));
      } else {
        row.put("priced", false);
        unpriced++;
      }
    }
    out.put("unpriced", unpriced);
    Web.json(ctx, 200, out);
  }

  /** A configured public name is looked up by where it is served; anything else as it is. */
  private String providerOf(String model) {
    return models.stream().filter(m -> m.name().equals(model)).map(ModelConfig::provider).findFirst().orElse("");
  }

  private String upstreamOf(String model) {
    return models.stream().filter(m -> m.name().equals(model)).map(ModelConfig::upstreamModel).findFirst().orElse(model);
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException("at", "at: '" + text + "' (expected: an ISO-8601 instant such as 2026-09-01T00:00:00Z)");
    }
  }
}
