package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Latency and time to first token of one model, over successful attempts that were not response-cache
 * hits (a cache hit says nothing about the model). Percentiles are in milliseconds.
 *
 * @param ttft empty when no streamed attempt recorded a first token
 */
public record ModelLatency(String model, long attempts, Percentiles latency, long streamed, Optional<Percentiles> ttft) {
  public ModelLatency {
    requireNonNull(model, "model");
    requireNonNull(latency, "latency");
    requireNonNull(ttft, "ttft");
  }

  public record Percentiles(long p50, long p95, long p99) {}
}
