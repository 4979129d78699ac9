package dev.tollgate.common;

/** The endpoint exists but not for this HTTP method. HTTP 405. */
public final class MethodNotAllowedException extends TollgateException {
  public MethodNotAllowedException(String method, String path) {
    super("method " + method + " is not allowed on " + path);
  }
}
