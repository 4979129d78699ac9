package dev.tollgate.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.tenancy.Project;
import dev.tollgate.tenancy.TenancyService;
import dev.tollgate.web.JsonBody;
import dev.tollgate.web.Pages;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code /api/v1/keys}: create (the secret is in this one response only), list, get, change, rotate, revoke.
 * Every key belongs to a project; callers see and change only the keys of their scope (others are 404),
 * and need at least the member role to change one.
 */
public final class KeyRoutes {
  static final Set<String> CREATE_FIELDS = Set.of("name", "project_id", "models", "expires_at", "rpm_limit", "tpm_limit",
      "metadata", "tags");
  static final Set<String> PATCH_FIELDS = Set.of("name", "models", "expires_at", "rpm_limit", "tpm_limit", "metadata", "tags");
  static final long MAX_RATE = 1_000_000_000L;

  private final KeyService keys;
  private final TenancyService tenancy;
  private final Audit audit;
  private final Duration defaultGrace;
  private final Clock clock;

  public KeyRoutes(KeyService keys, TenancyService tenancy, Audit audit, Duration defaultGrace, Clock clock) {
    this.keys = keys;
    this.tenancy = tenancy;
    this.audit = audit;
    this.defaultGrace = defaultGrace;
    this.clock = clock;
  }

  public void register(Router router) {
    router.post("/api/v1/keys").handler(this::create);
    router.get("/api/v1/keys").handler(this::list);
    router.get("/api/v1/keys/:id").handler(ctx -> Web.json(ctx, 200, render(visible(ctx, ctx.pathParam("id")))));
    router.patch("/api/v1/keys/:id").handler(this::update);
    router.post("/api/v1/keys/:id/rotate").handler(this::rotate);
    router.post("/api/v1/keys/:id/revoke").handler(this::revoke);
    router.delete("/api/v1/keys/:id").handler(this::revoke);
  }

  /** The key if the caller's scope covers it; 404 otherwise (another tenant's key does not exist for the caller). */
  private ApiKey visible(RoutingContext ctx, String id) {
    AdminScope scope = AdminScope.of(ctx);
    return keys.find(id).filter(k -> scope.isGlobal() || (k.role() == ApiKey.Role.VIRTUAL && scope.covers(k.orgId(), k.projectId())))
        .orElseThrow(() -> new NotFoundException("key", id));
  }

  private void list(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    Optional<String> project = Pages.param(ctx, "project_id");
    Optional<String> org = Pages.param(ctx, "org_id");
    Optional<String> status = Pages.param(ctx, "status");
    status.ifPresent(s -> {
      if (!Set.of("active", "revoked", "expired").contains(s)) {
        throw new InvalidRequestException("status", "status: '" + s + "' (expected: active, revoked or expired)");
      }
    });
    Optional<String> name = Pages.param(ctx, "name");
    Optional<String> tag = Pages.param(ctx, "tag");
    List<ApiKey> all = keys.list().stream()
        .filter(k -> scope.isGlobal() || (k.role() == ApiKey.Role.VIRTUAL && scope.covers(k.orgId(), k.projectId())))
        .filter(k -> project.isEmpty() || k.projectId().equals(project))
        .filter(k -> org.isEmpty() || k.orgId().equals(org))
        .filter(k -> status.isEmpty() || status.get().equals(status(k)))
        .filter(k -> name.isEmpty() || k.name().equals(name.get()))
        .filter(k -> tag.isEmpty() || k.tags().contains(tag.get()))
        .toList();
    Web.json(ctx, 200, Pages.list(ctx, all, k -> Pages.key(k.createdAt(), k.id()), this::render));
  }

  private void create(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    JsonBody body = JsonBody.parse(ctx, CREATE_FIELDS);
    if (!body.raw("name").isTextual() || body.raw("name").asText().isBlank()) {
      throw new InvalidRequestException("name", "name: " + (body.has("name") ? body.raw("name").toString() : "<missing>")
          + " (expected: a string of 1.." + KeyService.MAX_NAME + " characters)");
    }
    String name = body.requiredString("name", KeyService.MAX_NAME);
    Set<String> models = new LinkedHashSet<>(body.strings("models", 256, 256).orElse(List.of()));
    Optional<Instant> expires = body.instant("expires_at").flatMap(x -> x);
    OptionalLong rpm = body.optionalLong("rpm_limit", 1, MAX_RATE).orElse(OptionalLong.empty());
    OptionalLong tpm = body.optionalLong("tpm_limit", 1, MAX_RATE).orElse(OptionalLong.empty());
    Map<String, String> metadata = body.stringMap("metadata", 32, 64, 512).orElse(Map.of());
    List<String> tags = body.strings("tags", 32, 128).orElse(List.of());
    scope.requireKeyWrite();
    Project project = projectFor(scope, body.string("project_id", 100));
    KeyService.NewKey spec = new KeyService.NewKey(name, project.orgId(), project.id(), models, expires, rpm, tpm, metadata,
        tags, Optional.of(scope.actor()));
    Web.blocking(ctx, 201, () -> {
      KeyService.CreatedKey created = keys.create(spec);
      ObjectNode out = render(created.key());
      audit.record(ctx, "key.create", "key", created.key().id(), Optional.empty(), Optional.of(out.deepCopy()));
      return out.put("key", created.secret());
    });
  }

