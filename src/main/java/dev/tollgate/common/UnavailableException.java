package dev.tollgate.common;

/** Tollgate itself cannot serve this right now (starting, shutting down). HTTP 503. */
public final class UnavailableException extends TollgateException {
  public UnavailableException(String message) {
    super(message);
  }
}
