package dev.tollgate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The append-only record of every change made through the admin API. Every handler that changes
 * state calls {@link #record} once the change is stored; who, when and from where come from the request
 * (its {@link dev.tollgate.auth.AdminScope} and remote address).
 */
public interface Audit {

  /**
   * @param action what was done, e.g. {@code key.create}, {@code budget.update}
   * @param targetType the kind of object changed, e.g. {@code key}, {@code budget}
   * @param targetId the id of the object changed
   * @param before the object before the change (empty for a creation); never holds a secret
   * @param after the object after the change (empty for a deletion); never holds a secret
   */
  void record(RoutingContext ctx, String action, String targetType, String targetId, Optional<JsonNode> before,
              Optional<JsonNode> after);

  /** Records nothing (until the audit log is wired in). */
  Audit NONE = (ctx, action, targetType, targetId, before, after) -> {};
}
