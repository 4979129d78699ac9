package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "alerts", description = "Alert rules, alert history and deliveries (through the running server).",
    subcommands = {AlertsCommand.Rules.class, AlertsCommand.Events.class, AlertsCommand.Deliveries.class, AlertsCommand.Test.class})
final class AlertsCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "rules", description = "List alert rules (secrets are never shown).")
  static final class Rules implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode list = AdminClient.from(admin).get("/api/v1/alerts/rules");
        System.out.printf("%-26s %-20s %-17s %-24s %s%n", "ID", "NAME", "TYPE", "BUDGET", "CHANNELS");
        for (JsonNode r : list.path("data")) {
          StringBuilder ch = new StringBuilder();
          r.path("channels").forEach(c -> ch.append(ch.isEmpty() ? "" : ", ").append(c.path("type").asText()).append(' ')
              .append(c.path("target").asText()));
          System.out.printf("%-26s %-20s %-17s %-24s %s%n", r.path("id").asText(), Commands.cut(r.path("name").asText(), 20),
              r.path("type").asText(), r.path("budget_id").isNull() ? "*" : r.path("budget_id").asText(), ch);
        }
      });
    }
  }

  @Command(name = "events", description = "Alert history, newest first.")
  static final class Events implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--limit", defaultValue = "50", description = "How many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode list = AdminClient.from(admin).get("/api/v1/alerts/events?limit=" + limit);
        for (JsonNode e : list.path("data")) {
          System.out.printf("%s  %-8s %-26s %s%n", e.path("created_at").asText(), e.path("severity").asText(), e.path("id").asText(),
              e.path("summary").asText());
        }
      });
    }
  }

  @Command(name = "deliveries", description = "The delivery log of one alert.")
  static final class Deliveries implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "EVENT_ID", description = "The alert id (see alerts events).")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode list = AdminClient.from(admin).get("/api/v1/alerts/events/" + id + "/deliveries");
        for (JsonNode d : list.path("data")) {
          System.out.printf("%s  %-9s attempt %d  %-9s %s %s%n", d.path("created_at").asText(), d.path("channel").asText(),
              d.path("attempt").asInt(), d.path("outcome").asText(), d.path("target").asText(),
              d.path("error").isNull() ? "" : d.path("error").asText());
        }
      });
    }
  }

  @Command(name = "test", description = "Send a test alert through a rule's channels.")
  static final class Test implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "RULE_ID", description = "The rule id (see alerts rules).")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode e = AdminClient.from(admin).post("/api/v1/alerts/rules/" + id + "/test", dev.tollgate.common.Json.object());
        System.out.println("sent test alert " + e.path("id").asText() + "; see: tollgate alerts deliveries " + e.path("id").asText());
      });
    }
  }
}
