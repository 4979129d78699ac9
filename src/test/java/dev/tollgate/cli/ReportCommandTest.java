package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TestGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate report} against a real server: the summary the admin API computed, made readable. */
class ReportCommandTest {
  @Test
  void report_printsTotalsSparklineForecastAndTopModels(@TempDir Path dir) {
    try (TestGateway gw = TestGateway.start(dir)) {
      for (String model : List.of("mock-large", "mock-large", "mock-small")) {
        String id = "req-report-" + model + "-" + System.nanoTime();
        gw.post("/v1/chat/completions", gw.masterKey(),
            "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", id);
        gw.awaitUsage(id);
      }
      StringWriter text = new StringWriter();
      CommandLine cli = new CommandLine(new Cli());
      cli.setOut(new PrintWriter(text));
      int exit = cli.execute("report", "--period", "this-month", "--url", gw.baseUrl(), "--master-key", gw.masterKey());

      String out = text.toString();
      assertThat(exit).as(out).isZero();
      assertThat(out).contains("Tollgate cost report: this-month");
      assertThat(out).containsPattern("Spend +\\$\\d+\\.\\d\\d");
      assertThat(out).containsPattern("Requests +3 ");
      assertThat(out).containsPattern("Daily +[▁▂▃▄▅▆▇█]+");
      assertThat(out).contains("Forecast").contains("by the end of the month");
      assertThat(out).containsPattern("(?s)Top models.*mock-large.*mock-small");
    }
  }

  @Test
  void badPeriod_isReportedWithTheServersMessage(@TempDir Path dir) {
    try (TestGateway gw = TestGateway.start(dir)) {
      java.io.PrintStream err = System.err;
      java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
      System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
      int exit;
      try {
        exit = new CommandLine(new Cli()).execute("report", "--period", "fortnight", "--url", gw.baseUrl(), "--master-key", gw.masterKey());
      } finally {
        System.setErr(err);
      }
      assertThat(exit).isEqualTo(1);
      assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("400").contains("period: 'fortnight'");
    }
  }

  @Test
  void sparkline_scalesToTheLargestDay() {
    assertThat(ReportCommand.sparkline(List.of(0L, 50L, 100L))).isEqualTo("▁▅█");
    assertThat(ReportCommand.sparkline(List.of(0L, 0L))).isEqualTo("▁▁");
    assertThat(ReportCommand.usd("1234567.125000000")).isEqualTo("$1,234,567.13");
  }
}
