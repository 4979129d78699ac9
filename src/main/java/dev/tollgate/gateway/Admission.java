package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.providers.Operation;
import dev.tollgate.usage.UsageRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The admission stage of the request path: rate limits and budgets. The gateway asks once per request,
 * after authentication and validation and before any upstream call; a refusal is a failed future
 * carrying a {@link dev.tollgate.common.TollgateException} (429 with {@code Retry-After}). The answer is
 * asynchronous because in cluster mode the counters live in Redis.
 *
 * <p>The gateway's side of the contract: it sends {@link Ticket#headers()} with the answer, routes to
 * {@link Ticket#downgradeTo()} when present, caps the request's output tokens at
 * {@link Ticket#maxOutputTokens()} when present (so a stream that would cross a hard budget is stopped
 * by the provider exactly there), passes every ledger row of the request, each attempt included, to
 * {@link Ticket#charge}, and calls {@link Ticket#close()} exactly once when the request is over.
 */
public interface Admission {

  Future<Ticket> admit(Request request);

  /** Admits everything and limits nothing: the default when no budgets or limits are configured. */
  Admission ALLOW_ALL = request -> Future.succeededFuture(Ticket.NONE);

  /**
   * What admission decides on.
   *
   * @param model the public model name requested
   * @param body the request body in the caller's dialect (OpenAI or Anthropic), for the token estimate
   */
  record Request(String requestId, Operation operation, String endpoint, String model, ObjectNode body, ApiKey key,
                 Optional<String> orgId, Optional<String> projectId, Optional<String> userId, List<String> tags,
                 Instant at) {
    public Request {
      requireNonNull(requestId, "requestId");
      requireNonNull(operation, "operation");
      requireNonNull(endpoint, "endpoint");
      requireNonNull(model, "model");
      requireNonNull(body, "body");
      requireNonNull(key, "key");
      requireNonNull(orgId, "orgId");
      requireNonNull(projectId, "projectId");
      requireNonNull(userId, "userId");
      tags = List.copyOf(tags);
      requireNonNull(at, "at");
    }
  }

  /** An admitted request: what it holds (reservations, counted requests) until it is closed. */
  interface Ticket {
    /** Response headers such as {@code x-ratelimit-remaining-requests}, sent with the answer. */
    default Map<String, String> headers() {
      return Map.of();
    }

    /** A cheaper model to serve instead, when a budget's action is {@code downgrade}. */
    default Optional<String> downgradeTo() {
      return Optional.empty();
    }

    /** The most output tokens the remaining budget pays for; empty when nothing limits them. */
    default OptionalLong maxOutputTokens() {
      return OptionalLong.empty();
    }

    /** One ledger row of this request (one attempt), as soon as it is produced. */
    default void charge(UsageRecord record) {}

    /** The request is over (answered, failed or abandoned): release whatever is still reserved. */
    default void close() {}

    Ticket NONE = new Ticket() {};
  }
}
