package dev.tollgate.audit;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log: every change through the admin API leaves who, what, before/after, when and from where. */
class AuditHttpTest {
  private static final String INVALID = "invalid_request_error";

  @TempDir
  static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonNode json(HttpResponse<String> resp) {
    try {
      return Json.MAPPER.readTree(resp.body());
    } catch (Exception e) {
      throw new AssertionError(resp.body(), e);
    }
  }

  static JsonNode audit(String query, String credential) {
    HttpResponse<String> resp = gateway.get("/api/v1/audit" + query, credential);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return json(resp);
  }

  @Test
  void keyChanges_areRecordedWithBeforeAndAfter_andNoSecret() {
    JsonNode created = json(gateway.post("/api/v1/keys", gateway.masterKey(), "{\"name\":\"audited\"}"));
    String id = created.get("id").asText();
    gateway.call("PATCH", "/api/v1/keys/" + id, gateway.masterKey(), "{\"name\":\"audited-2\"}");
    gateway.post("/api/v1/keys/" + id + "/revoke", gateway.masterKey(), "");

    JsonNode page = audit("?target_id=" + id, gateway.masterKey());

    assertThat(page.get("data").findValuesAsText("action")).containsExactly("key.revoke", "key.update", "key.create");
    JsonNode update = page.get("data").get(1);
    assertThat(update.get("actor").asText()).isEqualTo("master");
    assertThat(update.at("/before/name").asText()).isEqualTo("audited");
    assertThat(update.at("/after/name").asText()).isEqualTo("audited-2");
    assertThat(update.get("source_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(update.get("org_id").asText()).isEqualTo("org_default");
    assertThat(update.get("request_id").asText()).isNotBlank();
    assertThat(page.get("data").get(2).get("before").isNull()).isTrue();
    assertThat(page.toString()).doesNotContain(created.get("key").asText());
  }

  @Test
  void priceOverrides_areAudited() {
    HttpResponse<String> added = gateway.post("/api/v1/prices/overrides", gateway.masterKey(),
        "{\"model\":\"mock-small\",\"provider\":\"mock\",\"effective-from\":\"2031-01-01\",\"input-per-million\":\"1.5\",\"output-per-million\":\"2\"}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

    JsonNode page = audit("?action=price_override.create", gateway.masterKey());

    assertThat(page.get("data")).hasSize(1);
    JsonNode entry = page.get("data").get(0);
    assertThat(entry.get("target_id").asText()).isEqualTo("mock-small");
    assertThat(entry.at("/after/input-per-million").asText()).isEqualTo("1.5");
    assertThat(entry.get("actor").asText()).isEqualTo("master");
  }

  @Test
  void userChanges_nameTheUser_neverThePassword() {
    String id = gateway.createUser("audited@example.com", "first-password", "[{\"role\":\"viewer\",\"org_id\":\"org_default\"}]");
    gateway.call("PATCH", "/api/v1/users/" + id, gateway.masterKey(), "{\"password\":\"second-password\"}");

    JsonNode page = audit("?target_type=user&target_id=" + id, gateway.masterKey());

    assertThat(page.get("data").findValuesAsText("action")).containsExactly("user.update", "user.create");
    assertThat(page.toString()).doesNotContain("first-password").doesNotContain("second-password").doesNotContain("argon2");
    assertThat(page.get("data").get(0).at("/after/password").asText()).isEqualTo("changed");
  }

  @Test
  void filters_andCursorPagination() {
    for (int i = 0; i < 5; i++) {
      gateway.post("/api/v1/orgs", gateway.masterKey(), "{\"name\":\"paged-" + i + "\"}");
    }
    List<String> seen = new ArrayList<>();
    String cursor = "";
    for (int pages = 0; pages < 10; pages++) {
      JsonNode page = audit("?action=org.create&limit=2" + cursor, gateway.masterKey());
      seen.addAll(page.get("data").findValuesAsText("target_id"));
      if (!page.get("has_more").asBoolean()) {
        break;
      }
      cursor = "&cursor=" + page.get("next_cursor").asText();
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(5).doesNotHaveDuplicates();
    assertThat(audit("?action=org.&limit=1000", gateway.masterKey()).get("data").findValuesAsText("action")).allMatch(a -> a.startsWith("org."));
    assertThat(audit("?actor=nobody", gateway.masterKey()).get("data")).isEmpty();
    assertThat(audit("?from=2999-01-01T00:00:00Z", gateway.masterKey()).get("data")).isEmpty();
    assertError(gateway.get("/api/v1/audit?from=yesterday", gateway.masterKey()), 400, INVALID, "invalid_value", "from");
    assertError(gateway.get("/api/v1/audit?cursor=abc", gateway.masterKey()), 400, INVALID, "invalid_value", "cursor");
  }

  @Test
  void theLog_cannotBeChangedOrDeleted() {
    String first = "1";
    String master = gateway.masterKey();

    assertError(gateway.call("DELETE", "/api/v1/audit", master, null), 405, INVALID, "method_not_allowed");
    assertError(gateway.call("PUT", "/api/v1/audit", master, "{}"), 405, INVALID, "method_not_allowed");
    assertError(gateway.call("POST", "/api/v1/audit", master, "{}"), 405, INVALID, "method_not_allowed");
    assertThat(gateway.call("DELETE", "/api/v1/audit/" + first, master, null).statusCode()).isEqualTo(404);
    assertThat(gateway.call("PATCH", "/api/v1/audit/" + first, master, "{}").statusCode()).isEqualTo(404);
  }

  @Test
  void aUser_seesTheEntriesOfTheirOrgOnly() {
    String org = gateway.createOrg("audit-tenant");
    String project = gateway.createProject(org, "audit-project");
    gateway.createKeyIn(project, "tenant-key");
    gateway.post("/api/v1/keys", gateway.masterKey(), "{\"name\":\"default-org-key\"}");
    gateway.createUser("auditor@tenant.example", "auditor-password", "[{\"role\":\"viewer\",\"org_id\":\"" + org + "\"}]");
    String token = gateway.login("auditor@tenant.example", "auditor-password");

    JsonNode page = audit("?limit=1000", token);

    assertThat(page.get("data").findValuesAsText("org_id")).isNotEmpty().allMatch(org::equals);
    assertThat(page.get("data").findValuesAsText("action")).contains("project.create", "key.create");
    assertError(gateway.get("/api/v1/audit?org_id=org_default", token), 403, "permission_error", "outside_scope");
  }
}
