package dev.tollgate.storage;

/** A storage operation failed (I/O, SQL). Callers on the write path retry; on the admin path it is a 500. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
