package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.TollgateException;
import dev.tollgate.common.UnavailableException;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.common.UpstreamTimeoutException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.Cancellation;
import dev.tollgate.providers.ProviderClient;
import dev.tollgate.providers.ProviderReply;
import dev.tollgate.providers.StreamHandle;
import dev.tollgate.providers.StreamObserver;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.Deployments;
import dev.tollgate.routing.FailureKind;
import dev.tollgate.routing.RetryPolicy;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.routing.Timeouts;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.web.Dialect;
import dev.tollgate.web.ErrorMapping;
import dev.tollgate.web.HttpError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Runs one request's upstream attempts: picks a deployment by the model's strategy, applies the per-attempt
 * timeouts, retries retryable failures (on another deployment at once, on the same one after a backoff),
 * moves down the fallback chain, and records every failed attempt as its own ledger row before the next
 * one starts. A stream is never retried once its first byte went to the caller. One per verticle; the
 * per-request state lives in {@link Run}, confined to the event loop.
 */
final class Dispatcher {
  private final Deployments deployments;
  private final ModelCatalog catalog;
  private final Map<String, ProviderClient> providers;
  private final Relay relay;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final Vertx vertx;
  private final Clock clock;
  private final Function<ModelConfig, OptionalLong> catalogContextWindow;

  /** How one surface (OpenAI or Anthropic) calls one deployment; its answers are in the caller's dialect. */
  interface Surface {
    Future<ProviderReply> call(ModelConfig target, ProviderClient provider, Cancellation cancellation);

    StreamHandle stream(ModelConfig target, ProviderClient provider, StreamObserver observer);
  }

  Dispatcher(Deployments deployments, ModelCatalog catalog, Map<String, ProviderClient> providers, Relay relay,
             Sleeper sleeper, RandomGenerator random, Vertx vertx, Clock clock,
             Function<ModelConfig, OptionalLong> catalogContextWindow) {
    this.deployments = requireNonNull(deployments, "deployments");
    this.catalog = requireNonNull(catalog, "catalog");
    this.providers = Map.copyOf(providers);
    this.relay = requireNonNull(relay, "relay");
    this.sleeper = requireNonNull(sleeper, "sleeper");
    this.random = requireNonNull(random, "random");
    this.vertx = requireNonNull(vertx, "vertx");
    this.clock = requireNonNull(clock, "clock");
    this.catalogContextWindow = requireNonNull(catalogContextWindow, "catalogContextWindow");
  }

  /**
   * The models to try, in order: the routed one, then its {@code fallbacks}. A model whose context window
   * (config {@code context-window}, else the price catalog's) is smaller than the prompt is skipped; when
   * none fits, the request fails with {@code context_length_exceeded}. Counting tokens is the costliest step
   * of a small request, so the prompt is only counted when {@code promptTokensAtMost} (a bound from the body's
   * size) exceeds a window; then once.
   */
  Chain chain(ModelConfig routed, long promptTokensAtMost, LongSupplier countPromptTokens) {
    Set<String> seen = new LinkedHashSet<>();
    List<ModelConfig> all = new ArrayList<>();
    all.add(routed);
    seen.add(routed.name());
    for (String f : routed.fallbacks()) {
      if (seen.add(f)) {
        catalog.find(f).ifPresent(all::add);
      }
    }
    List<ModelConfig> fits = new ArrayList<>();
    OptionalLong smallest = OptionalLong.empty();
    long promptTokens = -1;
    for (ModelConfig m : all) {
      OptionalLong window = m.contextWindow().isPresent() ? m.contextWindow() : catalogContextWindow.apply(m);
      if (window.isPresent() && promptTokensAtMost > window.getAsLong() && promptTokens < 0) {
        promptTokens = countPromptTokens.getAsLong();
      }
      if (window.isPresent() && promptTokens > window.getAsLong()) {
        smallest = window;
        continue;
      }
      fits.add(m);
    }
    if (fits.isEmpty()) {
      throw new InvalidRequestException("messages", "messages: about " + promptTokens + " tokens (expected: at most "
          + smallest.orElse(0) + ", the context window of " + routed.name() + " and of its fallbacks)", "context_length_exceeded");
    }
    return new Chain(routed, fits, !fits.getFirst().name().equals(routed.name()));
  }

