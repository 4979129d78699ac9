package dev.tollgate.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.KeyService;
import dev.tollgate.web.Web;
import io.vertx.core.Context;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Audit} for real: one row per change in the {@link AuditStore}. */
public final class AuditLog implements Audit {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  private final AuditStore store;
  private final Clock clock;
  private final Function<String, Optional<String>> emailOf;

  /** @param emailOf a user id's email, written beside the id so the log reads well after a user is gone */
  public AuditLog(AuditStore store, Clock clock, Function<String, Optional<String>> emailOf) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.emailOf = requireNonNull(emailOf, "emailOf");
  }

  public AuditStore store() {
    return store;
  }

  @Override
  public void record(RoutingContext ctx, String action, String targetType, String targetId, Optional<JsonNode> before,
                     Optional<JsonNode> after) {
    Optional<JsonNode> source = after.or(() -> before);
    Optional<String> org = targetType.equals("org") ? Optional.of(targetId) : source.flatMap(n -> text(n, "org_id"));
    Optional<String> project = targetType.equals("project") && org.isPresent() ? Optional.of(targetId)
        : source.flatMap(n -> text(n, "project_id"));
    if (org.isEmpty()) {
      AdminScope scope = ctx.get(AdminScope.CONTEXT_KEY);
      if (scope != null) {
        org = scope.orgId();
        project = scope.projectId();
      }
    }
    record(ctx, action, targetType, targetId, org, project, before, after);
  }

  @Override
  public void record(RoutingContext ctx, String action, String targetType, String targetId, Optional<String> orgId,
                     Optional<String> projectId, Optional<JsonNode> before, Optional<JsonNode> after) {
    AdminScope scope = ctx.get(AdminScope.CONTEXT_KEY);
    String actor = scope == null ? "anonymous" : scope.actor();
    Optional<String> email = actor.equals(KeyService.MASTER_ID) ? Optional.empty() : emailOf.apply(actor);
    SocketAddress remote = ctx.request().remoteAddress();
    AuditEntry entry = new AuditEntry(0, clock.instant(), actor, email, orgId, projectId.filter(p -> orgId.isPresent()),
        action, targetType, targetId, before, after, Optional.ofNullable(remote).map(SocketAddress::hostAddress),
        Optional.of(Web.requestId(ctx)));
    if (Context.isOnEventLoopThread()) {
      ctx.vertx().executeBlocking(() -> store.append(entry), true)
          .onFailure(e -> log.error("audit entry {} {} {} was NOT recorded: {}", action, targetType, targetId, e.toString()));
    } else {
      store.append(entry);
    }
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }
}
