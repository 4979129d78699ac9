package dev.tollgate.common;

/** No usable API key. HTTP 401. */
public final class AuthenticationException extends TollgateException {
  /** Why the key was refused; {@link #code()} is what callers see. */
  public enum Reason {
    MISSING("missing_api_key", "no API key provided; send 'Authorization: Bearer <key>' or 'x-api-key: <key>'"),
    UNKNOWN("invalid_api_key", "incorrect API key provided"),
    REVOKED("api_key_revoked", "this API key has been revoked"),
    EXPIRED("api_key_expired", "this API key has expired"),
    INVALID_CREDENTIALS("invalid_credentials", "incorrect email or password"),
    SESSION_INVALID("invalid_session_token", "the session token is not valid; log in again"),
    SESSION_EXPIRED("session_expired", "the session has expired; log in again"),
    SESSION_REVOKED("session_revoked", "the session was ended (logout); log in again");

    private final String code;
    private final String message;

    Reason(String code, String message) {
      this.code = code;
      this.message = message;
    }

    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public AuthenticationException(Reason reason) {
    super(reason.message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
