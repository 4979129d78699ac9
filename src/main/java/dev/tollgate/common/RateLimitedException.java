package dev.tollgate.common;

import java.time.Duration;

/** A rate limit or budget refused the request. HTTP 429 with {@code Retry-After}. */
public final class RateLimitedException extends TollgateException {
  private final String code;
  private final Duration retryAfter;

  public RateLimitedException(String code, String message, Duration retryAfter) {
    super(message);
    this.code = code;
    this.retryAfter = retryAfter;
  }

  public String code() {
    return code;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
