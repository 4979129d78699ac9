package dev.tollgate.common;

import java.util.Optional;

/** The request is malformed or a field has a wrong type or value. HTTP 400. */
public final class InvalidRequestException extends TollgateException {
  private final String param;
  private final String code;

  public InvalidRequestException(String param, String message) {
    this(param, message, "invalid_value");
  }

  public InvalidRequestException(String param, String message, String code) {
    super(message);
    this.param = param;
    this.code = code;
  }

  /** A body that is not JSON at all. */
  public static InvalidRequestException malformedJson(String detail) {
    return new InvalidRequestException(null, "request body is not valid JSON: " + detail, "invalid_json");
  }

  @Override
  public Optional<String> param() {
    return Optional.ofNullable(param);
  }

  public String code() {
    return code;
  }
}
