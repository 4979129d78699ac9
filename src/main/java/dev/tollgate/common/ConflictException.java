package dev.tollgate.common;

/** The change conflicts with existing state (duplicate name, already revoked...). HTTP 409. */
public final class ConflictException extends TollgateException {
  public ConflictException(String message) {
    super(message);
  }
}
