package dev.tollgate.cache;

import static java.util.Objects.requireNonNull;

import dev.tollgate.usage.TokenUsage;
import java.util.List;

/**
 * One cached answer, in the caller's dialect: the JSON body of a non-streamed answer, or the SSE events of a
 * streamed one (replayed as they were sent). The upstream's usage and who served it let a hit be recorded
 * with the cost it saved.
 */
public record CachedResponse(byte[] body, List<byte[]> events, TokenUsage usage, String provider, String modelServed,
                             String upstreamModel, String deployment) {
  public CachedResponse {
    requireNonNull(body, "body");
    events = List.copyOf(events);
    requireNonNull(usage, "usage");
    requireNonNull(provider, "provider");
    requireNonNull(modelServed, "modelServed");
    requireNonNull(upstreamModel, "upstreamModel");
    requireNonNull(deployment, "deployment");
  }

  public boolean streamed() {
    return !events.isEmpty();
  }

  /** The bytes the entry holds, for the cache's size bound. */
  public long weight() {
    long n = body.length + 256L;
    for (byte[] e : events) {
      n += e.length + 16;
    }
    return n;
  }
}
