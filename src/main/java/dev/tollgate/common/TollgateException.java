package dev.tollgate.common;

import java.util.Optional;

/**
 * Base of every failure Tollgate reports to a caller. Each subclass names one failure and carries the
 * offending value; {@code dev.tollgate.web.ErrorMapping} is the one place that turns them into HTTP
 * status codes and error bodies (the table is in the README).
 */
public abstract sealed class TollgateException extends RuntimeException
    permits InvalidRequestException, AuthenticationException, PermissionDeniedException,
        ModelNotFoundException, NotFoundException, ConflictException, PayloadTooLargeException,
        RateLimitedException, UpstreamException, UpstreamTimeoutException, UnavailableException,
        ConfigException, MethodNotAllowedException {

  protected TollgateException(String message) {
    super(message);
  }

  protected TollgateException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The request field the failure is about, if there is one (OpenAI's {@code param}). */
  public Optional<String> param() {
    return Optional.empty();
  }
}