  /**
   * The project a new key goes to: the one named (if the caller sees it), else the caller's own project,
   * else the default project for a global caller, else the org's only project.
   */
  private Project projectFor(AdminScope scope, Optional<String> named) {
    if (named.isPresent()) {
      return tenancy.visibleProject(scope, named.get());
    }
    if (scope.projectId().isPresent()) {
      return tenancy.visibleProject(scope, scope.projectId().get());
    }
    if (scope.isGlobal()) {
      return tenancy.project(KeyService.DEFAULT_PROJECT_ID)
          .orElseThrow(() -> new InvalidRequestException("project_id", "project_id: <missing> (expected: the project of the key)"));
    }
    List<Project> mine = tenancy.projects().stream().filter(p -> tenancy.visible(scope, p)).toList();
    if (mine.size() != 1) {
      throw new InvalidRequestException("project_id", "project_id: <missing> (expected: one of the org's "
          + mine.size() + " projects)", "missing_required_parameter");
    }
    return mine.getFirst();
  }

  private void update(RoutingContext ctx) {
    ApiKey old = visible(ctx, ctx.pathParam("id"));
    AdminScope scope = AdminScope.of(ctx);
    JsonBody body = JsonBody.parse(ctx, PATCH_FIELDS);
    if (body.isEmpty()) {
      throw new InvalidRequestException(null, "nothing to change (expected: one of " + PATCH_FIELDS + ")");
    }
    Optional<String> name = body.string("name", KeyService.MAX_NAME);
    Optional<List<String>> models = body.strings("models", 256, 256);
    Optional<Optional<Instant>> expires = body.instant("expires_at");
    Optional<OptionalLong> rpm = body.optionalLong("rpm_limit", 1, MAX_RATE);
    Optional<OptionalLong> tpm = body.optionalLong("tpm_limit", 1, MAX_RATE);
    Optional<Map<String, String>> metadata = body.stringMap("metadata", 32, 64, 512);
    Optional<List<String>> tags = body.strings("tags", 32, 128);
    scope.requireKeyWrite();
    ObjectNode before = render(old);
    Web.blocking(ctx, 200, () -> {
      ApiKey changed = keys.update(old.id(), k -> k.edited(name.orElse(k.name()),
          models.<Set<String>>map(LinkedHashSet::new).orElse(k.allowedModels()), expires.orElse(k.expiresAt()),
          rpm.orElse(k.rpmLimit()), tpm.orElse(k.tpmLimit()), metadata.orElse(k.metadata()), tags.orElse(k.tags())));
      ObjectNode out = render(changed);
      audit.record(ctx, "key.update", "key", old.id(), Optional.of(before), Optional.of(out));
      return out;
    });
  }

  private void rotate(RoutingContext ctx) {
    ApiKey old = visible(ctx, ctx.pathParam("id"));
    AdminScope scope = AdminScope.of(ctx);
    JsonBody body = JsonBody.parse(ctx, Set.of("grace_seconds"));
    Duration grace = body.optionalLong("grace_seconds", 0, Duration.ofDays(90).toSeconds()).orElse(OptionalLong.empty())
        .stream().mapToObj(Duration::ofSeconds).findFirst().orElse(defaultGrace);
    scope.requireKeyWrite();
    ObjectNode before = render(old);
    Web.blocking(ctx, 201, () -> {
      KeyService.CreatedKey created = keys.rotate(old.id(), grace, Optional.of(scope.actor()));
      ObjectNode fresh = render(created.key());
      ObjectNode replaced = render(keys.find(old.id()).orElseThrow());
      audit.record(ctx, "key.rotate", "key", old.id(), Optional.of(before), Optional.of(replaced));
      audit.record(ctx, "key.create", "key", created.key().id(), Optional.empty(), Optional.of(fresh.deepCopy()));
      fresh.put("key", created.secret());
      fresh.set("replaces", replaced);
      return fresh;
    });
  }

  private void revoke(RoutingContext ctx) {
    ApiKey old = visible(ctx, ctx.pathParam("id"));
    AdminScope.of(ctx).requireKeyWrite();
    ObjectNode before = render(old);
    Web.blocking(ctx, 200, () -> {
      ObjectNode out = render(keys.revoke(old.id()));
      audit.record(ctx, "key.revoke", "key", old.id(), Optional.of(before), Optional.of(out));
      return out;
    });
  }

  private String status(ApiKey k) {
    return k.revokedAt().isPresent() ? "revoked"
        : k.expiresAt().filter(t -> !t.isAfter(clock.instant())).isPresent() ? "expired" : "active";
  }

  ObjectNode render(ApiKey k) {
    ObjectNode o = Json.object();
    o.put("id", k.id()).put("object", "api_key").put("name", k.name()).put("key_hint", k.displayHint())
        .put("role", k.role().name().toLowerCase(Locale.ROOT));
    k.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    k.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    ArrayNode models = o.putArray("models");
    k.allowedModels().stream().sorted().forEach(models::add);
    o.put("created_at", k.createdAt().toString());
    k.createdBy().ifPresentOrElse(v -> o.put("created_by", v), () -> o.putNull("created_by"));
    k.expiresAt().ifPresentOrElse(t -> o.put("expires_at", t.toString()), () -> o.putNull("expires_at"));
    k.revokedAt().ifPresentOrElse(t -> o.put("revoked_at", t.toString()), () -> o.putNull("revoked_at"));
    k.lastUsedAt().ifPresentOrElse(t -> o.put("last_used_at", t.toString()), () -> o.putNull("last_used_at"));
    k.replacedBy().ifPresentOrElse(v -> o.put("replaced_by", v), () -> o.putNull("replaced_by"));
    k.rpmLimit().ifPresentOrElse(v -> o.put("rpm_limit", v), () -> o.putNull("rpm_limit"));
    k.tpmLimit().ifPresentOrElse(v -> o.put("tpm_limit", v), () -> o.putNull("tpm_limit"));
    ObjectNode meta = o.putObject("metadata");
    k.metadata().forEach(meta::put);
    ArrayNode tags = o.putArray("tags");
    k.tags().forEach(tags::add);
    o.put("status", status(k));
    return o;
  }
}
