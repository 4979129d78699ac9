package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import dev.tollgate.auth.AdminRole;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.AuthenticationException;
import dev.tollgate.common.AuthenticationException.Reason;
import dev.tollgate.common.ConflictException;
import dev.tollgate.common.Ids;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.common.PermissionDeniedException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Orgs, projects, users and their roles. The whole model is small and held in memory (read on every admin
 * request to build the caller's scope), written through to the store under one lock; every check that can
 * fail runs before the first write, and multi-row changes are one store transaction, so a refused request
 * changes nothing.
 *
 * <p>Permission checks that depend on the caller ({@link AdminScope}) live here too, next to the data they
 * read, so the routes stay thin and the rules sit in one place (docs/tenancy.md has the table).
 */
public final class TenancyService {
  public static final String DEFAULT_ORG_ID = KeyService.DEFAULT_ORG_ID;
  public static final String DEFAULT_PROJECT_ID = KeyService.DEFAULT_PROJECT_ID;
  public static final int MAX_NAME = 200;
  public static final int MAX_EMAIL = 254;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

  private final TenancyStore store;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final Map<String, Org> orgs = new ConcurrentHashMap<>();
  private final Map<String, Project> projects = new ConcurrentHashMap<>();
  private final Map<String, User> users = new ConcurrentHashMap<>();
  private final Map<String, Membership> memberships = new ConcurrentHashMap<>();
  private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public TenancyService(TenancyStore store, PasswordHasher hasher, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.hasher = requireNonNull(hasher, "hasher");
    this.clock = requireNonNull(clock, "clock");
    reload();
  }

  /**
   * Re-reads orgs, projects, users and roles from the store (another replica changed them): new and
   * changed entries are put before missing ones are removed, so a reader never sees a gap. Blocking.
   */
  public synchronized void reload() {
    TenancyStore.Snapshot s = store.load();
    replace(orgs, s.orgs(), Org::id);
    replace(projects, s.projects(), Project::id);
    replace(users, s.users(), User::id);
    replace(memberships, s.memberships(), Membership::id);
  }

  private static <T> void replace(Map<String, T> into, List<T> fresh, java.util.function.Function<T, String> id) {
    Map<String, T> next = new java.util.HashMap<>();
    fresh.forEach(x -> next.put(id.apply(x), x));
    into.putAll(next);
    into.keySet().retainAll(next.keySet());
  }

  /** Calls {@code listener} after every change this service stores: how other replicas learn of it. */
  public void onChange(Runnable listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  private void changed() {
    changeListeners.forEach(Runnable::run);
  }

  /**
   * The {@code default} org and project, created on first start so that keys made without naming a project
   * (and keys made before tenancy existed) have a home.
   */
  public synchronized void ensureDefaults() {
    Instant now = clock.instant();
    boolean inserted = false;
    if (!orgs.containsKey(DEFAULT_ORG_ID)) {
      store.insertOrg(new Org(DEFAULT_ORG_ID, uniqueOrgName("default"), now));
      inserted = true;
    }
    if (!projects.containsKey(DEFAULT_PROJECT_ID)) {
      store.insertProject(new Project(DEFAULT_PROJECT_ID, DEFAULT_ORG_ID, "default", now));
      inserted = true;
    }
    if (inserted) {
      // the store's rows: a replica starting at the same moment may have created them first (the insert is a
      // no-op then, see PostgresTenancyStore)
      reload();
      changed();
    }
    store.adoptKeysWithoutProject(DEFAULT_ORG_ID, DEFAULT_PROJECT_ID);
  }

  private String uniqueOrgName(String name) {
    String candidate = name;
    for (int i = 2; orgByName(candidate).isPresent(); i++) {
      candidate = name + "-" + i;
    }
    return candidate;
  }

  public PasswordHasher hasher() {
    return hasher;
  }

  // ---- reads ----

  public List<Org> orgs() {
    return orgs.values().stream().sorted(Comparator.comparing(Org::createdAt).thenComparing(Org::id)).toList();
  }

  public Optional<Org> org(String id) {
    return Optional.ofNullable(orgs.get(id));
  }

  public List<Project> projects() {
    return projects.values().stream().sorted(Comparator.comparing(Project::createdAt).thenComparing(Project::id)).toList();
  }

  public Optional<Project> project(String id) {
    return Optional.ofNullable(projects.get(id));
  }

  public List<User> users() {
    return users.values().stream().sorted(Comparator.comparing(User::createdAt).thenComparing(User::id)).toList();
  }

  public Optional<User> user(String id) {
    return Optional.ofNullable(users.get(id));
  }

  public List<Membership> memberships(String userId) {
    return memberships.values().stream().filter(m -> m.userId().equals(userId))
        .sorted(Comparator.comparing(Membership::createdAt).thenComparing(Membership::id)).toList();
  }

  public boolean anyUsers() {
    return !users.isEmpty();
  }

  // ---- visibility ----

  /** Orgs the caller sees: every org for a global scope, else its own. */
  public boolean visible(AdminScope scope, Org org) {
    return scope.isGlobal() || scope.orgId().get().equals(org.id());
  }

  public boolean visible(AdminScope scope, Project p) {
    return scope.covers(Optional.of(p.orgId()), Optional.of(p.id()));
  }

  /** A user is visible when one of their roles lies inside the caller's scope. */
  public boolean visible(AdminScope scope, User u) {
    return scope.isGlobal() || memberships(u.id()).stream().anyMatch(m -> inside(scope, m.orgId(), m.projectId()));
  }

  public boolean visible(AdminScope scope, Membership m) {
    return inside(scope, m.orgId(), m.projectId());
  }

  /** Whether a role target (org, project) lies inside the scope: a global target only inside a global scope. */
  private static boolean inside(AdminScope scope, Optional<String> org, Optional<String> project) {
    if (scope.isGlobal()) {
      return true;
    }
    if (org.isEmpty()) {
      return false;
    }
    return scope.orgId().equals(org) && (scope.projectId().isEmpty() || scope.projectId().equals(project));
  }

  public Org visibleOrg(AdminScope scope, String id) {
    return org(id).filter(o -> visible(scope, o)).orElseThrow(() -> new NotFoundException("org", id));
  }

  public Project visibleProject(AdminScope scope, String id) {
    return project(id).filter(p -> visible(scope, p)).orElseThrow(() -> new NotFoundException("project", id));
  }

  public User visibleUser(AdminScope scope, String id) {
    return user(id).filter(u -> visible(scope, u)).orElseThrow(() -> new NotFoundException("user", id));
  }

  // ---- orgs and projects ----

  public synchronized Org createOrg(AdminScope scope, String name) {
    scope.requireGlobal();
    checkName("name", name);
    if (orgByName(name).isPresent()) {
      throw new ConflictException("an org named '" + name + "' already exists");
    }
    Org org = new Org(Ids.prefixed("org"), name, clock.instant());
    store.insertOrg(org);
    changed();
    orgs.put(org.id(), org);
    return org;
  }

  public synchronized Org renameOrg(AdminScope scope, String id, String name) {
    Org org = visibleOrg(scope, id);
    scope.requireOrgAdmin(id);
    checkName("name", name);
    if (orgByName(name).filter(o -> !o.id().equals(id)).isPresent()) {
      throw new ConflictException("an org named '" + name + "' already exists");
    }
    Org renamed = new Org(org.id(), name, org.createdAt());
    store.updateOrg(renamed);
    changed();
    orgs.put(id, renamed);
    return renamed;
  }

  public synchronized Org deleteOrg(AdminScope scope, String id) {
    Org org = visibleOrg(scope, id);
    scope.requireGlobal();
    if (id.equals(DEFAULT_ORG_ID)) {
      throw new ConflictException("the default org cannot be deleted");
    }
    if (projects.values().stream().anyMatch(p -> p.orgId().equals(id))) {
      throw new ConflictException("org '" + id + "' still has projects; delete them first");
    }
    store.deleteOrg(id);
    changed();
    orgs.remove(id);
    memberships.values().removeIf(m -> m.orgId().equals(Optional.of(id)));
    return org;
  }

  public synchronized Project createProject(AdminScope scope, String orgId, String name) {
    visibleOrg(scope, orgId);
    scope.requireOrgAdmin(orgId);
    checkName("name", name);
    if (projectByName(orgId, name).isPresent()) {
      throw new ConflictException("org '" + orgId + "' already has a project named '" + name + "'");
    }
    Project p = new Project(Ids.prefixed("proj"), orgId, name, clock.instant());
    store.insertProject(p);
    changed();
    projects.put(p.id(), p);
    return p;
  }

  public synchronized Project renameProject(AdminScope scope, String id, String name) {
    Project p = visibleProject(scope, id);
    scope.requireWrite();
    checkName("name", name);
    if (projectByName(p.orgId(), name).filter(o -> !o.id().equals(id)).isPresent()) {
      throw new ConflictException("org '" + p.orgId() + "' already has a project named '" + name + "'");
    }
    Project renamed = new Project(p.id(), p.orgId(), name, p.createdAt());
    store.updateProject(renamed);
    changed();
    projects.put(id, renamed);
    return renamed;
  }

  public synchronized Project deleteProject(AdminScope scope, String id, KeyService keys) {
    Project p = visibleProject(scope, id);
    scope.requireOrgAdmin(p.orgId());
    if (id.equals(DEFAULT_PROJECT_ID)) {
      throw new ConflictException("the default project cannot be deleted");
    }
    if (keys.hasActiveKeys(id)) {
      throw new ConflictException("project '" + id + "' still has active API keys; revoke them first");
    }
    store.deleteProject(id);
    changed();
    projects.remove(id);
    memberships.values().removeIf(m -> m.projectId().equals(Optional.of(id)));
    return p;
  }

  private Optional<Org> orgByName(String name) {
    return orgs.values().stream().filter(o -> o.name().equalsIgnoreCase(name)).findFirst();
  }

  private Optional<Project> projectByName(String orgId, String name) {
    return projects.values().stream().filter(p -> p.orgId().equals(orgId) && p.name().equalsIgnoreCase(name)).findFirst();
  }

  // ---- users and roles ----

  /** Creates a user with their first roles. The password is hashed before anything is written. */
  public synchronized User createUser(AdminScope scope, String email, String name, String password, List<RoleGrant> roles) {
    scope.requireWrite();
    String normalized = checkEmail(email);
    checkName("name", name);
    checkPassword("password", password);
    if (roles.isEmpty()) {
      throw new InvalidRequestException("roles", "roles: [] (expected: at least one role, so the user can see something)");
    }
    List<RoleGrant> checked = roles.stream().map(g -> checkGrant(scope, g)).toList();
    if (users.values().stream().anyMatch(u -> u.email().equals(normalized))) {
      throw new ConflictException("a user with email '" + normalized + "' already exists");
    }
    Instant now = clock.instant();
    User user = new User(Ids.prefixed("user"), normalized, name, hasher.hash(password), now, Optional.empty(), now);
    List<Membership> ms = new ArrayList<>();
    for (RoleGrant g : dedupe(checked)) {
      ms.add(new Membership(Ids.prefixed("role"), user.id(), g.orgId(), g.projectId(), g.role(), now));
    }
    store.insertUser(user, ms);
    changed();
    users.put(user.id(), user);
    ms.forEach(m -> memberships.put(m.id(), m));
    return user;
  }

  private static List<RoleGrant> dedupe(List<RoleGrant> roles) {
    List<RoleGrant> out = new ArrayList<>();
    for (RoleGrant g : roles) {
      if (out.stream().noneMatch(o -> o.orgId().equals(g.orgId()) && o.projectId().equals(g.projectId()))) {
        out.add(g);
      } else {
        throw new InvalidRequestException("roles", "roles: two roles on the same " + describe(g) + " (expected: one role per scope)");
      }
    }
    return out;
  }

  /**
   * Changes a user's name, password or disabled state. Only a caller whose scope holds every role of the
   * user may (an org admin cannot lock out someone who also works in another org), and only an owner may
   * change an owner.
   */
  public synchronized User updateUser(AdminScope scope, String id, Optional<String> name, Optional<String> password,
                                      Optional<Boolean> disabled) {
    User u = visibleUser(scope, id);
    requireManages(scope, u);
    name.ifPresent(n -> checkName("name", n));
    password.ifPresent(p -> checkPassword("password", p));
    if (disabled.orElse(false) && !u.disabled() && isLastGlobalOwner(u.id())) {
      throw new ConflictException("'" + id + "' is the last global owner; make someone else owner first");
    }
    User changed = u;
    if (name.isPresent()) {
      changed = changed.withName(name.get());
    }
    if (password.isPresent()) {
      changed = changed.withNewPassword(hasher.hash(password.get()), clock.instant());
    }
    if (disabled.isPresent() && disabled.get() != u.disabled()) {
      changed = changed.withDisabledAt(disabled.get() ? Optional.of(clock.instant()) : Optional.empty());
    }
    store.updateUser(changed);
    changed();
    users.put(id, changed);
    return changed;
  }

  public synchronized Membership grant(AdminScope scope, String userId, RoleGrant grant) {
    User u = visibleUser(scope, userId);
    RoleGrant g = checkGrant(scope, grant);
    if (memberships(u.id()).stream().anyMatch(m -> m.orgId().equals(g.orgId()) && m.projectId().equals(g.projectId()))) {
      throw new ConflictException("user '" + userId + "' already has a role on " + describe(g)
          + "; remove it first to change it");
    }
    Membership m = new Membership(Ids.prefixed("role"), u.id(), g.orgId(), g.projectId(), g.role(), clock.instant());
    store.insertMembership(m);
    changed();
    memberships.put(m.id(), m);
    return m;
  }

  public synchronized Membership revokeRole(AdminScope scope, String userId, String membershipId) {
    visibleUser(scope, userId);
    Membership m = Optional.ofNullable(memberships.get(membershipId)).filter(x -> x.userId().equals(userId))
        .filter(x -> visible(scope, x)).orElseThrow(() -> new NotFoundException("role", membershipId));
    checkGrant(scope, new RoleGrant(m.role(), m.orgId(), m.projectId()));
    if (m.global() && m.role() == AdminRole.OWNER && isLastGlobalOwner(userId)) {
      throw new ConflictException("this is the last global owner role; make someone else owner first");
    }
    store.deleteMembership(membershipId);
    changed();
    memberships.remove(membershipId);
    return m;
  }

  private boolean isLastGlobalOwner(String userId) {
    List<Membership> owners = memberships.values().stream()
        .filter(m -> m.global() && m.role() == AdminRole.OWNER && users.containsKey(m.userId())
            && !users.get(m.userId()).disabled()).toList();
    return owners.size() == 1 && owners.getFirst().userId().equals(userId);
  }

  /** The caller may grant (or remove) this role: it administers the target, and only owners touch owner roles. */
  private RoleGrant checkGrant(AdminScope scope, RoleGrant asked) {
    scope.requireWrite();
    RoleGrant g = asked;
    if (g.projectId().isPresent() && g.orgId().isEmpty()) {
      Project p = visibleProject(scope, g.projectId().get());
      g = new RoleGrant(g.role(), Optional.of(p.orgId()), g.projectId());
    }
    g.orgId().ifPresent(o -> visibleOrg(scope, o));
    if (g.projectId().isPresent()) {
      Project p = visibleProject(scope, g.projectId().get());
      if (!p.orgId().equals(g.orgId().orElseThrow())) {
        throw new InvalidRequestException("project_id", "project '" + p.id() + "' is not in org '" + g.orgId().get() + "'");
      }
    }
    if (!inside(scope, g.orgId(), g.projectId())) {
      throw new PermissionDeniedException("outside_scope", "'" + scope.actor() + "' cannot grant a role on "
          + describe(g) + ": it is outside the caller's scope");
    }
    if (g.role() == AdminRole.OWNER && scope.role() != AdminRole.OWNER) {
      throw new PermissionDeniedException("owner_required", "only an owner can grant or remove an owner role");
    }
    return g;
  }

  private void requireManages(AdminScope scope, User u) {
    scope.requireWrite();
    List<Membership> ms = memberships(u.id());
    if (!ms.stream().allMatch(m -> inside(scope, m.orgId(), m.projectId()))) {
      throw new PermissionDeniedException("outside_scope", "user '" + u.id() + "' also has roles outside the caller's scope;"
          + " remove their roles here instead");
    }
    if (scope.role() != AdminRole.OWNER && ms.stream().anyMatch(m -> m.role() == AdminRole.OWNER)) {
      throw new PermissionDeniedException("owner_required", "only an owner can change an owner");
    }
  }

  private static String describe(RoleGrant g) {
    return g.projectId().map(p -> "project '" + p + "'").or(() -> g.orgId().map(o -> "org '" + o + "'")).orElse("the whole gateway");
  }

  // ---- login ----

  /** The user with this email and password, or 401; the same time is spent whether the email exists or not. */
  public User login(String email, String password) {
    String normalized = email.strip().toLowerCase(Locale.ROOT);
    Optional<User> found = users.values().stream().filter(u -> u.email().equals(normalized)).findFirst();
    if (found.isEmpty() || password.length() > PasswordHasher.MAX_LENGTH) {
      hasher.verifyDecoy(password.length() > PasswordHasher.MAX_LENGTH ? "" : password);
      throw new AuthenticationException(Reason.INVALID_CREDENTIALS);
    }
    User u = found.get();
    if (!hasher.verify(password, u.passwordHash()) || u.disabled()) {
      throw new AuthenticationException(Reason.INVALID_CREDENTIALS);
    }
    if (hasher.needsRehash(u.passwordHash())) {
      rehash(u.id(), password);
    }
    return users.get(u.id());
  }

  private synchronized void rehash(String userId, String password) {
    User u = users.get(userId);
    User changed = u.withPasswordHash(hasher.hash(password));
    store.updateUser(changed);
    changed();
    users.put(userId, changed);
  }

  public synchronized User changePassword(String userId, String current, String fresh) {
    User u = user(userId).orElseThrow(() -> new NotFoundException("user", userId));
    if (!hasher.verify(current, u.passwordHash())) {
      throw new InvalidRequestException("current_password", "current_password is not this user's password", "invalid_credentials");
    }
    checkPassword("new_password", fresh);
    User changed = u.withNewPassword(hasher.hash(fresh), clock.instant());
    store.updateUser(changed);
    changed();
    users.put(userId, changed);
    return changed;
  }

  // ---- the scope of a request ----

  /**
   * Refuses a session of a user who is gone or disabled, or whose token was issued before their password
   * last changed (compared to the second: tokens carry whole seconds).
   */
  public void checkSession(String userId, Instant issuedAt) {
    User u = user(userId).filter(x -> !x.disabled()).orElseThrow(() -> new AuthenticationException(Reason.SESSION_REVOKED));
    if (issuedAt.isBefore(u.sessionsValidFrom().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))) {
      throw new AuthenticationException(Reason.SESSION_REVOKED);
    }
  }

  /**
   * The scope of a logged-in user's request. The request picks an org ({@code x-tollgate-org}) and
   * optionally a project ({@code x-tollgate-project}); either may be left out when it is unambiguous.
   * A global role without an org header is a global scope. The role is the strongest that applies.
   */
  public AdminScope scopeFor(String userId, Optional<String> orgHeader, Optional<String> projectHeader) {
    User u = user(userId).filter(x -> !x.disabled())
        .orElseThrow(() -> new AuthenticationException(Reason.SESSION_REVOKED));
    List<Membership> ms = memberships(u.id());
    if (ms.isEmpty()) {
      throw new PermissionDeniedException("no_role", "user '" + userId + "' has no role anywhere yet; ask an admin for one");
    }
    Optional<AdminRole> globalRole = best(ms.stream().filter(Membership::global).toList());
    String org;
    if (orgHeader.isPresent()) {
      org = orgHeader.get();
    } else if (projectHeader.isPresent()) {
      org = project(projectHeader.get()).map(Project::orgId).orElse("");
    } else if (globalRole.isPresent()) {
      return AdminScope.of(userId, Optional.empty(), Optional.empty(), globalRole.get());
    } else {
      List<String> userOrgs = ms.stream().map(m -> m.orgId().orElseThrow()).distinct().toList();
      if (userOrgs.size() > 1) {
        throw new InvalidRequestException("x-tollgate-org", "user '" + userId + "' has roles in several orgs "
            + userOrgs + "; pick one with the x-tollgate-org header", "org_required");
      }
      org = userOrgs.getFirst();
    }
    String chosenOrg = org;
    if (!orgs.containsKey(chosenOrg) || ms.stream().noneMatch(m -> m.global() || m.orgId().equals(Optional.of(chosenOrg)))) {
      throw new PermissionDeniedException("outside_scope", "user '" + userId + "' has no role in org '" + chosenOrg + "'");
    }
    if (projectHeader.isPresent()) {
      String p = projectHeader.get();
      Optional<AdminRole> role = best(ms.stream().filter(m -> m.appliesTo(chosenOrg, Optional.of(p))).toList());
      if (project(p).filter(x -> x.orgId().equals(chosenOrg)).isEmpty() || role.isEmpty()) {
        throw new PermissionDeniedException("outside_scope", "user '" + userId + "' has no role in project '" + p + "'");
      }
      return AdminScope.of(userId, Optional.of(chosenOrg), Optional.of(p), role.get());
    }
    Optional<AdminRole> orgRole = best(ms.stream().filter(m -> m.appliesTo(chosenOrg, Optional.empty())).toList());
    if (orgRole.isPresent()) {
      return AdminScope.of(userId, Optional.of(chosenOrg), Optional.empty(), orgRole.get());
    }
    List<Membership> projectRoles = ms.stream().filter(m -> m.orgId().equals(Optional.of(chosenOrg))).toList();
    if (projectRoles.size() > 1) {
      throw new InvalidRequestException("x-tollgate-project", "user '" + userId + "' has roles in several projects of org '"
          + chosenOrg + "' " + projectRoles.stream().map(m -> m.projectId().orElseThrow()).toList()
          + "; pick one with the x-tollgate-project header", "project_required");
    }
    Membership only = projectRoles.getFirst();
    return AdminScope.of(userId, Optional.of(chosenOrg), only.projectId(), only.role());
  }

  private static Optional<AdminRole> best(List<Membership> ms) {
    return ms.stream().map(Membership::role).min(Comparator.naturalOrder());
  }

  // ---- validation ----

  public static void checkName(String param, String name) {
    if (name.isBlank() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidRequestException(param, param + ": '" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
          + "' (expected: 1.." + MAX_NAME + " characters, not blank, no control characters)");
    }
  }

  private static String checkEmail(String email) {
    String e = email.strip().toLowerCase(Locale.ROOT);
    if (e.length() > MAX_EMAIL || !EMAIL.matcher(e).matches()) {
      throw new InvalidRequestException("email", "email: '" + (e.length() > 40 ? e.substring(0, 40) + "…" : e)
          + "' (expected: an email address of at most " + MAX_EMAIL + " characters)");
    }
    return e;
  }

  public static void checkPassword(String param, String password) {
    if (password.length() < PasswordHasher.MIN_LENGTH || password.length() > PasswordHasher.MAX_LENGTH) {
      throw new InvalidRequestException(param, param + ": <" + password.length() + " characters> (expected: "
          + PasswordHasher.MIN_LENGTH + ".." + PasswordHasher.MAX_LENGTH + " characters)");
    }
  }
}
