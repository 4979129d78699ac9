package dev.tollgate.web;

import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.PermissionDeniedException;
import io.vertx.ext.web.Router;

/** Every {@code /api/v1} route needs the master key (roles and per-org admins arrive with tenancy). */
public final class AdminGuard {
  private AdminGuard() {}

  public static void register(Router router, KeyService keys) {
    router.route("/api/v1/*").handler(ctx -> {
      ApiKey key = keys.authenticate(Web.bearer(ctx));
      if (key.role() != ApiKey.Role.MASTER) {
        throw PermissionDeniedException.adminOnly();
      }
      ctx.put(AdminScope.CONTEXT_KEY, AdminScope.everything(key.id()));
      ctx.next();
    });
  }
}
