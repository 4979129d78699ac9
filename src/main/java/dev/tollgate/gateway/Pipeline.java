package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cache.CacheConfig;
import dev.tollgate.cache.CacheKey;
import dev.tollgate.cache.CachedResponse;
import dev.tollgate.cache.ChatStreamReplay;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.common.ModelNotFoundException;
import dev.tollgate.common.Money;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.Operation;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The steps every gateway surface takes between validation and the upstream: admission (rate limits,
 * budgets), the budget's downgrade and output cap, the response cache, then the dispatcher. Both surfaces
 * share it so the order is the same everywhere.
 */
final class Pipeline {
  /** Counters of the response cache; {@link #NONE} when metrics are not wired. */
  record CacheCounters(Runnable hit, Runnable miss) {
    static final CacheCounters NONE = new CacheCounters(() -> {}, () -> {});

    static CacheCounters of(Counter hits, Counter misses) {
      return new CacheCounters(hits::increment, misses::increment);
    }
  }

  private final Admission admission;
  private final ResponseCache cache;
  private final CacheConfig cacheConfig;
  private final CacheCounters counters;
  private final ModelCatalog catalog;
  private final Metering metering;
  private final Relay relay;
  private final Clock clock;

  Pipeline(Admission admission, ResponseCache cache, CacheConfig cacheConfig, CacheCounters counters, ModelCatalog catalog,
           Metering metering, Relay relay, Clock clock) {
    this.admission = requireNonNull(admission, "admission");
    this.cache = requireNonNull(cache, "cache");
    this.cacheConfig = requireNonNull(cacheConfig, "cacheConfig");
    this.counters = requireNonNull(counters, "counters");
    this.catalog = requireNonNull(catalog, "catalog");
    this.metering = requireNonNull(metering, "metering");
    this.relay = requireNonNull(relay, "relay");
    this.clock = requireNonNull(clock, "clock");
  }

  /** What a surface does once the request is admitted and not answered from the cache. */
  interface Route {
    /** Caps the body's output tokens at the budget's limit (in the surface's own fields). */
    void capOutput(ObjectNode body, long maxOutputTokens, ModelConfig routed);

    /** Calls the upstream(s) for {@code routed}. */
    void dispatch(ModelConfig routed);
  }