  /**
   * The models a request may be served by, in order.
   *
   * @param routedSkipped the routed model cannot take the prompt (context window): every model here is a fallback
   */
  record Chain(ModelConfig routed, List<ModelConfig> models, boolean routedSkipped) {}

  void reply(RoutingContext ctx, Exchange ex, ObjectNode request, Chain chain, Surface surface) {
    Run run = new Run(ex, chain, surface);
    Cancellation requestCancel = new Cancellation();
    requestCancel.onCancel(run::cancel);
    Promise<ProviderReply> promise = Promise.promise();
    run.promise = promise;
    relay.reply(ctx, ex, request, requestCancel, promise.future());
    run.next();
  }

  void stream(RoutingContext ctx, Exchange ex, ObjectNode request, Dialect dialect, Chain chain, Surface surface,
              Function<Buffer, List<Buffer>> translate, Function<TokenUsage, List<Buffer>> closing) {
    Run run = new Run(ex, chain, surface);
    relay.stream(ctx, ex, request, dialect, observer -> {
      run.real = observer;
      run.next();
      return run::cancel;
    }, translate, closing);
  }

  private record Pick(int modelIndex, ModelConfig model, Deployment deployment, boolean again) {}

  /** One request's attempts. */
  private final class Run {
    private final Exchange ex;
    private final List<ModelConfig> chain;
    private final Chain plan;
    private int serial;
    private final Surface surface;
    private final RetryPolicy retry = deployments.config().retry();
    private final Timeouts timeouts = deployments.config().timeouts();
    private final Instant deadline;
    private final Set<Deployment> tried = new HashSet<>();
    private int modelIndex;
    private int attemptsOnModel;
    private boolean cancelled;
    // the current attempt
    private Deployment current;
    private boolean attemptDone = true;
    private long attemptStartMs;
    private Cancellation attemptCancel;
    private StreamHandle attemptHandle;
    private Optional<TokenUsage> attemptPartial = Optional.empty();
    private long totalTimer = -1;
    private long firstTokenTimer = -1;
    private long idleTimer = -1;
    /** When the current stream's last event arrived ({@link System#nanoTime}): the idle timer checks it when it fires. */
    private long lastEventNanos;
    // the mode: one of these is set
    Promise<ProviderReply> promise;
    StreamObserver real;

    Run(Exchange ex, Chain chain, Surface surface) {
      this.ex = ex;
      this.plan = chain;
      this.chain = chain.models();
      this.surface = surface;
      this.deadline = ex.startedAt.plus(retry.maxTotal());
    }

    void next() {
      Optional<Pick> pick = pick();
      if (pick.isEmpty()) {
        pick = lastResort();
      }
      if (pick.isEmpty()) {
        giveUp(new UnavailableException("no deployment of model '" + plan.routed().name()
            + "' is available (every circuit breaker is open or every deployment is disabled)"));
        return;
      }
      start(pick.get());
    }

    private Optional<Pick> pick() {
      while (modelIndex < chain.size()) {
        ModelConfig m = chain.get(modelIndex);
        if (attemptsOnModel >= retry.maxAttempts()) {
          nextModel();
          continue;
        }
        List<Deployment> plan = deployments.plan(m, random);
        for (Deployment d : plan) {
          if (!tried.contains(d) && d.breaker().tryAcquire()) {
            return Optional.of(new Pick(modelIndex, m, d, false));
          }
        }
        for (Deployment d : plan) {
          if (d.breaker().tryAcquire()) {
            return Optional.of(new Pick(modelIndex, m, d, true));
          }
        }
        nextModel();
      }
      return Optional.empty();
    }

