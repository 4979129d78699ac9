package dev.tollgate.tenancy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.Json;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.web.JsonBody;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/auth}: log in with email and password for a session token, see who you are, change your
 * password, log out; and, for global admins, the session signing keys and their rotation.
 * {@code POST /api/v1/auth/login} is the one admin route that needs no credentials.
 */
public final class AuthRoutes {
  public static final String LOGIN_PATH = "/api/v1/auth/login";
  /** Where {@code web/AdminGuard} leaves the verified session (logout revokes it). */
  public static final String CLAIMS_KEY = "tollgate.session";

  private final TenancyService tenancy;
  private final Sessions sessions;
  private final Audit audit;
  private final LoginThrottle throttle;
  private final java.time.Clock clock;

  public AuthRoutes(TenancyService tenancy, Sessions sessions, Audit audit, LoginThrottle throttle, java.time.Clock clock) {
    this.tenancy = tenancy;
    this.sessions = sessions;
    this.audit = audit;
    this.throttle = throttle;
    this.clock = clock;
  }

  public void register(Router router) {
    router.post(LOGIN_PATH).handler(this::login);
    router.post("/api/v1/auth/logout").handler(ctx -> {
      Sessions.Claims claims = session(ctx);
      Web.blocking(ctx, 200, () -> {
        sessions.revoke(claims);
        audit.record(ctx, "session.logout", "session", claims.jti(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());
        return Json.object().put("object", "logout").put("revoked", true);
      });
    });
    router.get("/api/v1/auth/me").handler(this::me);
    router.post("/api/v1/auth/password").handler(ctx -> {
      Sessions.Claims claims = session(ctx);
      JsonBody body = JsonBody.parse(ctx, Set.of("current_password", "new_password"));
      String current = body.requiredString("current_password", PasswordHasher.MAX_LENGTH);
      String fresh = body.requiredString("new_password", PasswordHasher.MAX_LENGTH);
      TenancyService.checkPassword("new_password", fresh);
      Web.blocking(ctx, 200, () -> {
        User u = tenancy.changePassword(claims.userId(), current, fresh);
        audit.record(ctx, "user.password", "user", u.id(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.of(Json.object().put("password", "changed")));
        return Json.object().put("object", "password").put("changed", true);
      });
    });
    router.get("/api/v1/auth/signing-keys").handler(ctx -> {
      AdminScope.of(ctx).requireGlobal();
      Web.json(ctx, 200, dev.tollgate.web.Pages.list(ctx, sessions.signingKeys().reversed(),
          k -> dev.tollgate.web.Pages.key(k.createdAt(), k.kid()), AuthRoutes::render));
    });
    router.post("/api/v1/auth/signing-keys/rotate").handler(ctx -> {
      AdminScope.of(ctx).requireGlobal();
      Web.blocking(ctx, 201, () -> {
        ObjectNode out = render(sessions.rotate());
        audit.record(ctx, "signing_key.rotate", "signing_key", out.get("kid").asText(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.of(out));
        return out;
      });
    });
  }

  private void login(RoutingContext ctx) {
    JsonBody body = JsonBody.parse(ctx, Set.of("email", "password"));
    String email = body.requiredString("email", TenancyService.MAX_EMAIL);
    String password = body.requiredString("password", PasswordHasher.MAX_LENGTH);
    throttle.admit(email, ctx.request().remoteAddress().hostAddress(), clock.instant()).onComplete(admitted -> {
      if (admitted.failed()) {
        ctx.fail(admitted.cause());
        return;
      }
      Web.blocking(ctx, 200, () -> { // Argon2 takes tens of milliseconds: off the event loop
        User u = tenancy.login(email, password);
        Sessions.Issued issued = sessions.issue(u.id());
        ObjectNode out = Json.object().put("object", "session").put("token", issued.token()).put("token_type", "Bearer")
            .put("expires_at", issued.expiresAt().toString());
        out.set("user", user(u));
        return out;
      });
    });
  }

  private void me(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    ObjectNode out = Json.object().put("object", "me").put("actor", scope.actor());
    ObjectNode s = out.putObject("scope");
    scope.orgId().ifPresentOrElse(v -> s.put("org_id", v), () -> s.putNull("org_id"));
    scope.projectId().ifPresentOrElse(v -> s.put("project_id", v), () -> s.putNull("project_id"));
    s.put("role", scope.role().wire()).put("global", scope.isGlobal()).put("may_write", scope.mayWrite());
    if (scope.actor().equals(KeyService.MASTER_ID)) {
      out.putNull("user");
    } else {
      tenancy.user(scope.actor()).ifPresentOrElse(u -> out.set("user", user(u)), () -> out.putNull("user"));
    }
    Web.json(ctx, 200, out);
  }

  /** The user with every role they hold (it is the user asking about themselves). */
  private ObjectNode user(User u) {
    ObjectNode o = Json.object().put("id", u.id()).put("email", u.email()).put("name", u.name());
    ArrayNode roles = o.putArray("roles");
    tenancy.memberships(u.id()).forEach(m -> roles.add(TenancyRoutes.render(m)));
    return o;
  }

  private static Sessions.Claims session(RoutingContext ctx) {
    Sessions.Claims claims = ctx.get(CLAIMS_KEY);
    if (claims == null) {
      throw new PermissionDeniedException("session_required", "this needs a user's session token, not the master key");
    }
    return claims;
  }

  private static ObjectNode render(TenancyStore.SigningKey k) {
    ObjectNode o = Json.object().put("kid", k.kid()).put("object", "signing_key").put("created_at", k.createdAt().toString());
    k.retireAt().ifPresentOrElse(t -> o.put("retire_at", t.toString()), () -> o.putNull("retire_at"));
    return o.put("current", k.retireAt().isEmpty());
  }
}
