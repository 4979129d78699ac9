package dev.tollgate.common;

/**
 * The upstream provider failed or refused the call. {@link #upstreamStatus()} is what the provider
 * answered (0 when the connection failed before a status line).
 */
public final class UpstreamException extends TollgateException {
  private final String provider;
  private final int upstreamStatus;
  private java.util.Optional<java.time.Duration> retryAfter = java.util.Optional.empty();

  public UpstreamException(String provider, int upstreamStatus, String message) {
    super(message);
    this.provider = provider;
    this.upstreamStatus = upstreamStatus;
  }

  public UpstreamException(String provider, String message, Throwable cause) {
    super(message, cause);
    this.provider = provider;
    this.upstreamStatus = 0;
  }

  /** The same failure, carrying the upstream's {@code Retry-After} (passed on to the caller with a 429). */
  public UpstreamException withRetryAfter(java.util.Optional<java.time.Duration> retryAfter) {
    UpstreamException e = new UpstreamException(provider, upstreamStatus, getMessage());
    e.retryAfter = retryAfter;
    return e;
  }

  public java.util.Optional<java.time.Duration> retryAfter() {
    return retryAfter;
  }

  public String provider() {
    return provider;
  }

  public int upstreamStatus() {
    return upstreamStatus;
  }
}
