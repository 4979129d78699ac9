package dev.tollgate.testing;

import java.util.concurrent.atomic.AtomicLong;

/** Request ids a test chooses (sent as {@code x-request-id}) so it can find its own ledger row. */
public final class RequestIds {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final String RUN = Long.toHexString(System.nanoTime());

  private RequestIds() {}

  public static String next() {
    return "test-" + RUN + "-" + COUNTER.incrementAndGet();
  }
}
