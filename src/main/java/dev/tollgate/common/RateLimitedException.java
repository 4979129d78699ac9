package dev.tollgate.common;

import java.time.Duration;
import java.util.Map;

/**
 * A rate limit or budget refused the request. HTTP 429 with {@code Retry-After}, plus {@link #headers()}
 * (e.g. {@code x-ratelimit-remaining-requests}) on the error response.
 */
public final class RateLimitedException extends TollgateException {
  private final String code;
  private final Duration retryAfter;
  private final Map<String, String> headers;

  public RateLimitedException(String code, String message, Duration retryAfter) {
    this(code, message, retryAfter, Map.of());
  }

  public RateLimitedException(String code, String message, Duration retryAfter, Map<String, String> headers) {
    super(message);
    this.code = code;
    this.retryAfter = retryAfter;
    this.headers = Map.copyOf(headers);
  }

  public String code() {
    return code;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  /** {@code Retry-After}'s value for {@code wait}: whole seconds, rounded up, at least 1. */
  public static long retryAfterSeconds(Duration wait) {
    return Math.max(1, (wait.toMillis() + 999) / 1000);
  }

  /** Extra response headers for the 429. */
  public Map<String, String> headers() {
    return headers;
  }
}
