package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.Json;
import dev.tollgate.common.TollgateException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.Operation;
import dev.tollgate.providers.ProviderCall;
import dev.tollgate.providers.ProviderClient;
import dev.tollgate.providers.ProviderReply;
import dev.tollgate.providers.Sse;
import dev.tollgate.providers.StreamHandle;
import dev.tollgate.providers.StreamObserver;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.web.Dialect;
import dev.tollgate.web.ErrorMapping;
import dev.tollgate.web.HttpError;
import dev.tollgate.web.Web;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAI-compatible surface: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models}. Handlers are thin: authenticate, validate, pick the
 * provider, relay, and hand the finished exchange to the usage sink. Nothing here blocks.
 */
public final class GatewayRoutes {
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

  private final KeyService keys;
  private final ModelCatalog catalog;
  private final Map<String, ProviderClient> providers;
  private final Metering metering;
  private final Clock clock;

  public GatewayRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering, Clock clock) {
    this.keys = requireNonNull(keys, "keys");
    this.catalog = requireNonNull(catalog, "catalog");
    this.providers = Map.copyOf(providers);
    this.metering = requireNonNull(metering, "metering");
    this.clock = requireNonNull(clock, "clock");
  }

  public void register(Router router) {
    router.post("/v1/chat/completions").handler(ctx -> handle(ctx, Operation.CHAT));
    router.post("/v1/completions").handler(ctx -> handle(ctx, Operation.COMPLETIONS));
    router.post("/v1/embeddings").handler(ctx -> handle(ctx, Operation.EMBEDDINGS));
    router.get("/v1/models").handler(this::listModels);
    router.getWithRegex("/v1/models/(?<model>.+)").handler(this::getModel); // ids may hold a slash: anthropic/claude-...
  }

  /**
   * Called by the failure handler for requests that failed after authentication, so every
   * authenticated request leaves a ledger row, failed ones included.
   */
  public void recordFailure(RoutingContext ctx, HttpError error) {
    Exchange ex = ctx.get(Exchange.CONTEXT_KEY);
    if (ex != null) {
      usage(ex, error.status(), error.code());
    }
  }

  private void handle(RoutingContext ctx, Operation op) {
    Exchange ex = new Exchange(Web.requestId(ctx), clock.instant(), op.endpoint());
    ex.key = keys.authenticate(Web.bearer(ctx));
    ctx.put(Exchange.CONTEXT_KEY, ex);
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    JsonNode modelNode = body.get("model");
    if (modelNode != null && modelNode.isTextual()) {
      ex.modelRequested = modelNode.asText();
    }
    ex.stream = body.path("stream").asBoolean(false); // before validation, so failed streams are recorded as streams
    String model = RequestValidation.validate(op, body);
    attribute(ctx, body, ex);
    ModelConfig route = catalog.resolve(model, ex.key);
    ProviderClient provider = providers.get(route.provider());
    ex.provider = route.provider();
    ex.upstreamModel = route.upstreamModel();
    ex.serviceTier = Metering.serviceTier(body.path("service_tier").asText(null));
    boolean wantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    ProviderCall call = new ProviderCall(op, route, body, ex.requestId, wantsUsage);
    if (ex.stream) {
      stream(ctx, ex, provider, call);
    } else {
      provider.call(call).onComplete(ar -> {
        if (ar.succeeded()) {
          reply(ctx, ex, ar.result());
        } else {
          ctx.fail(ar.cause());
        }
      });
    }
  }

  private void reply(RoutingContext ctx, Exchange ex, ProviderReply reply) {
    ex.firstTokenAt = clock.instant();
    ex.usage = reply.usage();
    ex.modelServed = reply.servedModel();
    HttpServerResponse resp = ctx.response();
    if (resp.closed()) {
      ex.flags.add(UsageFlag.CLIENT_CLOSED);
      usage(ex, 499, Optional.of("client_closed"));
      return;
    }
    metering.costHeader(ex).ifPresent(usd -> resp.putHeader(Metering.COST_HEADER_NAME, usd));
    resp.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(reply.body());
    usage(ex, 200, Optional.empty());
  }

  private void stream(RoutingContext ctx, Exchange ex, ProviderClient provider, ProviderCall call) {
    HttpServerResponse resp = ctx.response();
    List<Buffer> relayed = new ArrayList<>();
    boolean[] done = {false};
    Buffer[] heldDone = {null};
    @SuppressWarnings("unchecked")
    Optional<TokenUsage>[] partial = new Optional[] {Optional.empty()};
    StreamHandle handle = provider.stream(call, new StreamObserver() {
      @Override
      public void onEvent(Buffer sseEvent) {
        if (done[0]) {
          return;
        }
        if (Sse.isDone(sseEvent)) {
          heldDone[0] = sseEvent; // sent by onComplete, after the cost comment
          return;
        }
        if (ex.firstTokenAt == null) {
          ex.firstTokenAt = clock.instant();
          resp.setChunked(true)
              .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
              .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
        }
        if (!ex.usageReported) {
          relayed.add(sseEvent);
        }
        resp.write(sseEvent);
      }

      @Override
      public void onPartialUsage(TokenUsage u, String servedModel) {
        partial[0] = Optional.of(u);
        ex.modelServed = servedModel;
      }

      @Override
      public void onUsage(TokenUsage u, String servedModel) {
        ex.usage = u;
        ex.usageReported = true;
        ex.modelServed = servedModel;
        relayed.clear();
      }

      @Override
      public void onComplete() {
        if (done[0]) {
          return;
        }
        done[0] = true;
        if (!ex.usageReported) {
          ex.usage = UsageEstimator.estimate(call.body(), relayed, partial[0]);
          ex.flags.add(UsageFlag.ESTIMATED);
        }
        // The cost as an SSE comment just before [DONE]: SSE parsers (every SDK) skip comments.
        metering.costComment(ex).ifPresent(resp::write);
        if (heldDone[0] != null) {
          resp.write(heldDone[0]);
        }
        resp.end();
        usage(ex, 200, Optional.empty());
      }

      @Override
      public void onError(TollgateException error) {
        if (done[0]) {
          return;
        }
        done[0] = true;
        if (!resp.headWritten()) {
          ctx.fail(error); // nothing sent yet: a normal error response
          return;
        }
        HttpError http = ErrorMapping.of(error);
        resp.write(Sse.data(Dialect.OPENAI.render(http)));
        resp.end();
        if (!ex.usageReported) {
          ex.usage = UsageEstimator.estimate(call.body(), relayed, partial[0]);
          ex.flags.add(UsageFlag.ESTIMATED);
        }
        usage(ex, http.status(), http.code());
      }

      @Override
      public boolean writeQueueFull() {
        return resp.writeQueueFull();
      }

      @Override
      public void onDrain(Runnable resume) {
        resp.drainHandler(v -> resume.run());
      }
    });
    resp.closeHandler(v -> {
      if (done[0]) {
        return;
      }
      done[0] = true;
      handle.cancel();
      ex.flags.add(UsageFlag.CLIENT_CLOSED);
      if (!ex.usageReported) {
        ex.usage = UsageEstimator.estimate(call.body(), relayed, partial[0]);
        ex.flags.add(UsageFlag.ESTIMATED);
      }
      usage(ex, 499, Optional.of("client_closed"));
    });
  }

  private void usage(Exchange ex, int status, Optional<String> errorClass) {
    metering.finish(ex, status, errorClass);
  }

  /** End-user id and tags: headers win over body fields. */
  static void attribute(RoutingContext ctx, ObjectNode body, Exchange ex) {
    String user = ctx.request().getHeader("x-tollgate-user");
    if (user == null && body.path("user").isTextual()) {
      user = body.get("user").asText();
    }
    if (user != null && !user.isBlank()) {
      ex.userId = Optional.of(user.length() > 256 ? user.substring(0, 256) : user);
    }
    String tags = ctx.request().getHeader("x-tollgate-tags");
    if (tags != null && !tags.isBlank()) {
      ex.tags = Arrays.stream(tags.split(",")).map(String::strip).filter(t -> !t.isEmpty()).limit(32)
          .map(t -> t.length() > 128 ? t.substring(0, 128) : t).toList();
    }
  }

  private void listModels(RoutingContext ctx) {
    ApiKey key = keys.authenticate(Web.bearer(ctx));
    ObjectNode out = Json.object().put("object", "list");
    ArrayNode data = out.putArray("data");
    for (ModelConfig m : catalog.visibleTo(key)) {
      data.add(model(m));
    }
    Web.json(ctx, 200, out);
  }

  private void getModel(RoutingContext ctx) {
    ApiKey key = keys.authenticate(Web.bearer(ctx));
    ModelConfig m = catalog.resolve(ctx.pathParam("model"), key);
    Web.json(ctx, 200, model(m));
  }

  private static ObjectNode model(ModelConfig m) {
    return Json.object().put("id", m.name()).put("object", "model").put("created", 0).put("owned_by", m.provider());
  }
}
