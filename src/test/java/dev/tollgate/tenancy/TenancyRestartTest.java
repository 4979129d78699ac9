package dev.tollgate.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything tenancy keeps survives a restart: orgs, projects, users, roles, sessions, logouts, the audit log. */
class TenancyRestartTest {
  @TempDir
  Path dir;

  static JsonNode json(HttpResponse<String> resp) {
    try {
      return Json.MAPPER.readTree(resp.body());
    } catch (Exception e) {
      throw new AssertionError(resp.body(), e);
    }
  }

  @Test
  void restart_keepsTheModel_theSessions_andTheLogouts() {
    String org;
    String project;
    String kept;
    String ended;
    String key;
    try (TestGateway g = TestGateway.start(dir)) {
      org = g.createOrg("persisted");
      project = g.createProject(org, "persisted-project");
      key = g.createKeyIn(project, "persisted-key")[0];
      g.createUser("keeper@example.com", "keeper-password", "[{\"role\":\"admin\",\"org_id\":\"" + org + "\"}]");
      kept = g.login("keeper@example.com", "keeper-password");
      ended = g.login("keeper@example.com", "keeper-password");
      assertThat(g.post("/api/v1/auth/logout", ended, "").statusCode()).isEqualTo(200);
    }

    try (TestGateway g = TestGateway.start(dir)) {
      JsonNode me = json(g.get("/api/v1/auth/me", kept));
      assertThat(me.at("/scope/org_id").asText()).isEqualTo(org);
      assertThat(me.at("/scope/role").asText()).isEqualTo("admin");
      assertThat(g.get("/api/v1/keys", ended).statusCode()).as("a logout outlives the restart").isEqualTo(401);
      assertThat(json(g.get("/api/v1/keys/" + key, kept)).get("project_id").asText()).isEqualTo(project);
      assertThat(json(g.get("/api/v1/projects", kept)).get("data").findValuesAsText("id")).containsExactly(project);
      assertThat(g.login("keeper@example.com", "keeper-password")).isNotEmpty();
      assertThat(json(g.get("/api/v1/audit?action=org.create", g.masterKey())).get("data").findValuesAsText("target_id")).contains(org);
      assertThat(json(g.get("/api/v1/orgs", g.masterKey())).get("data").findValuesAsText("name")).containsExactly("default", "persisted");
    }
  }
}
