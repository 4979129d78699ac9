package dev.tollgate.gateway;

import dev.tollgate.common.EventBus;
import dev.tollgate.common.Money;
import dev.tollgate.pricing.Cost;
import dev.tollgate.pricing.CostContext;
import dev.tollgate.pricing.CostLine;
import dev.tollgate.pricing.Pricing;
import dev.tollgate.pricing.ServiceTier;
import dev.tollgate.pricing.UnpricedUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecorded;
import dev.tollgate.usage.UsageSink;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/**
 * Turns a finished exchange into money and a ledger row: prices its usage at the prices in effect when
 * the request started, flags unpriced models (and publishes {@link UnpricedUsage}), and hands the row to
 * the usage sink, then publishes {@link UsageRecorded}. Costing is a read of an immutable catalog plus BigDecimal arithmetic: no I/O.
 */
public final class Metering {
  /** The response header with the request's cost in USD, e.g. {@code 0.000012345}. */
  static final String COST_HEADER = "x-tollgate-cost-usd";
  static final CharSequence COST_HEADER_NAME = io.vertx.core.http.HttpHeaders.createOptimized(COST_HEADER);

  private final Pricing pricing;
  private final UsageSink sink;
  private final EventBus events;
  private final Clock clock;

  public Metering(Pricing pricing, UsageSink sink, EventBus events, Clock clock) {
    this.pricing = pricing;
    this.sink = sink;
    this.events = events;
    this.clock = clock;
  }

  /** The exchange's cost, computed once from its current usage. */
  Cost cost(Exchange ex) {
    if (ex.cost == null) {
      String model = ex.modelServed.isEmpty() ? ex.upstreamModel : ex.modelServed;
      CostContext context = CostContext.of(ex.serviceTier);
      Cost c = pricing.cost(ex.provider, model, ex.usage, context, ex.startedAt);
      if (c.unpriced() && !ex.upstreamModel.isEmpty() && !ex.upstreamModel.equals(model)) {
        Cost byConfigured = pricing.cost(ex.provider, ex.upstreamModel, ex.usage, context, ex.startedAt);
        c = byConfigured.unpriced() ? c : byConfigured;
      }
      ex.cost = c;
    }
    return ex.cost;
  }

  /** Records the exchange once; requests that consumed nothing are not priced. */
  void finish(Exchange ex, int status, Optional<String> errorClass) {
    long nanos = 0;
    Optional<String> version = Optional.empty();
    Map<String, BigDecimal> breakdown = Map.of();
    if (ex.key != null && ex.usage.totalTokens() > 0) {
      Cost c = cost(ex);
      nanos = c.totalNanos();
      version = c.priceVersionId();
      breakdown = breakdown(c);
      if (c.unpriced()) {
        ex.flags.add(UsageFlag.UNPRICED);
        events.publish(new UnpricedUsage(ex.requestId, ex.key.id(), ex.provider,
            ex.modelServed.isEmpty() ? ex.upstreamModel : ex.modelServed, ex.startedAt, String.join("; ", c.notes())));
      }
    }
    ex.toRecord(clock.instant(), status, errorClass, nanos, version, breakdown).ifPresent(r -> {
      sink.record(r);
      ex.ticket.charge(r);
      events.publish(new UsageRecorded(r));
    });
    if (!ex.ticketClosed) {
      ex.ticketClosed = true;
      ex.ticket.close();
    }
  }

  /** Exact USD per price component, summed over the cost's lines. */
  static Map<String, BigDecimal> breakdown(Cost c) {
    if (c.lines().isEmpty()) {
      return Map.of();
    }
    Map<String, BigDecimal> out = new TreeMap<>();
    for (CostLine l : c.lines()) {
      out.merge(l.component().name().toLowerCase(Locale.ROOT), l.amountUsd(), BigDecimal::add);
    }
    return out;
  }

  /** The header value: USD with nine decimals (one nano-dollar), or empty when the model has no price. */
  Optional<String> costHeader(Exchange ex) {
    Cost c = cost(ex);
    return c.unpriced() ? Optional.empty() : Optional.of(Money.usd(c.totalNanos()));
  }

  /** The cost as an SSE comment (ignored by SSE parsers, visible to anyone reading the raw stream). */
  Optional<Buffer> costComment(Exchange ex) {
    return costHeader(ex).map(usd -> Buffer.buffer(": " + COST_HEADER + "=" + usd + "\n\n"));
  }

  /** OpenAI's {@code service_tier} request field: {@code flex} and {@code priority} change the price. */
  static ServiceTier serviceTier(String requested) {
    if (requested == null) {
      return ServiceTier.STANDARD;
    }
    return switch (requested.toLowerCase(Locale.ROOT)) {
      case "flex" -> ServiceTier.FLEX;
      case "priority" -> ServiceTier.PRIORITY;
      default -> ServiceTier.STANDARD;
    };
  }
}
