package dev.tollgate.common;

/**
 * The upstream provider failed or refused the call. {@link #upstreamStatus()} is what the provider
 * answered (0 when the connection failed before a status line).
 */
public final class UpstreamException extends TollgateException {
  private final String provider;
  private final int upstreamStatus;

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

  public String provider() {
    return provider;
  }

  public int upstreamStatus() {
    return upstreamStatus;
  }
}
