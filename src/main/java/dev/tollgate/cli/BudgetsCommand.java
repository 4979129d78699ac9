package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "budgets", description = "Create, list, inspect and delete budgets (through the running server).",
    subcommands = {BudgetsCommand.Create.class, BudgetsCommand.ListBudgets.class, BudgetsCommand.Status.class,
        BudgetsCommand.Update.class, BudgetsCommand.Delete.class})
final class BudgetsCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "create", description = "Create a budget.")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--name", required = true, description = "A name for the budget.")
    String name;

    @Option(names = "--scope", required = true, description = "org, project, key, user or tag.")
    String scope;

    @Option(names = "--value", required = true, description = "The org id, project id, key id, user id or tag.")
    String value;

    @Option(names = "--amount", required = true, description = "USD per period, e.g. 100.00.")
    String amount;

    @Option(names = "--period", defaultValue = "month", description = "day, week, month or total (default ${DEFAULT-VALUE}).")
    String period;

    @Option(names = "--action", defaultValue = "block", description = "block, downgrade or alert-only (default ${DEFAULT-VALUE}).")
    String action;

    @Option(names = "--downgrade-to", description = "The cheaper model served once spent (action downgrade).")
    String downgradeTo;

    @Option(names = "--thresholds", split = ",", description = "Alert thresholds in percent (default 50,80,100).")
    List<Integer> thresholds;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        ObjectNode body = Json.object().put("name", name).put("scope", scope).put("scope_value", value)
            .put("amount_usd", amount).put("period", period).put("action", action);
        if (downgradeTo != null) {
          body.put("downgrade_to", downgradeTo);
        }
        if (thresholds != null) {
          thresholds.forEach(body.putArray("thresholds")::add);
        }
        JsonNode b = AdminClient.from(admin).post("/api/v1/budgets", body);
        System.out.println("created budget " + b.path("id").asText() + " (" + b.path("name").asText() + "): $"
            + b.path("amount_usd").asText() + " per " + b.path("period").asText() + ", " + b.path("action").asText());
      });
    }
  }

  @Command(name = "list", description = "List budgets.")
  static final class ListBudgets implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode list = AdminClient.from(admin).get("/api/v1/budgets");
        System.out.printf("%-24s %-20s %-20s %-6s %16s %s%n", "ID", "NAME", "SCOPE", "PERIOD", "AMOUNT USD", "ACTION");
        for (JsonNode b : list.path("data")) {
          System.out.printf("%-24s %-20s %-20s %-6s %16s %s%n", b.path("id").asText(), Commands.cut(b.path("name").asText(), 20),
              Commands.cut(b.path("scope").asText() + ":" + b.path("scope_value").asText(), 20), b.path("period").asText(),
              b.path("amount_usd").asText(), b.path("action").asText());
        }
      });
    }
  }

  @Command(name = "status", description = "Spent, reserved, remaining, burn rate and projected exhaustion of a budget.")
  static final class Status implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ID", description = "The budget id (see budgets list).")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode s = AdminClient.from(admin).get("/api/v1/budgets/" + id + "/status");
        System.out.println("budget      " + s.path("budget_id").asText() + " (" + s.path("name").asText() + ")");
        System.out.println("period      " + s.path("period").asText() + " " + s.path("period_key").asText() + " from "
            + s.path("period_start").asText() + (s.path("period_end").isNull() ? "" : " to " + s.path("period_end").asText()));
        System.out.println("amount      $" + s.path("amount_usd").asText());
        System.out.println("spent       $" + s.path("spent_usd").asText() + " (" + s.path("utilisation_percent").asText() + "%)");
        System.out.println("reserved    $" + s.path("reserved_usd").asText());
        System.out.println("remaining   $" + s.path("remaining_usd").asText());
        System.out.println("burn rate   $" + s.path("burn_rate_usd_per_hour").asText() + " per hour");
        System.out.println("projected   " + (s.path("projected_period_spend_usd").isNull() ? "-" : "$" + s.path("projected_period_spend_usd").asText()));
        System.out.println("exhaustion  " + (s.path("projected_exhaustion_at").isNull() ? "not before the period ends" : s.path("projected_exhaustion_at").asText()));
        System.out.println("action      " + s.path("action").asText() + (s.path("exhausted").asBoolean() ? " (exhausted)" : ""));
      });
    }
  }

  @Command(name = "update", description = "Change a budget's amount, action or thresholds.")
  static final class Update implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ID", description = "The budget id.")
    String id;

    @Option(names = "--amount", description = "USD per period.")
    String amount;

    @Option(names = "--action", description = "block, downgrade or alert-only.")
    String action;

    @Option(names = "--downgrade-to", description = "The cheaper model (action downgrade).")
    String downgradeTo;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        ObjectNode body = Json.object();
        if (amount != null) {
          body.put("amount_usd", amount);
        }
        if (action != null) {
          body.put("action", action);
        }
        if (downgradeTo != null) {
          body.put("downgrade_to", downgradeTo);
        }
        JsonNode b = AdminClient.from(admin).patch("/api/v1/budgets/" + id, body);
        System.out.println("updated budget " + b.path("id").asText() + ": $" + b.path("amount_usd").asText() + " per "
            + b.path("period").asText() + ", " + b.path("action").asText());
      });
    }
  }

  @Command(name = "delete", description = "Delete a budget.")
  static final class Delete implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ID", description = "The budget id.")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        AdminClient.from(admin).delete("/api/v1/budgets/" + id);
        System.out.println("deleted budget " + id);
      });
    }
  }
}