    /**
     * When every breaker of the whole chain is open, the routed model's deployment that is enabled and was
     * configured first still gets the request: a breaker routes around a deployment, it does not turn a model
     * with nowhere else to go into a 503 (the upstream's own answer is more useful, and it is the probe).
     */
    private Optional<Pick> lastResort() {
      ModelConfig routed = chain.getFirst();
      for (Deployment d : deployments.of(routed)) {
        if (d.enabled()) {
          modelIndex = 0;
          return Optional.of(new Pick(0, routed, d, false));
        }
      }
      return Optional.empty();
    }

    private void nextModel() {
      modelIndex++;
      attemptsOnModel = 0;
      tried.clear();
    }

    private void start(Pick p) {
      ModelConfig target = p.deployment().target();
      current = p.deployment();
      attemptsOnModel++;
      tried.add(current);
      ex.provider = target.provider();
      ex.upstreamModel = target.upstreamModel();
      ex.deployment = deployments.of(p.model()).size() > 1 ? Optional.of(current.qualifiedId()) : Optional.empty();
      ex.deploymentShown = Optional.of(current.qualifiedId());
      serial++;
      if (p.modelIndex() > 0 || plan.routedSkipped()) {
        ex.flags.add(UsageFlag.FALLBACK_USED);
        ex.fallbackModel = Optional.of(p.model().name());
      } else {
        ex.flags.remove(UsageFlag.FALLBACK_USED);
        ex.fallbackModel = Optional.empty();
      }
      ProviderClient provider = providers.get(target.provider());
      current.started();
      attemptDone = false;
      attemptStartMs = clock.millis();
      attemptPartial = Optional.empty();
      totalTimer = vertx.setTimer(timeouts.total().toMillis(), id -> timedOut("total", timeouts.total()));
      if (promise != null) {
        Cancellation c = new Cancellation();
        attemptCancel = c;
        Future<ProviderReply> f;
        try {
          f = surface.call(target, provider, c);
        } catch (TollgateException e) {
          f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
          if (attemptDone || c.cancelled()) {
            return;
          }
          attemptDone = true;
          cancelTimers();
          if (ar.succeeded()) {
            current.succeeded(clock.millis() - attemptStartMs);
            promise.tryComplete(ar.result());
          } else {
            failed(ar.cause());
          }
        });
      } else {
        firstTokenTimer = vertx.setTimer(timeouts.firstToken().toMillis(), id -> timedOut("first token", timeouts.firstToken()));
        int mine = serial;
        StreamHandle h = surface.stream(target, provider, new Proxy());
        if (mine == serial) {
          attemptHandle = h;
        }
      }
    }

    /** Forwards one attempt's stream to the relay; failures before the first byte go back to {@link #failed}. */
    private final class Proxy implements StreamObserver {
      private final int mine = serial;
      private boolean gotEvent;

      private boolean stale() {
        return attemptDone || serial != mine;
      }

      @Override
      public void onEvent(Buffer sseEvent) {
        if (stale()) {
          return;
        }
        if (!gotEvent) {
          gotEvent = true;
          cancel(firstTokenTimer);
          firstTokenTimer = -1;
        }
        lastEventNanos = System.nanoTime();
        if (idleTimer < 0) {
          armIdle(timeouts.idle().toMillis());
        }
        real.onEvent(sseEvent);
      }

      @Override
      public void onUsage(TokenUsage usage, String servedModel) {
        if (!stale()) {
          real.onUsage(usage, servedModel);
        }
      }

      @Override
      public void onPartialUsage(TokenUsage usageSoFar, String servedModel) {
        if (!stale()) {
          attemptPartial = Optional.of(usageSoFar);
          real.onPartialUsage(usageSoFar, servedModel);
        }
      }

      @Override
      public void onComplete() {
        if (stale()) {
          return;
        }
        attemptDone = true;
        cancelTimers();
        current.succeeded(clock.millis() - attemptStartMs);
        real.onComplete();
      }

