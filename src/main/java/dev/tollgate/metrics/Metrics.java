package dev.tollgate.metrics;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.EventBus;
import dev.tollgate.pricing.UnpricedUsage;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageRecorded;
import dev.tollgate.usage.UsageWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The Prometheus view of the gateway, fed by {@link UsageRecorded} and {@link UnpricedUsage} events and
 * by the usage writer's {@link UsageWriter.Stats}. Names and labels are listed in {@code docs/metrics.md}.
 *
 * <p>Label values are bounded: {@code endpoint} and {@code provider} come from code and configuration,
 * {@code status} is a class ({@code 2xx}, {@code 4xx}, ...), and {@code model} keeps the first
 * {@link #MAX_MODELS} distinct names and folds the rest into {@code other}. No key, user or request labels.
 */
public final class Metrics {
  /** Distinct {@code model} label values kept before the rest are reported as {@code other}. */
  public static final int MAX_MODELS = 100;
  /** The {@code provider} and {@code model} label of a request that was never routed to a model. */
  static final String NONE = "none";

  static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final Duration[] LATENCY_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300);
  private static final Duration[] TTFT_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final LabelCap models;
  private final Supplier<UsageWriter.Stats> ledger;
  private final Map<RequestSeries, Counter> requests = new ConcurrentHashMap<>();
  private final Map<ModelSeries, ModelMeters> byModel = new ConcurrentHashMap<>();
  private final Map<EndpointSeries, Timers> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> unpriced = new ConcurrentHashMap<>();

  private record RequestSeries(String endpoint, String provider, String model, String status) {}

  private record ModelSeries(String provider, String model) {}

  private record EndpointSeries(String endpoint, String provider, String model) {}

  /** Token counters in {@link TokenType} order and the exact cost in nano-USD of one provider and model. */
  private record ModelMeters(Counter[] tokens, LongAdder costNanos) {}

  private record Timers(Timer latency, Timer ttft) {}

  /** The {@code type} label of {@code tollgate_tokens_total}: the disjoint classes of {@link TokenUsage}. */
  enum TokenType {
    INPUT("input"), CACHE_READ("cache_read"), CACHE_WRITE_5M("cache_write_5m"), CACHE_WRITE_1H("cache_write_1h"),
    AUDIO_INPUT("audio_input"), IMAGE_INPUT("image_input"), OUTPUT("output"), REASONING("reasoning"),
    AUDIO_OUTPUT("audio_output");

    final String label;

    TokenType(String label) {
      this.label = label;
    }

    long of(TokenUsage u) {
      return switch (this) {
        case INPUT -> u.inputTokens();
        case CACHE_READ -> u.cacheReadTokens();
        case CACHE_WRITE_5M -> u.cacheWrite5mTokens();
        case CACHE_WRITE_1H -> u.cacheWrite1hTokens();
        case AUDIO_INPUT -> u.audioInputTokens();
        case IMAGE_INPUT -> u.imageInputTokens();
        case OUTPUT -> u.outputTokens();
        case REASONING -> u.reasoningTokens();
        case AUDIO_OUTPUT -> u.audioOutputTokens();
      };
    }
  }

  public Metrics(EventBus events, Supplier<UsageWriter.Stats> ledger) {
    this(events, ledger, MAX_MODELS);
  }

  Metrics(EventBus events, Supplier<UsageWriter.Stats> ledger, int maxModels) {
    requireNonNull(events, "events");
    this.ledger = requireNonNull(ledger, "ledger");
    this.models = new LabelCap(maxModels);
    Gauge.builder("tollgate.ledger.queue.depth", this.ledger, l -> l.get().queueDepth()).strongReference(true)
        .description("Ledger rows waiting for the journal").register(registry);
    Gauge.builder("tollgate.journal.bytes", this.ledger, l -> l.get().journalBytes()).strongReference(true)
        .description("Bytes in the usage journal's segment files").register(registry);
    Gauge.builder("tollgate.ledger.backlog", this.ledger, l -> l.get().backlog()).strongReference(true)
        .description("Ledger rows journaled but not yet written to the store").register(registry);
    FunctionCounter.builder("tollgate.ledger.dropped", this.ledger, l -> l.get().dropped())
        .description("Ledger rows dropped because the usage queue was full").register(registry);
    FunctionCounter.builder("tollgate.ledger.dead.lettered", this.ledger, l -> l.get().deadLettered())
        .description("Ledger rows the store refused, set aside in the journal directory's dead-letter.jsonl").register(registry);
    events.subscribe(UsageRecorded.class, e -> record(e.record()));
    events.subscribe(UnpricedUsage.class, this::unpriced);
  }

  /** The registry, for features that keep their own meters (breakers, retries, cache hits, budget utilisation). */
  public io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }

  /** What {@code GET /metrics} answers: the format the {@code Accept} header asks for. */
  public record Exposition(String contentType, byte[] body) {}

  /** Prometheus text 0.0.4 by default, OpenMetrics 1.0 when {@code accept} asks for it. In memory only. */
  public Exposition scrape(String accept) {
    String type = requireNonNull(accept, "accept").contains("application/openmetrics-text") ? OPENMETRICS : TEXT_004;
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      registry.scrape(out, type);
    } catch (IOException e) {
      throw new UncheckedIOException("writing metrics to memory", e); // cannot happen with a byte array
    }
    return new Exposition(type, out.toByteArray());
  }

  void record(UsageRecord r) {
    boolean routed = !r.provider().isEmpty();
    String provider = routed ? r.provider() : NONE;
    String model = routed ? models.label(r.modelRequested()) : NONE;
    requests.computeIfAbsent(new RequestSeries(r.endpoint(), provider, model, statusClass(r.status())),
        s -> Counter.builder("tollgate.requests").description("Requests recorded in the usage ledger")
            .tags("endpoint", s.endpoint(), "provider", s.provider(), "model", s.model(), "status", s.status())
            .register(registry)).increment();

    if (r.usage().totalTokens() > 0 || r.costNanos() > 0) {
      ModelMeters m = byModel.computeIfAbsent(new ModelSeries(provider, model), this::modelMeters);
      for (TokenType t : TokenType.values()) {
        long n = t.of(r.usage());
        if (n > 0) {
          m.tokens()[t.ordinal()].increment(n);
        }
      }
      m.costNanos().add(r.costNanos());
    }

    Timers t = timers.computeIfAbsent(new EndpointSeries(r.endpoint(), provider, model), this::timers);
    t.latency().record(nonNegative(Duration.between(r.startedAt(), r.endedAt())));
    if (r.stream()) {
      r.firstTokenAt().ifPresent(first -> t.ttft().record(nonNegative(Duration.between(r.startedAt(), first))));
    }
  }

  /**
   * By provider only: the event names the served model (often a dated upstream name), which would spend
   * the model cap on names the other metrics never use. The ledger and the log have the model.
   */
  void unpriced(UnpricedUsage u) {
    unpriced.computeIfAbsent(u.provider().isEmpty() ? NONE : u.provider(),
        p -> Counter.builder("tollgate.unpriced.requests").description("Requests that consumed tokens on a model with no price")
            .tags("provider", p).register(registry)).increment();
  }

  /** {@code 2xx}, {@code 3xx}, {@code 4xx}, {@code 5xx}; 429 (limited) and 499 (caller went away) keep their own value. */
  static String statusClass(int status) {
    if (status == 429 || status == 499) {
      return Integer.toString(status);
    }
    if (status < 100 || status > 599) {
      return "other";
    }
    return (status / 100) + "xx";
  }

  private ModelMeters modelMeters(ModelSeries s) {
    Counter[] tokens = new Counter[TokenType.values().length];
    for (TokenType t : TokenType.values()) {
      tokens[t.ordinal()] = Counter.builder("tollgate.tokens").description("Tokens by class, as priced")
          .tags(Tags.of("provider", s.provider(), "model", s.model(), "type", t.label)).register(registry);
    }
    LongAdder nanos = new LongAdder();
    // Exact: the sum is kept in integer nano-USD and divided once per scrape, so no rounding error builds up.
    FunctionCounter.builder("tollgate.cost.usd", nanos, n -> n.sum() / 1e9)
        .description("Cost in USD of the recorded requests").tags("provider", s.provider(), "model", s.model())
        .register(registry);
    return new ModelMeters(tokens, nanos);
  }

  private Timers timers(EndpointSeries s) {
    Tags tags = Tags.of("endpoint", s.endpoint(), "provider", s.provider(), "model", s.model());
    Timer latency = Timer.builder("tollgate.request.duration").description("Request start to last byte")
        .tags(tags).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    Timer ttft = Timer.builder("tollgate.time.to.first.token").description("Request start to the first streamed token")
        .tags(tags).serviceLevelObjectives(TTFT_BUCKETS).register(registry);
    return new Timers(latency, ttft);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Duration[] seconds(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return out;
  }
}
