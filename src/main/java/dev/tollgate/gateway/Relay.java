package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.TollgateException;
import dev.tollgate.providers.Cancellation;
import dev.tollgate.providers.ProviderReply;
import dev.tollgate.providers.Sse;
import dev.tollgate.providers.StreamHandle;
import dev.tollgate.providers.StreamObserver;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.web.Dialect;
import dev.tollgate.web.ErrorMapping;
import dev.tollgate.web.HttpError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sends a provider's answer to the caller and meters it, for both surfaces (OpenAI and Anthropic): the
 * non-streamed reply with its cost header, and the streamed relay with its hang-up, failure and
 * missing-usage handling. The surfaces differ only in how events are translated and how an error
 * event looks.
 */
final class Relay {
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

  private final Metering metering;
  private final Clock clock;

  Relay(Metering metering, Clock clock) {
    this.metering = metering;
    this.clock = clock;
  }

  /** The request is over: its last ledger row, then the admission ticket is released. */
  void finish(Exchange ex, int status, Optional<String> errorClass) {
    try {
      metering.finish(ex, status, errorClass);
    } finally {
      ex.closeTicket();
    }
  }

  /** A failed attempt that will be retried: its own ledger row; the exchange moves to the next attempt. */
  void recordAttempt(Exchange ex, int status, Optional<String> errorClass) {
    metering.finish(ex, status, errorClass);
    ex.nextAttempt();
  }

  static final String DEPLOYMENT_HEADER = "x-tollgate-deployment";
  static final String ATTEMPTS_HEADER = "x-tollgate-attempts";
  static final String FALLBACK_HEADER = "x-tollgate-fallback";
  static final String CACHE_HEADER = "x-tollgate-cache";
  static final String DOWNGRADED_HEADER = "x-tollgate-downgraded-from";

  /** Which deployment served, how many attempts it took, fallback, cache and downgrade: on every answer. */
  static void routingHeaders(HttpServerResponse resp, Exchange ex) {
    if (resp.headWritten()) {
      return;
    }
    ex.deploymentShown.ifPresent(d -> resp.putHeader(DEPLOYMENT_HEADER, d));
    if (ex.key != null && !ex.provider.isEmpty() && !ex.flags.contains(UsageFlag.CACHE_HIT)) {
      resp.putHeader(ATTEMPTS_HEADER, Integer.toString(ex.attempt));
    }
    ex.fallbackModel.ifPresent(m -> resp.putHeader(FALLBACK_HEADER, m));
    ex.downgradedFrom.ifPresent(m -> resp.putHeader(DOWNGRADED_HEADER, m));
    if (ex.key != null) {
      resp.putHeader(CACHE_HEADER, ex.cacheStatus);
    }
  }

  /**
   * A complete answer: cost header, body, ledger row. If the caller hangs up first, the upstream call is
   * cancelled (nobody pays for tokens nobody reads) and the row is 499, CLIENT_CLOSED, with the input
   * estimated from the request (the provider never reported usage).
   */
  void reply(RoutingContext ctx, Exchange ex, ObjectNode request, Cancellation cancellation, Future<ProviderReply> answer) {
    HttpServerResponse resp = ctx.response();
    boolean[] answered = {false};
    resp.closeHandler(v -> {
      if (answered[0]) {
        return;
      }
      answered[0] = true;
      cancellation.cancel();
      ex.flags.add(UsageFlag.CLIENT_CLOSED);
      ex.usage = UsageEstimator.estimate(request, List.of(), Optional.empty());
      ex.flags.add(UsageFlag.ESTIMATED);
      finish(ex, 499, Optional.of("client_closed"));
    });
    answer.onComplete(ar -> {
      if (answered[0]) {
        return; // the caller left; already recorded
      }
      answered[0] = true;
      if (ar.failed()) {
        routingHeaders(resp, ex);
        ctx.fail(ar.cause());
        return;
      }
      ProviderReply reply = ar.result();
      ex.firstTokenAt = clock.instant();
      ex.usage = reply.usage();
      ex.modelServed = reply.servedModel();
      if (resp.closed()) {
        ex.flags.add(UsageFlag.CLIENT_CLOSED);
        finish(ex, 499, Optional.of("client_closed"));
        return;
      }
      metering.costHeader(ex).ifPresent(usd -> resp.putHeader(Metering.COST_HEADER_NAME, usd));
      routingHeaders(resp, ex);
      resp.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(reply.body());
      ex.answerBody = reply.body();
      ex.onAnswered.run();
      finish(ex, 200, Optional.empty());
    });
  }

  /**
   * Relays a stream. {@code translate} maps each provider event to the events to write (it may hold one
   * back, as the OpenAI surface holds {@code [DONE]}); {@code closing} gives the last events once usage is
   * known. The cost comment is written just before those. Usage the provider never reported is estimated
   * from the request and the provider events relayed so far, and flagged.
   */
  void stream(RoutingContext ctx, Exchange ex, ObjectNode request, Dialect dialect,
              Function<StreamObserver, StreamHandle> start, Function<Buffer, List<Buffer>> translate,
              Function<TokenUsage, List<Buffer>> closing) {
    HttpServerResponse resp = ctx.response();
    List<Buffer> relayed = new ArrayList<>();
    boolean[] done = {false};
    @SuppressWarnings("unchecked")
    Optional<TokenUsage>[] partial = new Optional[] {Optional.empty()};
    Runnable estimateIfMissing = () -> {
      if (!ex.usageReported) {
        ex.usage = UsageEstimator.estimate(request, relayed, partial[0]);
        ex.flags.add(UsageFlag.ESTIMATED);
      }
    };
    StreamHandle handle = start.apply(new StreamObserver() {
      /** The attempt whose events are being counted: a retried attempt's events are not this one's output. */
      private int attempt = ex.attempt;

      @Override
      public void onEvent(Buffer event) {
        if (done[0]) {
          return;
        }
        if (attempt != ex.attempt) {
          attempt = ex.attempt;
          relayed.clear();
          partial[0] = Optional.empty();
        }
        if (!ex.usageReported) {
          relayed.add(event);
        }
        write(translate.apply(event));
      }

      private void write(List<Buffer> events) {
        for (Buffer e : events) {
          if (ex.firstTokenAt == null) {
            ex.firstTokenAt = clock.instant();
            routingHeaders(resp, ex);
            resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM).putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
          }
          if (ex.capture != null) {
            ex.capture.add(e.copy());
          }
          resp.write(e);
        }
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
        estimateIfMissing.run();
        // The cost as an SSE comment: every SSE parser (every SDK) skips comments.
        metering.costComment(ex).ifPresent(resp::write);
        write(closing.apply(ex.usage));
        resp.end();
        ex.onAnswered.run();
        finish(ex, 200, Optional.empty());
      }

      @Override
      public void onError(TollgateException error) {
        if (done[0]) {
          return;
        }
        done[0] = true;
        if (!resp.headWritten()) {
          routingHeaders(resp, ex);
          ctx.fail(error); // nothing sent yet: a normal error response, in the caller's dialect
          return;
        }
        HttpError http = ErrorMapping.of(error);
        resp.write(dialect == Dialect.OPENAI ? Sse.data(dialect.render(http)) : Sse.event("error", dialect.render(http)));
        resp.end();
        estimateIfMissing.run();
        finish(ex, http.status(), http.code());
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
      estimateIfMissing.run();
      finish(ex, 499, Optional.of("client_closed"));
    });
  }
}
