package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TestGateway;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The tenancy CLI end to end against a real server: first owner, login, orgs, projects, keys, rotation, audit. */
class TenancyCliTest {
  @TempDir
  static Path dir;
  static TestGateway gateway;
  static Path session;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
    session = dir.resolve("cli-config/session.json");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  record Run(int exit, String out, String err) {}

  /** Runs the CLI in-process with {@code stdin}; admin commands get --url and the session file. */
  static synchronized Run cli(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", gateway.baseUrl(), "--session-file", session.toString()));
    PrintStream out0 = System.out;
    PrintStream err0 = System.err;
    InputStream in0 = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin + "\n").getBytes(StandardCharsets.UTF_8)));
      int exit = new CommandLine(new Cli()).execute(all.toArray(String[]::new));
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out0);
      System.setErr(err0);
      System.setIn(in0);
    }
  }

  static String first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  @Test
  void ownerLogsIn_createsAnOrgProjectAndKey_rotatesIt_andReadsTheAudit() throws Exception {
    Run owner = cli("owner-password-1", "users", "create-owner", "--email", "boss@example.com", "--password-stdin",
        "--master-key", gateway.masterKey());
    assertThat(owner.exit()).as(owner.err()).isZero();

    Run login = cli("owner-password-1", "login", "--email", "boss@example.com", "--password-stdin", "--master-key", "");
    assertThat(login.exit()).as(login.err()).isZero();
    assertThat(Files.readString(session)).contains("\"token\":\"eyJ");

    Run org = cli(null, "orgs", "create", "acme", "--master-key", "");
    assertThat(org.exit()).as(org.err()).isZero();
    String orgId = first(Pattern.compile("(org_\\w+)"), org.out());
    Run project = cli(null, "projects", "create", "web", "--org-id", orgId, "--master-key", "");
    String projectId = first(Pattern.compile("(proj_\\w+)"), project.out());
    Run key = cli(null, "keys", "create", "--name", "web-key", "--project", projectId, "--rpm", "60", "--tags", "a,b",
        "--meta", "team=web", "--master-key", "");
    assertThat(key.exit()).as(key.err()).isZero();
    String keyId = first(Pattern.compile("(key_\\w+)"), key.out());
    String secret = first(Pattern.compile("(tg-[0-9A-Za-z]{40})"), key.out());

    Run rotate = cli(null, "keys", "rotate", keyId, "--grace", "0s", "--master-key", "");
    assertThat(rotate.exit()).as(rotate.err()).isZero();
    String newSecret = first(Pattern.compile("(tg-[0-9A-Za-z]{40})"), rotate.out());
    assertThat(newSecret).isNotEqualTo(secret);
    assertThat(gateway.get("/v1/models", secret).statusCode()).isEqualTo(401);
    assertThat(gateway.get("/v1/models", newSecret).statusCode()).isEqualTo(200);

    Run list = cli(null, "keys", "list", "--project", projectId, "--master-key", "");
    assertThat(list.out()).contains(keyId).contains("web-key");
    Run users = cli(null, "users", "list", "--master-key", "");
    assertThat(users.out()).contains("boss@example.com").contains("owner@*");
    Run audit = cli(null, "audit", "--action", "key.", "--master-key", "");
    assertThat(audit.out()).contains("key.rotate").contains("boss@example.com");

    Run logout = cli(null, "logout", "--master-key", "");
    assertThat(logout.exit()).as(logout.err()).isZero();
    assertThat(session).doesNotExist();
    Run after = cli(null, "orgs", "list", "--master-key", "");
    assertThat(after.exit()).isEqualTo(1);
    assertThat(after.err()).contains("no credentials");
  }
}
