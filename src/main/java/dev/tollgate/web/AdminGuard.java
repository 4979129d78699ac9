package dev.tollgate.web;

import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.tenancy.AuthRoutes;
import dev.tollgate.tenancy.Sessions;
import dev.tollgate.tenancy.TenancyService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code /api/v1} route (but login and the OpenAPI document) needs the master key or a user's
 * session token, and gets the {@link AdminScope} the rest of the admin API narrows by:
 *
 * <ul>
 *   <li>the master key: everything ({@code AdminScope.everything("master")});</li>
 *   <li>a session token (a JWT from {@code POST /api/v1/auth/login}): the user's strongest role on the org
 *       and project the request picks with {@code x-tollgate-org} / {@code x-tollgate-project} (either may be
 *       left out when the user's roles make it unambiguous; see {@link TenancyService#scopeFor});</li>
 *   <li>a virtual API key: 403 {@code admin_required}, always: keys call models, they never administer.</li>
 * </ul>
 */
public final class AdminGuard {
  public static final String ORG_HEADER = "x-tollgate-org";
  public static final String PROJECT_HEADER = "x-tollgate-project";
  static final Set<String> PUBLIC = Set.of(AuthRoutes.LOGIN_PATH, OpenApi.PATH);

  private AdminGuard() {}

  public static void register(Router router, KeyService keys, Sessions sessions, TenancyService tenancy) {
    router.route("/api/v1/*").handler(ctx -> {
      if (PUBLIC.contains(ctx.normalizedPath())) {
        ctx.next();
        return;
      }
      Optional<String> credential = Web.bearer(ctx);
      if (credential.isPresent() && Sessions.looksLikeToken(credential.get())) {
        Sessions.Claims claims = sessions.verify(credential.get());
        tenancy.checkSession(claims.userId(), claims.issuedAt());
        AdminScope scope = tenancy.scopeFor(claims.userId(), header(ctx, ORG_HEADER), header(ctx, PROJECT_HEADER));
        ctx.put(AuthRoutes.CLAIMS_KEY, claims);
        ctx.put(AdminScope.CONTEXT_KEY, scope);
        ctx.next();
        return;
      }
      ApiKey key = keys.authenticate(credential);
      if (key.role() != ApiKey.Role.MASTER) {
        throw PermissionDeniedException.adminOnly();
      }
      ctx.put(AdminScope.CONTEXT_KEY, AdminScope.everything(key.id()));
      ctx.next();
    });
  }

  private static Optional<String> header(RoutingContext ctx, String name) {
    String v = ctx.request().getHeader(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }
}
