package dev.tollgate.pricing;

import dev.tollgate.usage.TokenUsage;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of pricing one usage record, the work the request path adds per request. Run with
 * {@code ./mvnw -Pjmh -DskipTests package && java -jar target/benchmarks.jar CostEngine}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CostEngineBenchmark {
  private final Instant at = Instant.parse("2026-08-01T12:00:00Z");
  private PriceCatalog catalog;
  private PricedModel gpt4o;
  private PricedModel sonnet;
  private PricedModel geminiPro;
  private PricedModel azureGpt4o;
  private TokenUsage plain;
  private TokenUsage cached;
  private TokenUsage longContext;
  private CostContext priority;
  private CostContext batch;

  @Setup
  public void setUp() {
    catalog = PriceCatalog.bundled();
    gpt4o = catalog.lookup("openai", "gpt-4o", at).orElseThrow();
    sonnet = catalog.lookup("anthropic", "claude-sonnet-4-5", at).orElseThrow();
    geminiPro = catalog.lookup("gemini", "gemini-2.5-pro", at).orElseThrow();
    azureGpt4o = catalog.lookup("azure", "gpt-4o", at).orElseThrow();
    plain = TokenUsage.of(1200, 350);
    cached = new TokenUsage(150, 20_000, 3000, 1000, 0, 0, 800, 300, 0);
    longContext = new TokenUsage(230_000, 10_000, 0, 0, 0, 0, 2000, 1500, 0);
    priority = CostContext.of(ServiceTier.PRIORITY);
    batch = CostContext.of(ServiceTier.BATCH);
  }

  /** Plain input/output on gpt-4o. */
  @Benchmark
  public Cost plainInOut() {
    return CostEngine.cost(gpt4o, plain, CostContext.STANDARD);
  }

  /** Claude with cache read, 5m and 1h writes and reasoning: five lines. */
  @Benchmark
  public Cost anthropicCache() {
    return CostEngine.cost(sonnet, cached, CostContext.STANDARD);
  }

  /** Gemini 2.5 Pro above 200k, priority tier, with a fallback note. */
  @Benchmark
  public Cost longContextPriority() {
    return CostEngine.cost(geminiPro, longContext, priority);
  }

  /** Azure batch without batch prices: the fallback path with notes. */
  @Benchmark
  public Cost batchFallback() {
    return CostEngine.cost(azureGpt4o, plain, batch);
  }

  /** What the request path does: look the model up (cached resolution) at a time, then cost. */
  @Benchmark
  public Cost lookupAndCost() {
    return CostEngine.price(catalog, "openai", "gpt-4o", plain, CostContext.STANDARD, at);
  }
}