      @Override
      public void onError(TollgateException error) {
        if (stale()) {
          return;
        }
        attemptDone = true;
        cancelTimers();
        failed(error);
      }

      @Override
      public boolean writeQueueFull() {
        return real.writeQueueFull();
      }

      @Override
      public void onDrain(Runnable resume) {
        real.onDrain(resume);
      }
    }

    /**
     * One timer for the whole stream instead of a new one per event (a cancel and a schedule per chunk): when it
     * fires it looks at how long the stream has really been quiet, and waits out the rest if an event came since.
     */
    private void armIdle(long millis) {
      idleTimer = vertx.setTimer(millis, id -> {
        idleTimer = -1;
        if (attemptDone) {
          return;
        }
        long limit = timeouts.idle().toMillis();
        long quiet = (System.nanoTime() - lastEventNanos) / 1_000_000;
        if (quiet >= limit) {
          timedOut("idle between chunks", timeouts.idle());
        } else {
          armIdle(limit - quiet);
        }
      });
    }

    private void timedOut(String phase, Duration limit) {
      if (attemptDone) {
        return;
      }
      attemptDone = true;
      cancelTimers();
      if (attemptCancel != null) {
        attemptCancel.cancel();
      }
      if (attemptHandle != null) {
        attemptHandle.cancel();
      }
      failed(new UpstreamTimeoutException(current.target().provider(), phase, limit));
    }

    /** An attempt failed: retry, fall back, or give the failure to the caller. */
    private void failed(Throwable failure) {
      FailureKind kind = FailureKind.of(failure);
      if (kind == FailureKind.RETRYABLE) {
        current.failed();
      } else {
        current.ended();
      }
      if (cancelled) {
        return;
      }
      if (real != null && ex.firstTokenAt != null) {
        giveUp(failure); // bytes went to the caller: never retried
        return;
      }
      if (kind == FailureKind.FINAL) {
        giveUp(failure);
        return;
      }
      if (kind != FailureKind.RETRYABLE) {
        nextModel(); // content policy or context window: only another model can help
      }
      Optional<Pick> next = pick();
      if (next.isEmpty()) {
        giveUp(failure);
        return;
      }
      Duration wait = next.get().again()
          ? retry.backoff(ex.attempt + 1, failure instanceof UpstreamException u ? u.retryAfter() : Optional.empty(), random)
          : Duration.ZERO;
      if (clock.instant().plus(wait).isAfter(deadline)) {
        next.get().deployment().breaker().onNeutral();
        giveUp(failure);
        return;
      }
      if (ex.usage.totalTokens() == 0 && attemptPartial.isPresent()) {
        ex.usage = attemptPartial.get();
      }
      HttpError http = ErrorMapping.of(failure);
      relay.recordAttempt(ex, http.status(), http.code());
      deployments.countRetry();
      sleeper.sleep(wait).onComplete(v -> {
        if (cancelled) {
          next.get().deployment().breaker().onNeutral();
          return;
        }
        start(next.get());
      });
    }

    private void giveUp(Throwable failure) {
      if (promise != null) {
        promise.tryFail(failure);
      } else {
        real.onError(failure instanceof TollgateException te ? te
            : new UpstreamException(ex.provider, "upstream '" + ex.provider + "' failed: " + failure, failure));
      }
    }

    /** The caller hung up (the relay records it): stop the current attempt and start no other. */
    void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      cancelTimers();
      if (!attemptDone && current != null) {
        attemptDone = true;
        current.ended();
        if (attemptCancel != null) {
          attemptCancel.cancel();
        }
        if (attemptHandle != null) {
          attemptHandle.cancel();
        }
      }
    }

    private void cancelTimers() {
      cancel(totalTimer);
      cancel(firstTokenTimer);
      cancel(idleTimer);
      totalTimer = firstTokenTimer = idleTimer = -1;
    }

    private void cancel(long timer) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
