package dev.tollgate.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenant isolation over real HTTP and a real DuckDB file. Two orgs, A and B, each with a project, a key,
 * usage and users. Every route that reads or changes one of B's objects is listed in {@link #FOREIGN};
 * every write a viewer might try is in {@link #WRITES}. Each row is tried by each of A's roles: B's
 * objects answer 404 (or 403 when the request names a scope outright), a viewer's writes answer 403, and
 * B's objects are unchanged afterwards.
 *
 * <p>To cover a new admin resource (budgets, routing, analytics), add its routes to both tables with the
 * placeholders below, and create the B-side object in {@link #start()}.
 */
class IsolationHttpTest {
  /** (method, path, body): {orgA} {projA} {keyA} {userA} {roleA} and the same for B are replaced. */
  record Call(String method, String path, String body) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** Every read and change of org B's objects. A member of A must get 404 or 403 and change nothing. */
  static final List<Call> FOREIGN = List.of(
      new Call("GET", "/api/v1/orgs/{orgB}", null),
      new Call("PATCH", "/api/v1/orgs/{orgB}", "{\"name\":\"taken-over\"}"),
      new Call("DELETE", "/api/v1/orgs/{orgB}", null),
      new Call("GET", "/api/v1/projects/{projB}", null),
      new Call("PATCH", "/api/v1/projects/{projB}", "{\"name\":\"taken-over\"}"),
      new Call("DELETE", "/api/v1/projects/{projB}", null),
      new Call("POST", "/api/v1/projects", "{\"name\":\"planted\",\"org_id\":\"{orgB}\"}"),
      new Call("GET", "/api/v1/keys/{keyB}", null),
      new Call("POST", "/api/v1/keys", "{\"name\":\"planted\",\"project_id\":\"{projB}\"}"),
      new Call("PATCH", "/api/v1/keys/{keyB}", "{\"name\":\"taken-over\"}"),
      new Call("POST", "/api/v1/keys/{keyB}/rotate", "{}"),
      new Call("POST", "/api/v1/keys/{keyB}/revoke", null),
      new Call("DELETE", "/api/v1/keys/{keyB}", null),
      new Call("GET", "/api/v1/users/{userB}", null),
      new Call("POST", "/api/v1/users", "{\"email\":\"planted@b.example\",\"password\":\"long-enough-1\",\"roles\":[{\"role\":\"owner\",\"org_id\":\"{orgB}\"}]}"),
      new Call("PATCH", "/api/v1/users/{userB}", "{\"password\":\"taken-over-1\"}"),
      new Call("DELETE", "/api/v1/users/{userB}", null),
      new Call("POST", "/api/v1/users/{userB}/roles", "{\"role\":\"viewer\",\"org_id\":\"{orgA}\"}"),
      new Call("POST", "/api/v1/users/{userA}/roles", "{\"role\":\"admin\",\"org_id\":\"{orgB}\"}"),
      new Call("DELETE", "/api/v1/users/{userB}/roles/{roleB}", null),
      new Call("GET", "/api/v1/usage?org={orgB}", null),
      new Call("GET", "/api/v1/usage?project={projB}", null),
      new Call("GET", "/api/v1/usage/export?format=json&org={orgB}", null),
      new Call("GET", "/api/v1/audit?org_id={orgB}", null),
      new Call("GET", "/api/v1/audit?project_id={projB}", null),
      new Call("GET", "/api/v1/budgets/{budgetB}", null),
      new Call("GET", "/api/v1/budgets/{budgetB}/status", null),
      new Call("PATCH", "/api/v1/budgets/{budgetB}", "{\"amount_usd\":\"999\"}"),
      new Call("DELETE", "/api/v1/budgets/{budgetB}", null),
      new Call("POST", "/api/v1/budgets", "{\"name\":\"planted\",\"scope\":\"project\",\"scope_value\":\"{projB}\",\"period\":\"month\",\"amount_usd\":\"1\"}"),
      new Call("GET", "/api/v1/rate-limits/{rateLimitB}", null),
      new Call("DELETE", "/api/v1/rate-limits/{rateLimitB}", null),
      new Call("POST", "/api/v1/rate-limits", "{\"scope\":\"project\",\"scope_value\":\"{projB}\",\"rpm\":1}"),
      new Call("GET", "/api/v1/alerts/rules/{alertRuleB}", null),
      new Call("DELETE", "/api/v1/alerts/rules/{alertRuleB}", null),
      new Call("POST", "/api/v1/alerts/rules/{alertRuleB}/test", "{}"),
      new Call("POST", "/api/v1/alerts/rules", "{\"name\":\"planted\",\"type\":\"budget_threshold\",\"budget_id\":\"{budgetB}\",\"channels\":[{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/planted\"}]}"));

  /** Every write inside the caller's own org: a viewer gets 403 on each. */
  static final List<Call> WRITES = List.of(
      new Call("POST", "/api/v1/orgs", "{\"name\":\"viewer-org\"}"),
      new Call("PATCH", "/api/v1/orgs/{orgA}", "{\"name\":\"renamed\"}"),
      new Call("DELETE", "/api/v1/orgs/{orgA}", null),
      new Call("POST", "/api/v1/projects", "{\"name\":\"viewer-project\",\"org_id\":\"{orgA}\"}"),
      new Call("PATCH", "/api/v1/projects/{projA}", "{\"name\":\"renamed\"}"),
      new Call("DELETE", "/api/v1/projects/{projA}", null),
      new Call("POST", "/api/v1/keys", "{\"name\":\"viewer-key\",\"project_id\":\"{projA}\"}"),
      new Call("PATCH", "/api/v1/keys/{keyA}", "{\"name\":\"renamed\"}"),
      new Call("POST", "/api/v1/keys/{keyA}/rotate", "{}"),
      new Call("POST", "/api/v1/keys/{keyA}/revoke", null),
      new Call("DELETE", "/api/v1/keys/{keyA}", null),
      new Call("POST", "/api/v1/users", "{\"email\":\"viewer-made@a.example\",\"password\":\"long-enough-1\",\"roles\":[{\"role\":\"viewer\",\"org_id\":\"{orgA}\"}]}"),
      new Call("PATCH", "/api/v1/users/{userA}", "{\"name\":\"renamed\"}"),
      new Call("DELETE", "/api/v1/users/{userA}", null),
      new Call("POST", "/api/v1/users/{userA}/roles", "{\"role\":\"viewer\",\"project_id\":\"{projA}\"}"),
      new Call("DELETE", "/api/v1/users/{userA}/roles/{roleA}", null),
      new Call("POST", "/api/v1/prices/overrides", "{\"model\":\"mock-small\",\"provider\":\"mock\",\"effective-from\":\"2030-01-01\",\"input-per-million\":\"1\",\"output-per-million\":\"1\"}"),
      new Call("POST", "/api/v1/auth/signing-keys/rotate", null),
      new Call("POST", "/api/v1/budgets", "{\"name\":\"viewer-budget\",\"scope\":\"project\",\"scope_value\":\"{projA}\",\"period\":\"month\",\"amount_usd\":\"1\"}"),
      new Call("PATCH", "/api/v1/budgets/{budgetA}", "{\"amount_usd\":\"999\"}"),
      new Call("DELETE", "/api/v1/budgets/{budgetA}", null),
      new Call("POST", "/api/v1/rate-limits", "{\"scope\":\"project\",\"scope_value\":\"{projA}\",\"rpm\":1}"),
      new Call("DELETE", "/api/v1/rate-limits/{rateLimitA}", null),
      new Call("POST", "/api/v1/alerts/rules", "{\"name\":\"viewer-rule\",\"type\":\"budget_threshold\",\"budget_id\":\"{budgetA}\",\"channels\":[{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/viewer\"}]}"),
      new Call("DELETE", "/api/v1/alerts/rules/{alertRuleA}", null),
      new Call("POST", "/api/v1/alerts/rules/{alertRuleA}/test", "{}"),
      new Call("PATCH", "/api/v1/deployments/mock-small/mock-small", "{\"enabled\":false}"));

  private static final String PASSWORD = "correct-horse-1";

  @TempDir
  static Path dir;
  static TestGateway gateway;
  static final Map<String, String> ids = new java.util.HashMap<>();
  /** Session tokens of A's users by role. */
  static final Map<String, String> tokens = new java.util.LinkedHashMap<>();

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
    for (String t : List.of("A", "B")) {
      String org = gateway.createOrg("org-" + t);
      String proj = gateway.createProject(org, "project-" + t);
      String[] key = gateway.createKeyIn(proj, "key-" + t);
      ids.put("org" + t, org);
      ids.put("proj" + t, proj);
      ids.put("key" + t, key[0]);
      ids.put("secret" + t, key[1]);
      String user = gateway.createUser("bystander@" + t.toLowerCase() + ".example", PASSWORD,
          "[{\"role\":\"member\",\"org_id\":\"" + org + "\"}]");
      ids.put("user" + t, user);
      ids.put("role" + t, json(gateway.get("/api/v1/users/" + user, gateway.masterKey())).at("/roles/0/id").asText());
      String master = gateway.masterKey();
      ids.put("budget" + t, created(gateway.post("/api/v1/budgets", master, "{\"name\":\"budget-" + t
          + "\",\"scope\":\"project\",\"scope_value\":\"" + proj + "\",\"period\":\"month\",\"amount_usd\":\"100\"}")));
      ids.put("rateLimit" + t, created(gateway.post("/api/v1/rate-limits", master,
          "{\"scope\":\"project\",\"scope_value\":\"" + proj + "\",\"rpm\":1000}")));
      ids.put("alertRule" + t, created(gateway.post("/api/v1/alerts/rules", master, "{\"name\":\"rule-" + t
          + "\",\"type\":\"budget_threshold\",\"budget_id\":\"" + ids.get("budget" + t)
          + "\",\"channels\":[{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/" + t + "\"}]}")));
      for (int i = 0; i < 2; i++) {
        String rid = RequestIds.next();
        gateway.post("/v1/chat/completions", key[1], "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + t + "\"}]}", rid);
        ids.put("request" + t + i, rid);
        gateway.awaitUsage(rid);
      }
    }
    for (String role : List.of("owner", "admin", "member", "viewer")) {
      String email = role + "@a.example";
      gateway.createUser(email, PASSWORD, "[{\"role\":\"" + role + "\",\"org_id\":\"" + ids.get("orgA") + "\"}]");
      tokens.put(role, gateway.login(email, PASSWORD));
    }
    String pm = gateway.createUser("project-member@a.example", PASSWORD,
        "[{\"role\":\"admin\",\"project_id\":\"" + ids.get("projA") + "\"}]");
    ids.put("projectAdminA", pm);
    tokens.put("project-admin", gateway.login("project-member@a.example", PASSWORD));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String fill(String s) {
    if (s == null) {
      return null;
    }
    String out = s;
    for (Map.Entry<String, String> e : ids.entrySet()) {
      out = out.replace("{" + e.getKey() + "}", e.getValue());
    }
    return out;
  }

  /** The id of an object the master key just created. */
  static String created(HttpResponse<String> resp) {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
    return json(resp).get("id").asText();
  }

  static JsonNode json(HttpResponse<String> resp) {
    try {
      return Json.MAPPER.readTree(resp.body());
    } catch (Exception e) {
      throw new AssertionError(resp.statusCode() + " " + resp.body(), e);
    }
  }

  static HttpResponse<String> call(String token, Call c) {
    return gateway.call(c.method(), fill(c.path()), token, fill(c.body()));
  }

  static Stream<Arguments> foreignCalls() {
    List<Arguments> out = new ArrayList<>();
    for (String role : List.of("owner", "admin", "member", "viewer", "project-admin")) {
      FOREIGN.forEach(c -> out.add(Arguments.of(role, c)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} of org A: {1}")
  @MethodSource("foreignCalls")
  void orgAUsers_cannotReadOrChangeOrgB(String role, Call c) {
    HttpResponse<String> resp = call(tokens.get(role), c);

    assertThat(resp.statusCode()).as("%s %s -> %s", role, c, resp.body()).isIn(403, 404);
    assertThat(resp.body()).as("no B object in the answer").doesNotContain(ids.get("secretB"));
    assertOrgBUnchanged();
  }

  static Stream<Arguments> viewerWrites() {
    return WRITES.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "viewer: {0}")
  @MethodSource("viewerWrites")
  void viewer_getsForbiddenOnEveryWrite(Call c) {
    HttpResponse<String> resp = call(tokens.get("viewer"), c);

    assertThat(resp.statusCode()).as("%s -> %s", c, resp.body()).isEqualTo(403);
    assertThat(json(resp).at("/error/type").asText()).isEqualTo("permission_error");
  }

  @ParameterizedTest(name = "member: {0}")
  @MethodSource("viewerWrites")
  void member_mayOnlyManageKeys(Call c) {
    if (c.path().startsWith("/api/v1/keys")) {
      return; // members manage keys: covered by member_managesKeysOfItsOrg
    }
    HttpResponse<String> resp = call(tokens.get("member"), c);

    assertThat(resp.statusCode()).as("%s -> %s", c, resp.body()).isEqualTo(403);
  }

  @Test
  void member_managesKeysOfItsOrg() {
    String member = tokens.get("member");
    HttpResponse<String> created = gateway.call("POST", "/api/v1/keys", member, "{\"name\":\"member-key\",\"project_id\":\"" + ids.get("projA") + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).get("id").asText();

    HttpResponse<String> rotated = gateway.call("POST", "/api/v1/keys/" + id + "/rotate", member, "{\"grace_seconds\":0}");
    HttpResponse<String> revoked = gateway.call("POST", "/api/v1/keys/" + json(rotated).get("id").asText() + "/revoke", member, null);

    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(json(created).get("created_by").asText()).isNotEqualTo("master");
  }

  @Test
  void lists_showOnlyOrgAObjects() {
    for (String role : tokens.keySet()) {
      String token = tokens.get(role);
      for (String path : List.of("/api/v1/orgs", "/api/v1/projects", "/api/v1/keys", "/api/v1/users", "/api/v1/usage",
          "/api/v1/usage/export?format=jsonl", "/api/v1/audit", "/api/v1/budgets", "/api/v1/rate-limits",
          "/api/v1/alerts/rules", "/api/v1/alerts/events")) {
        HttpResponse<String> resp = gateway.get(path, token);
        assertThat(resp.statusCode()).as("%s %s: %s", role, path, resp.body()).isEqualTo(200);
        for (String b : List.of("orgB", "projB", "keyB", "userB", "requestB0", "requestB1", "budgetB", "rateLimitB", "alertRuleB")) {
          assertThat(resp.body()).as("%s sees %s in %s", role, b, path).doesNotContain(ids.get(b));
        }
      }
    }
    assertThat(gateway.get("/api/v1/keys", tokens.get("member")).body()).contains(ids.get("keyA")).doesNotContain("\"role\":\"master\"");
    assertThat(gateway.get("/api/v1/usage", tokens.get("viewer")).body()).contains(ids.get("requestA0"), ids.get("requestA1"));
  }

  @Test
  void usageOfAKeyOfOrgB_isEmptyForOrgA() {
    JsonNode page = json(gateway.get("/api/v1/usage?key_id=" + ids.get("keyB"), tokens.get("admin")));

    assertThat(page.get("data")).isEmpty();
    assertThat(json(gateway.get("/api/v1/usage?key_id=" + ids.get("keyB"), gateway.masterKey())).get("data")).hasSize(2);
  }

  @Test
  void projectAdmin_isConfinedToItsProject() {
    String token = tokens.get("project-admin");
    String other = gateway.createProject(ids.get("orgA"), "sibling-" + System.nanoTime());

    assertThat(gateway.get("/api/v1/projects/" + other, token).statusCode()).isEqualTo(404);
    assertThat(gateway.get("/api/v1/projects/" + ids.get("projA"), token).statusCode()).isEqualTo(200);
    assertThat(gateway.get("/api/v1/orgs/" + ids.get("orgA"), token).statusCode()).as("its org is readable").isEqualTo(200);
    assertThat(gateway.call("PATCH", "/api/v1/orgs/" + ids.get("orgA"), token, "{\"name\":\"x\"}").statusCode()).isEqualTo(403);
    assertThat(gateway.call("POST", "/api/v1/keys", token, "{\"name\":\"in-sibling\",\"project_id\":\"" + other + "\"}").statusCode()).isEqualTo(404);
    HttpResponse<String> own = gateway.call("POST", "/api/v1/keys", token, "{\"name\":\"project-admin-key\"}");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    assertThat(json(own).get("project_id").asText()).isEqualTo(ids.get("projA"));
  }

  @Test
  void admin_cannotGrantOwner_butOwnerCan() {
    String target = gateway.createUser("promote-me@a.example", PASSWORD, "[{\"role\":\"viewer\",\"project_id\":\"" + ids.get("projA") + "\"}]");
    String grant = "{\"role\":\"owner\",\"org_id\":\"" + ids.get("orgA") + "\"}";

    HttpResponse<String> byAdmin = gateway.call("POST", "/api/v1/users/" + target + "/roles", tokens.get("admin"), grant);
    HttpResponse<String> byOwner = gateway.call("POST", "/api/v1/users/" + target + "/roles", tokens.get("owner"), grant);

    assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(403);
    assertThat(json(byAdmin).at("/error/code").asText()).isEqualTo("owner_required");
    assertThat(byOwner.statusCode()).as(byOwner.body()).isEqualTo(201);
    assertThat(gateway.call("PATCH", "/api/v1/users/" + target, tokens.get("admin"), "{\"name\":\"x\"}").statusCode())
        .as("an admin cannot change an owner").isEqualTo(403);
  }

  @Test
  void virtualKey_neverReachesTheAdminApi() {
    for (Call c : WRITES) {
      assertThat(call(ids.get("secretA"), c).statusCode()).as(c.toString()).isEqualTo(403);
    }
    assertThat(gateway.get("/api/v1/keys", ids.get("secretA")).statusCode()).isEqualTo(403);
  }

  /** B's key still works and B's objects kept their names and state. */
  static void assertOrgBUnchanged() {
    String master = gateway.masterKey();
    JsonNode key = json(gateway.get("/api/v1/keys/" + ids.get("keyB"), master));
    assertThat(key.get("status").asText()).isEqualTo("active");
    assertThat(key.get("name").asText()).isEqualTo("key-B");
    assertThat(key.get("replaced_by").isNull()).isTrue();
    assertThat(json(gateway.get("/api/v1/projects/" + ids.get("projB"), master)).get("name").asText()).isEqualTo("project-B");
    assertThat(json(gateway.get("/api/v1/orgs/" + ids.get("orgB"), master)).get("name").asText()).isEqualTo("org-B");
    JsonNode user = json(gateway.get("/api/v1/users/" + ids.get("userB"), master));
    assertThat(user.get("disabled_at").isNull()).isTrue();
    assertThat(user.get("roles")).hasSize(1);
    assertThat(gateway.login("bystander@b.example", PASSWORD)).isNotEmpty();
    assertThat(json(gateway.get("/api/v1/projects?org_id=" + ids.get("orgB"), master)).get("data")).hasSize(1);
    assertThat(json(gateway.get("/api/v1/keys?project_id=" + ids.get("projB"), master)).get("data")).hasSize(1);
    assertThat(gateway.get("/api/v1/users?limit=1000", master).body()).doesNotContain("planted@b.example");
    JsonNode budget = json(gateway.get("/api/v1/budgets/" + ids.get("budgetB"), master));
    assertThat(budget.get("amount_usd").asText()).isIn("100", "100.00", "100.000000000");
    assertThat(gateway.get("/api/v1/rate-limits/" + ids.get("rateLimitB"), master).statusCode()).isEqualTo(200);
    assertThat(gateway.get("/api/v1/alerts/rules/" + ids.get("alertRuleB"), master).statusCode()).isEqualTo(200);
    assertThat(gateway.get("/api/v1/budgets", master).body()).doesNotContain("planted");
    assertThat(gateway.get("/api/v1/alerts/rules", master).body()).doesNotContain("planted");
  }
}
