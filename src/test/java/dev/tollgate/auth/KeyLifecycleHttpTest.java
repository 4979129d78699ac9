package dev.tollgate.auth;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbKeyStore;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in projects: rotation with a grace period, changes, limits, metadata, tags, last-used time, bad input. */
class KeyLifecycleHttpTest {
  private static final String INVALID = "invalid_request_error";
  private static final String CHAT = "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @TempDir
  static Path dir;
  static final MutableClock clock = new MutableClock();
  static TestGateway gateway;
  static String project;

  @BeforeAll
  static void start() {
    gateway = TestGateway.builder(dir).clock(clock).auth(a -> a.withLastUsedFlushInterval(Duration.ofHours(1))).start();
    project = gateway.createProject(gateway.createOrg("keys-org"), "keys-project");
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

  static JsonNode create(String body) {
    HttpResponse<String> resp = gateway.post("/api/v1/keys", gateway.masterKey(), body);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
    return json(resp);
  }

  @Test
  void create_storesProjectLimitsMetadataAndTags() {
    JsonNode key = create("{\"name\":\"rich\",\"project_id\":\"" + project + "\",\"rpm_limit\":60,\"tpm_limit\":100000,"
        + "\"metadata\":{\"team\":\"search\",\"cost-center\":\"42\"},\"tags\":[\"prod\",\"eu\"]}");

    JsonNode fetched = json(gateway.get("/api/v1/keys/" + key.get("id").asText(), gateway.masterKey()));
    ApiKey stored = gateway.keys().find(key.get("id").asText()).orElseThrow();

    assertThat(fetched.get("project_id").asText()).isEqualTo(project);
    assertThat(fetched.get("org_id").asText()).startsWith("org_");
    assertThat(fetched.get("rpm_limit").asLong()).isEqualTo(60);
    assertThat(fetched.get("tpm_limit").asLong()).isEqualTo(100000);
    assertThat(fetched.at("/metadata/team").asText()).isEqualTo("search");
    assertThat(fetched.get("tags").toString()).isEqualTo("[\"prod\",\"eu\"]");
    assertThat(fetched.get("created_by").asText()).isEqualTo("master");
    assertThat(stored.rpmLimit()).hasValue(60);
    assertThat(stored.tpmLimit()).hasValue(100000);
  }

  @Test
  void create_withoutProject_goesToTheDefaultProject() {
    JsonNode key = create("{\"name\":\"legacy-style\"}");

    assertThat(key.get("project_id").asText()).isEqualTo(KeyService.DEFAULT_PROJECT_ID);
    assertThat(key.get("org_id").asText()).isEqualTo(KeyService.DEFAULT_ORG_ID);
  }

  @Test
  void names_areUniquePerProject() {
    create("{\"name\":\"same-name\",\"project_id\":\"" + project + "\"}");

    assertError(gateway.post("/api/v1/keys", gateway.masterKey(), "{\"name\":\"same-name\",\"project_id\":\"" + project + "\"}"),
        409, INVALID, "conflict");
    assertThat(gateway.post("/api/v1/keys", gateway.masterKey(), "{\"name\":\"same-name\"}").statusCode())
        .as("another project may use it").isEqualTo(201);
  }

  @Test
  void badInput_isA400NamingTheField() {
    String master = gateway.masterKey();
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"" + "n".repeat(201) + "\"}"), 400, INVALID, "invalid_value", "name");
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"x\",\"rpm_limit\":0}"), 400, INVALID, "invalid_value", "rpm_limit");
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"x\",\"tpm_limit\":\"many\"}"), 400, INVALID, "invalid_value", "tpm_limit");
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"x\",\"metadata\":{\"k\":1}}"), 400, INVALID, "invalid_value", "metadata");
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"x\",\"metadata\":{\"k\":\"" + "v".repeat(513) + "\"}}"), 400, INVALID, "invalid_value", "metadata");
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"x\",\"tags\":[\"" + "t".repeat(129) + "\"]}"), 400, INVALID, "invalid_value", "tags");
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"x\",\"colour\":\"red\"}"), 400, INVALID, "unknown_field", "colour");
    assertError(gateway.post("/api/v1/keys", master, "{\"name\":\"x\",\"project_id\":\"proj_nope\"}"), 404, INVALID, "not_found");
    assertError(gateway.call("PATCH", "/api/v1/keys/key_nope", master, "{\"name\":\"y\"}"), 404, INVALID, "not_found");
    assertError(gateway.get("/api/v1/keys?limit=0", master), 400, INVALID, "invalid_value", "limit");
    assertError(gateway.get("/api/v1/keys?cursor=@@@", master), 400, INVALID, "invalid_value", "cursor");
    assertThat(gateway.get("/api/v1/keys?name=x", master).body()).doesNotContain("\"name\":\"x\"");
  }

  @Test
  void patch_changesWhatItNames_andKeepsTheSecret() {
    JsonNode key = create("{\"name\":\"to-change\",\"project_id\":\"" + project + "\",\"tags\":[\"a\"]}");
    String id = key.get("id").asText();

    HttpResponse<String> resp = gateway.call("PATCH", "/api/v1/keys/" + id, gateway.masterKey(),
        "{\"name\":\"changed\",\"models\":[\"mock-small\"],\"rpm_limit\":5,\"metadata\":{\"owner\":\"ana\"}}");

    JsonNode changed = json(resp);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(changed.get("name").asText()).isEqualTo("changed");
    assertThat(changed.get("models").toString()).isEqualTo("[\"mock-small\"]");
    assertThat(changed.get("rpm_limit").asLong()).isEqualTo(5);
    assertThat(changed.get("tags").toString()).as("untouched").isEqualTo("[\"a\"]");
    assertThat(gateway.post("/v1/chat/completions", key.get("key").asText(), CHAT).statusCode()).isEqualTo(200);
    assertThat(gateway.call("PATCH", "/api/v1/keys/" + id, gateway.masterKey(), "{\"rpm_limit\":null}").body()).contains("\"rpm_limit\":null");
    assertError(gateway.call("PATCH", "/api/v1/keys/" + id, gateway.masterKey(), "{}"), 400, INVALID, "invalid_value");
  }

  @Test
  void rotate_newSecretWorks_oldOneForTheGracePeriodOnly() {
    JsonNode key = create("{\"name\":\"rotating\",\"project_id\":\"" + project + "\",\"models\":[\"mock-small\"],\"tags\":[\"x\"]}");
    String oldSecret = key.get("key").asText();

    HttpResponse<String> resp = gateway.post("/api/v1/keys/" + key.get("id").asText() + "/rotate", gateway.masterKey(), "{\"grace_seconds\":600}");
    JsonNode fresh = json(resp);
    String newSecret = fresh.get("key").asText();

    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
    assertThat(newSecret).isNotEqualTo(oldSecret);
    assertThat(fresh.get("name").asText()).isEqualTo("rotating");
    assertThat(fresh.get("models").toString()).isEqualTo("[\"mock-small\"]");
    assertThat(fresh.get("tags").toString()).isEqualTo("[\"x\"]");
    assertThat(fresh.at("/replaces/replaced_by").asText()).isEqualTo(fresh.get("id").asText());
    assertThat(fresh.at("/replaces/key").isMissingNode()).as("the old secret is never shown").isTrue();
    assertThat(gateway.post("/v1/chat/completions", newSecret, CHAT).statusCode()).isEqualTo(200);
    assertThat(gateway.post("/v1/chat/completions", oldSecret, CHAT).statusCode()).as("in the grace period").isEqualTo(200);
    assertError(gateway.post("/api/v1/keys/" + key.get("id").asText() + "/rotate", gateway.masterKey(), "{}"), 409, INVALID, "conflict");

    clock.advance(Duration.ofMinutes(11));

    assertError(gateway.post("/v1/chat/completions", oldSecret, CHAT), 401, "invalid_request_error", "api_key_expired");
    assertThat(gateway.post("/v1/chat/completions", newSecret, CHAT).statusCode()).isEqualTo(200);
  }

  @Test
  void rotate_withNoGrace_stopsTheOldKeyAtOnce() {
    JsonNode key = create("{\"name\":\"no-grace\",\"project_id\":\"" + project + "\"}");

    gateway.post("/api/v1/keys/" + key.get("id").asText() + "/rotate", gateway.masterKey(), "{\"grace_seconds\":0}");

    assertThat(gateway.post("/v1/chat/completions", key.get("key").asText(), CHAT).statusCode()).isEqualTo(401);
    assertError(gateway.post("/api/v1/keys/" + key.get("id").asText() + "/rotate", gateway.masterKey(), "{\"grace_seconds\":-1}"),
        400, INVALID, "invalid_value", "grace_seconds");
  }

  @Test
  void lastUsed_isShownAtOnce_andReachesTheStoreWhenFlushed() throws Exception {
    JsonNode key = create("{\"name\":\"used\",\"project_id\":\"" + project + "\"}");
    String id = key.get("id").asText();
    assertThat(key.get("last_used_at").isNull()).isTrue();
    Instant before = clock.instant();

    gateway.post("/v1/chat/completions", key.get("key").asText(), CHAT);

    JsonNode fetched = json(gateway.get("/api/v1/keys/" + id, gateway.masterKey()));
    assertThat(Instant.parse(fetched.get("last_used_at").asText())).isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(gateway.keys().flushLastUsed()).isPositive();
    assertThat(gateway.keys().flushLastUsed()).as("nothing new").isZero();
  }

  @Test
  void lastUsed_survivesARestart(@TempDir Path other) {
    String secret;
    String id;
    try (TestGateway g = TestGateway.start(other)) {
      HttpResponse<String> created = g.post("/api/v1/keys", g.masterKey(), "{\"name\":\"persisted\"}");
      id = json(created).get("id").asText();
      secret = json(created).get("key").asText();
      g.post("/v1/chat/completions", secret, CHAT);
    }
    try (Database db = Database.open("jdbc:duckdb:" + other.resolve("tollgate.duckdb").toAbsolutePath())) {
      assertThat(new DuckDbKeyStore(db).findById(id).orElseThrow().lastUsedAt()).isPresent();
    }
  }
}
