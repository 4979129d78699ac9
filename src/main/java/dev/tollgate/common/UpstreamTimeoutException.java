package dev.tollgate.common;

import java.time.Duration;

/** The upstream did not answer in time. HTTP 504. */
public final class UpstreamTimeoutException extends TollgateException {
  public UpstreamTimeoutException(String provider, String phase, Duration limit) {
    super("upstream '" + provider + "' timed out (" + phase + " after " + limit.toMillis() + " ms)");
  }
}
