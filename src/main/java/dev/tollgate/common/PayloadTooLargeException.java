package dev.tollgate.common;

/** The request body is over the configured limit. HTTP 413. */
public final class PayloadTooLargeException extends TollgateException {
  private final long limitBytes;

  public PayloadTooLargeException(long limitBytes) {
    super("request body is larger than the limit of " + limitBytes + " bytes (server.body-limit)");
    this.limitBytes = limitBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
