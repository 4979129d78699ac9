package dev.tollgate.tenancy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminRole;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.web.JsonBody;
import dev.tollgate.web.Pages;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/orgs}, {@code /api/v1/projects}, {@code /api/v1/users} and their roles. Everything is
 * scoped: objects outside the caller's scope answer 404, changes need owner/admin (members and viewers get
 * 403), and every change is audited with its before and after.
 */
public final class TenancyRoutes {
  private final TenancyService tenancy;
  private final KeyService keys;
  private final Audit audit;

  public TenancyRoutes(TenancyService tenancy, KeyService keys, Audit audit) {
    this.tenancy = tenancy;
    this.keys = keys;
    this.audit = audit;
  }

  public void register(Router router) {
    router.get("/api/v1/orgs").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      Web.json(ctx, 200, Pages.list(ctx, tenancy.orgs().stream().filter(o -> tenancy.visible(scope, o)).toList(),
          o -> Pages.key(o.createdAt(), o.id()), TenancyRoutes::render));
    });
    router.post("/api/v1/orgs").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      JsonBody body = JsonBody.parse(ctx, Set.of("name"));
      String name = body.requiredString("name", TenancyService.MAX_NAME);
      Web.blocking(ctx, 201, () -> {
        ObjectNode out = render(tenancy.createOrg(scope, name));
        audit.record(ctx, "org.create", "org", out.get("id").asText(), Optional.empty(), Optional.of(out));
        return out;
      });
    });
    router.get("/api/v1/orgs/:id").handler(ctx ->
        Web.json(ctx, 200, render(tenancy.visibleOrg(AdminScope.of(ctx), ctx.pathParam("id")))));
    router.patch("/api/v1/orgs/:id").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      Org before = tenancy.visibleOrg(scope, ctx.pathParam("id"));
      JsonBody body = JsonBody.parse(ctx, Set.of("name"));
      String name = body.requiredString("name", TenancyService.MAX_NAME);
      Web.blocking(ctx, 200, () -> {
        ObjectNode out = render(tenancy.renameOrg(scope, before.id(), name));
        audit.record(ctx, "org.update", "org", before.id(), Optional.of(render(before)), Optional.of(out));
        return out;
      });
    });
    router.delete("/api/v1/orgs/:id").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      String id = ctx.pathParam("id");
      Web.blocking(ctx, 200, () -> {
        ObjectNode out = render(tenancy.deleteOrg(scope, id)).put("deleted", true);
        audit.record(ctx, "org.delete", "org", id, Optional.of(out), Optional.empty());
        return out;
      });
    });

    router.get("/api/v1/projects").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      Optional<String> org = Pages.param(ctx, "org_id");
      Web.json(ctx, 200, Pages.list(ctx, tenancy.projects().stream().filter(p -> tenancy.visible(scope, p))
          .filter(p -> org.isEmpty() || org.get().equals(p.orgId())).toList(), p -> Pages.key(p.createdAt(), p.id()),
          TenancyRoutes::render));
    });
    router.post("/api/v1/projects").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      JsonBody body = JsonBody.parse(ctx, Set.of("name", "org_id"));
      String name = body.requiredString("name", TenancyService.MAX_NAME);
      String org = body.string("org_id", 100).or(scope::orgId).orElseThrow(() -> new InvalidRequestException("org_id",
          "org_id: <missing> (expected: the org of the new project)", "missing_required_parameter"));
      Web.blocking(ctx, 201, () -> {
        ObjectNode out = render(tenancy.createProject(scope, org, name));
        audit.record(ctx, "project.create", "project", out.get("id").asText(), Optional.empty(), Optional.of(out));
        return out;
      });
    });
    router.get("/api/v1/projects/:id").handler(ctx ->
        Web.json(ctx, 200, render(tenancy.visibleProject(AdminScope.of(ctx), ctx.pathParam("id")))));
    router.patch("/api/v1/projects/:id").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      Project before = tenancy.visibleProject(scope, ctx.pathParam("id"));
      JsonBody body = JsonBody.parse(ctx, Set.of("name"));
      String name = body.requiredString("name", TenancyService.MAX_NAME);
      Web.blocking(ctx, 200, () -> {
        ObjectNode out = render(tenancy.renameProject(scope, before.id(), name));
        audit.record(ctx, "project.update", "project", before.id(), Optional.of(render(before)), Optional.of(out));
        return out;
      });
    });
    router.delete("/api/v1/projects/:id").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      String id = ctx.pathParam("id");
      Web.blocking(ctx, 200, () -> {
        ObjectNode out = render(tenancy.deleteProject(scope, id, keys)).put("deleted", true);
        audit.record(ctx, "project.delete", "project", id, Optional.of(out), Optional.empty());
        return out;
      });
    });

    router.get("/api/v1/users").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      Web.json(ctx, 200, Pages.list(ctx, tenancy.users().stream().filter(u -> tenancy.visible(scope, u)).toList(),
          u -> Pages.key(u.createdAt(), u.id()), u -> render(scope, u)));
    });
    router.post("/api/v1/users").handler(this::createUser);
    router.get("/api/v1/users/:id").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      Web.json(ctx, 200, render(scope, tenancy.visibleUser(scope, ctx.pathParam("id"))));
    });
    router.patch("/api/v1/users/:id").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      User before = tenancy.visibleUser(scope, ctx.pathParam("id"));
      JsonBody body = JsonBody.parse(ctx, Set.of("name", "password", "disabled"));
      if (body.isEmpty()) {
        throw new InvalidRequestException(null, "nothing to change (expected: name, password or disabled)");
      }
      Optional<String> name = body.string("name", TenancyService.MAX_NAME);
      Optional<String> password = body.string("password", PasswordHasher.MAX_LENGTH);
      Optional<Boolean> disabled = body.bool("disabled");
      changeUser(ctx, scope, before, name, password, disabled, "user.update");
    });
    router.delete("/api/v1/users/:id").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      User before = tenancy.visibleUser(scope, ctx.pathParam("id"));
      changeUser(ctx, scope, before, Optional.empty(), Optional.empty(), Optional.of(true), "user.disable");
    });
    router.post("/api/v1/users/:id/roles").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      User user = tenancy.visibleUser(scope, ctx.pathParam("id"));
      RoleGrant grant = grant(JsonBody.parse(ctx, Set.of("role", "org_id", "project_id")));
      ObjectNode before = render(scope, user);
      Web.blocking(ctx, 201, () -> {
        Membership m = tenancy.grant(scope, user.id(), grant);
        audit.record(ctx, "user.role.grant", "user", user.id(), m.orgId(), m.projectId(), Optional.of(before),
            Optional.of(render(scope, user)));
        return render(m);
      });
    });
    router.delete("/api/v1/users/:id/roles/:roleId").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      User user = tenancy.visibleUser(scope, ctx.pathParam("id"));
      String roleId = ctx.pathParam("roleId");
      ObjectNode before = render(scope, user);
      Web.blocking(ctx, 200, () -> {
        Membership m = tenancy.revokeRole(scope, user.id(), roleId);
        audit.record(ctx, "user.role.revoke", "user", user.id(), m.orgId(), m.projectId(), Optional.of(before),
            Optional.of(render(scope, user)));
        return render(m).put("deleted", true);
      });
    });
  }

  private void changeUser(RoutingContext ctx, AdminScope scope, User before, Optional<String> name, Optional<String> password,
                          Optional<Boolean> disabled, String action) {
    Web.blocking(ctx, 200, () -> {
      User after = tenancy.updateUser(scope, before.id(), name, password, disabled);
      ObjectNode out = render(scope, after);
      Optional<Membership> where = tenancy.memberships(before.id()).stream().filter(m -> tenancy.visible(scope, m)).findFirst();
      ObjectNode auditedAfter = out.deepCopy();
      if (password.isPresent()) {
        auditedAfter.put("password", "changed"); // the fact, never the value
      }
      audit.record(ctx, action, "user", before.id(), where.flatMap(Membership::orgId),
          scope.projectId().or(() -> where.flatMap(Membership::projectId)), Optional.of(render(scope, before)),
          Optional.of(auditedAfter));
      return out;
    });
  }

  private void createUser(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    JsonBody body = JsonBody.parse(ctx, Set.of("email", "name", "password", "roles"));
    String email = body.requiredString("email", TenancyService.MAX_EMAIL);
    String name = body.string("name", TenancyService.MAX_NAME).orElse(email);
    String password = body.requiredString("password", PasswordHasher.MAX_LENGTH);
    List<RoleGrant> roles = new ArrayList<>();
    var raw = body.raw("roles");
    if (raw.isMissingNode() || raw.isNull()) {
      throw new InvalidRequestException("roles", "roles: <missing> (expected: an array of {role, org_id?, project_id?})");
    }
    if (!raw.isArray() || raw.size() > 100) {
      throw new InvalidRequestException("roles", "roles: " + raw + " (expected: an array of at most 100 {role, org_id?, project_id?})");
    }
    for (var r : raw) {
      if (!r.isObject()) {
        throw new InvalidRequestException("roles", "roles: " + r + " (expected: objects {role, org_id?, project_id?})");
      }
      roles.add(grant(r));
    }
    Web.blocking(ctx, 201, () -> {
      User u = tenancy.createUser(scope, email, name, password, roles);
      ObjectNode out = render(scope, u);
      Optional<Membership> first = tenancy.memberships(u.id()).stream().findFirst();
      audit.record(ctx, "user.create", "user", u.id(), first.flatMap(Membership::orgId), first.flatMap(Membership::projectId),
          Optional.empty(), Optional.of(out));
      return out;
    });
  }

  private static RoleGrant grant(JsonBody body) {
    return new RoleGrant(AdminRole.parse("role", body.requiredString("role", 20)), body.string("org_id", 100),
        body.string("project_id", 100));
  }

  private static RoleGrant grant(com.fasterxml.jackson.databind.JsonNode r) {
    for (var it = r.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("role", "org_id", "project_id").contains(f)) {
        throw new InvalidRequestException("roles", "roles: unknown field '" + f + "' (expected: role, org_id, project_id)", "unknown_field");
      }
    }
    if (!r.path("role").isTextual()) {
      throw new InvalidRequestException("roles", "roles[].role: " + r.path("role") + " (expected: owner, admin, member or viewer)");
    }
    for (String f : List.of("org_id", "project_id")) {
      if (r.has(f) && !r.get(f).isNull() && (!r.get(f).isTextual() || r.get(f).asText().length() > 100)) {
        throw new InvalidRequestException("roles", "roles[]." + f + ": " + r.get(f) + " (expected: an id string)");
      }
    }
    return new RoleGrant(AdminRole.parse("roles", r.get("role").asText()), text(r, "org_id"), text(r, "project_id"));
  }

  private static Optional<String> text(com.fasterxml.jackson.databind.JsonNode r, String f) {
    return r.hasNonNull(f) ? Optional.of(r.get(f).asText()) : Optional.empty();
  }

  static ObjectNode render(Org o) {
    return Json.object().put("id", o.id()).put("object", "org").put("name", o.name()).put("created_at", o.createdAt().toString());
  }

  static ObjectNode render(Project p) {
    return Json.object().put("id", p.id()).put("object", "project").put("org_id", p.orgId()).put("name", p.name())
        .put("created_at", p.createdAt().toString());
  }

  static ObjectNode render(Membership m) {
    ObjectNode o = Json.object().put("id", m.id()).put("object", "role").put("user_id", m.userId()).put("role", m.role().wire());
    m.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    m.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    return o.put("created_at", m.createdAt().toString());
  }

  /** A user as the caller sees them: only the roles inside the caller's scope; never the password hash. */
  ObjectNode render(AdminScope scope, User u) {
    ObjectNode o = Json.object().put("id", u.id()).put("object", "user").put("email", u.email()).put("name", u.name())
        .put("created_at", u.createdAt().toString());
    u.disabledAt().ifPresentOrElse(t -> o.put("disabled_at", t.toString()), () -> o.putNull("disabled_at"));
    ArrayNode roles = o.putArray("roles");
    tenancy.memberships(u.id()).stream().filter(m -> tenancy.visible(scope, m)).forEach(m -> roles.add(render(m)));
    return o;
  }
}
