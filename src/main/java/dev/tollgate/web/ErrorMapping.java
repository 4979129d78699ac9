package dev.tollgate.web;

import dev.tollgate.common.AuthenticationException;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.ConflictException;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.MethodNotAllowedException;
import dev.tollgate.common.ModelNotFoundException;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.common.PayloadTooLargeException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.common.RateLimitedException;
import dev.tollgate.common.TollgateException;
import dev.tollgate.common.UnavailableException;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.common.UpstreamTimeoutException;
import java.util.Optional;

/**
 * The one place where failures become HTTP statuses. The README's error table is this switch; keep
 * them in step. Anything that is not a {@link TollgateException} is a bug on our side: 500, with a
 * generic message (details go to the log with the request id, never to the caller).
 */
public final class ErrorMapping {
  private ErrorMapping() {}

  public static HttpError of(Throwable failure) {
    if (!(failure instanceof TollgateException te)) {
      return new HttpError(500, "server_error", "api_error", Optional.of("internal_error"), Optional.empty(),
          "internal error in the gateway; the request id identifies it in the server log", Optional.empty());
    }
    Optional<String> param = te.param();
    String msg = te.getMessage();
    return switch (te) {
      case InvalidRequestException e ->
          error(400, "invalid_request_error", "invalid_request_error", e.code(), param, msg);
      case AuthenticationException e ->
          error(401, "invalid_request_error", "authentication_error", e.reason().code(), param, msg);
      case PermissionDeniedException e ->
          error(403, "permission_error", "permission_error", e.code(), param, msg);
      case ModelNotFoundException e ->
          error(404, "invalid_request_error", "not_found_error", "model_not_found", param, msg);
      case NotFoundException e ->
          error(404, "invalid_request_error", "not_found_error", "not_found", param, msg);
      case MethodNotAllowedException e ->
          error(405, "invalid_request_error", "invalid_request_error", "method_not_allowed", param, msg);
      case ConflictException e ->
          error(409, "invalid_request_error", "invalid_request_error", "conflict", param, msg);
      case PayloadTooLargeException e ->
          error(413, "invalid_request_error", "request_too_large", "request_too_large", param, msg);
      case RateLimitedException e ->
          new HttpError(429, "rate_limit_error", "rate_limit_error", Optional.of(e.code()), param, msg, Optional.of(e.retryAfter()));
      case UpstreamException e -> upstream(e);
      case UpstreamTimeoutException e ->
          error(504, "upstream_error", "api_error", "upstream_timeout", param, msg);
      case UnavailableException e ->
          error(503, "server_error", "overloaded_error", "unavailable", param, msg);
      case ConfigException e ->
          error(500, "server_error", "api_error", "configuration_error", param, msg);
    };
  }

  /**
   * An upstream refusal that is the caller's fault (400, 404, 413, 422) is passed on as that status;
   * 429 stays 429 so clients back off; everything else (the provider is down, or rejected our
   * credentials) is a 502: the caller's request was fine, the gateway could not serve it.
   */
  private static HttpError upstream(UpstreamException e) {
    int s = e.upstreamStatus();
    return switch (s) {
      case 400, 404, 413, 422 -> error(s == 422 ? 400 : s, "invalid_request_error", "invalid_request_error", "upstream_rejected", e.param(), e.getMessage());
      case 429 -> new HttpError(429, "rate_limit_error", "rate_limit_error", Optional.of("upstream_rate_limited"), e.param(), e.getMessage(), e.retryAfter());
      default -> error(502, "upstream_error", "api_error", "upstream_error", e.param(), e.getMessage());
    };
  }

  private static HttpError error(int status, String openAiType, String anthropicType, String code,
                                 Optional<String> param, String message) {
    return new HttpError(status, openAiType, anthropicType, Optional.of(code), param, message, Optional.empty());
  }
}
