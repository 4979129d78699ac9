package dev.tollgate.common;

/** An admin resource that does not exist. HTTP 404. */
public final class NotFoundException extends TollgateException {
  public NotFoundException(String kind, String id) {
    super(kind + " '" + id + "' not found");
  }
}
