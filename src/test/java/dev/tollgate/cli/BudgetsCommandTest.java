package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate budgets ...} and {@code tollgate alerts ...} against a running server's admin API. */
class BudgetsCommandTest {
  @TempDir static Path dir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dir);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private record Run(int exit, String out, String err) {}

  private static synchronized Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", gw.baseUrl(), "--master-key", gw.masterKey()));
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = new CommandLine(new Cli()).execute(all.toArray(String[]::new));
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void createListStatusUpdateDelete_throughTheAdminApi() {
    KeyService.CreatedKey key = gw.createKey();
    Run created = run("budgets", "create", "--name", "cli-budget", "--scope", "key", "--value", key.key().id(), "--amount", "25",
        "--period", "week");
    assertThat(created.exit()).as(created.err()).isZero();
    String id = created.out().split(" ")[2];
    assertThat(created.out()).contains("$25.000000000 per week, block");
    assertThat(gw.post("/v1/chat/completions", key.secret(),
        "{\"model\": \"mock-small\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").statusCode()).isEqualTo(200);

    Run list = run("budgets", "list");
    Run status = run("budgets", "status", id);
    Run updated = run("budgets", "update", id, "--amount", "30");
    Run deleted = run("budgets", "delete", id);
    Run gone = run("budgets", "status", id);

    assertThat(list.out()).contains(id).contains("cli-budget");
    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains("amount      $25.000000000").contains("spent       $0.0000").contains("reserved    $0.000000000")
        .contains("burn rate").contains("exhaustion");
    assertThat(updated.out()).contains("$30.000000000 per week");
    assertThat(deleted.out()).contains("deleted budget " + id);
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("404");
  }

  @Test
  void alertsCommands_listRulesAndEvents() {
    assertThat(gw.post("/api/v1/alerts/rules", gw.masterKey(), """
        {"name": "cli-rule", "type": "burn_rate", "channels": [{"type": "slack", "url": "http://127.0.0.1:9/hook"}]}
        """).statusCode()).isEqualTo(201);

    Run rules = run("alerts", "rules");
    Run events = run("alerts", "events", "--limit", "5");

    assertThat(rules.exit()).isZero();
    assertThat(rules.out()).contains("cli-rule").contains("burn_rate").contains("slack http://127.0.0.1:9");
    assertThat(events.exit()).isZero();
  }
}