  /**
   * Admits the request; then applies the ticket (headers, downgrade, output cap), answers from the cache
   * when it can, else routes. Any failure goes to the context's failure handler (the caller's dialect).
   */
  void run(RoutingContext ctx, Exchange ex, Operation op, ObjectNode body, ModelConfig resolved, Route route) {
    Admission.Request request = new Admission.Request(ex.requestId, op, ex.endpoint, resolved.name(), body, ex.key,
        ex.orgId, ex.projectId, ex.userId, ex.tags, clock.instant());
    Future<Admission.Ticket> admitted;
    try {
      admitted = admission.admit(request);
    } catch (RuntimeException e) {
      admitted = Future.failedFuture(e);
    }
    admitted.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ex.ticket = ar.result();
      try {
        if (ctx.response().closed()) { // the caller left while we waited for admission
          ex.flags.add(UsageFlag.CLIENT_CLOSED);
          relay.finish(ex, 499, Optional.of("client_closed"));
          return;
        }
        ex.ticket.headers().forEach(ctx.response()::putHeader);
        admitted(ctx, ex, body, resolved, route);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  private void admitted(RoutingContext ctx, Exchange ex, ObjectNode body, ModelConfig resolved, Route route) {
    ModelConfig routed = resolved;
    Optional<String> downgrade = ex.ticket.downgradeTo().filter(m -> !m.equals(resolved.name()));
    if (downgrade.isPresent()) {
      routed = catalog.find(downgrade.get()).orElseThrow(() -> new ModelNotFoundException(downgrade.get()));
      ex.downgradedFrom = Optional.of(resolved.name());
      ex.provider = routed.provider();
      ex.upstreamModel = routed.upstreamModel();
    }
    OptionalLong cap = ex.ticket.maxOutputTokens();
    if (cap.isPresent()) {
      route.capOutput(body, Math.max(1, cap.getAsLong()), routed);
    }
    if (!cacheConfig.appliesTo(ex.key.id(), ex.projectId) || optedOut(ctx)) {
      ex.cacheStatus = "off";
      route.dispatch(routed);
      return;
    }
    ObjectNode keyed = body.deepCopy().put("model", routed.name());
    String key = CacheKey.of(ex.endpoint, ex.orgId, ex.stream, keyed);
    ModelConfig target = routed;
    lookup(ex, key, keyed).onComplete(ar -> {
      try {
        if (ar.succeeded() && ar.result().isPresent()) {
          counters.hit().run();
          replay(ctx, ex, ar.result().get());
          return;
        }
        counters.miss().run();
        ex.cacheStatus = "miss";
        if (ex.stream) {
          ex.capture = new ArrayList<>();
        }
        ex.onAnswered = () -> store(key, ex);
        route.dispatch(target);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  /**
   * The entry for this request; a streaming chat request that has none may be answered from the same request's
   * non-streamed entry, replayed as a stream ({@link ChatStreamReplay}).
   */
  private Future<Optional<CachedResponse>> lookup(Exchange ex, String key, ObjectNode keyed) {
    return cache.get(key).compose(found -> {
      if (found.isPresent() || !ex.stream || !ex.endpoint.equals("chat")) {
        return Future.succeededFuture(found.filter(f -> f.streamed() == ex.stream));
      }
      boolean includeUsage = keyed.path("stream_options").path("include_usage").asBoolean(false);
      ObjectNode plain = keyed.deepCopy();
      plain.remove("stream_options");
      return cache.get(CacheKey.of(ex.endpoint, ex.orgId, false, plain)).map(o -> o.filter(f -> !f.streamed())
          .flatMap(f -> ChatStreamReplay.events(f.body(), includeUsage)
              .map(events -> new CachedResponse(f.body(), events, f.usage(), f.provider(), f.modelServed(), f.upstreamModel(),
                  f.deployment()))));
    });
  }

  /** {@code Cache-Control: no-cache} / {@code no-store}, or {@code x-tollgate-cache: off}. */
  static boolean optedOut(RoutingContext ctx) {
    String cc = ctx.request().getHeader(HttpHeaders.CACHE_CONTROL);
    if (cc != null) {
      String v = cc.toLowerCase(Locale.ROOT);
      if (v.contains("no-cache") || v.contains("no-store")) {
        return true;
      }
    }
    String own = ctx.request().getHeader(Relay.CACHE_HEADER);
    return own != null && (own.equalsIgnoreCase("off") || own.equalsIgnoreCase("false") || own.equalsIgnoreCase("no"));
  }

  private void store(String key, Exchange ex) {
    if (ex.flags.contains(UsageFlag.CLIENT_CLOSED)) {
      return;
    }
    List<byte[]> events = new ArrayList<>();
    if (ex.capture != null) {
      ex.capture.forEach(b -> events.add(b.getBytes()));
      if (events.isEmpty()) {
        return;
      }
    }
    byte[] body = ex.answerBody == null ? new byte[0] : ex.answerBody.getBytes();
    if (ex.capture == null && body.length == 0) {
      return;
    }
    cache.put(key, new CachedResponse(body, events, ex.usage, ex.provider,
        ex.modelServed.isEmpty() ? ex.upstreamModel : ex.modelServed, ex.upstreamModel,
        ex.deploymentShown.orElse("")));
  }

  /** A hit: the stored answer (or stream, event by event), $0 upstream cost, the saved amount on the row. */
  private void replay(RoutingContext ctx, Exchange ex, CachedResponse hit) {
    ex.cacheStatus = "hit";
    ex.flags.add(UsageFlag.CACHE_HIT);
    ex.provider = hit.provider();
    ex.modelServed = hit.modelServed();
    ex.upstreamModel = hit.upstreamModel();
    ex.savedNanos = metering.priceOf(hit.provider(), hit.modelServed(), hit.upstreamModel(), hit.usage(), ex.startedAt);
    ex.usage = TokenUsage.ZERO;
    ex.firstTokenAt = clock.instant();
    HttpServerResponse resp = ctx.response();
    if (resp.closed()) {
      ex.flags.add(UsageFlag.CLIENT_CLOSED);
      relay.finish(ex, 499, Optional.of("client_closed"));
      return;
    }
    resp.putHeader(Metering.COST_HEADER_NAME, Money.usd(0));
    Relay.routingHeaders(resp, ex);
    if (hit.streamed()) {
      resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      hit.events().forEach(e -> resp.write(Buffer.buffer(e)));
      resp.end();
    } else {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Buffer.buffer(hit.body()));
    }
    relay.finish(ex, 200, Optional.empty());
  }
}
