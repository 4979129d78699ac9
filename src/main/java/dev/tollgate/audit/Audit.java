package dev.tollgate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The append-only record of every change made through the admin API. Every handler that changes
 * state calls {@link #record} once the change is stored; who, when and from where come from the request
 * (its {@link dev.tollgate.auth.AdminScope} and remote address). Recording may block (a store write):
 * call it from the worker thread that stored the change; called on an event loop it moves the write off it.
 */
public interface Audit {

  /**
   * The org and project of the change are taken from {@code after} (else {@code before}): their
   * {@code org_id} and {@code project_id} fields, or {@code id} when the target is an org; failing that,
   * the caller's own org and project. Use {@link #record(RoutingContext, String, String, String, Optional,
   * Optional, Optional, Optional)} to name them.
   *
   * @param action what was done, e.g. {@code key.create}, {@code budget.update}
   * @param targetType the kind of object changed, e.g. {@code key}, {@code budget}
   * @param targetId the id of the object changed
   * @param before the object before the change (empty for a creation); never holds a secret
   * @param after the object after the change (empty for a deletion); never holds a secret
   */
  void record(RoutingContext ctx, String action, String targetType, String targetId, Optional<JsonNode> before,
              Optional<JsonNode> after);

  /**
   * As {@link #record(RoutingContext, String, String, String, Optional, Optional)}, with the org and project
   * the change belongs to (both empty: the whole gateway); the audit log shows it to callers of that scope.
   */
  default void record(RoutingContext ctx, String action, String targetType, String targetId, Optional<String> orgId,
                      Optional<String> projectId, Optional<JsonNode> before, Optional<JsonNode> after) {
    record(ctx, action, targetType, targetId, before, after);
  }

  /** Records nothing (tests of single features). */
  Audit NONE = (ctx, action, targetType, targetId, before, after) -> {};
}
