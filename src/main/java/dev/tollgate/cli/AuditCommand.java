package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "The audit log, newest first: who changed what, when, from where.")
final class AuditCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--action", description = "An action (key.create) or a prefix ending in a dot (key.).")
  String action;

  @Option(names = "--actor", description = "A user id, email or 'master'.")
  String actor;

  @Option(names = "--target", description = "The id of the changed object.")
  String target;

  @Option(names = "--since", description = "ISO-8601 instant.")
  String since;

  @Option(names = {"-n", "--limit"}, defaultValue = "50", description = "How many entries (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "One JSON object per line, with before and after.")
  boolean json;

  @Override
  public Integer call() {
    return Commands.run(() -> {
      StringBuilder q = new StringBuilder("/api/v1/audit?limit=" + Math.max(1, Math.min(limit, 1000)));
      add(q, "action", action);
      add(q, "actor", actor);
      add(q, "target_id", target);
      add(q, "from", since);
      JsonNode page = AdminClient.from(admin).get(q.toString());
      if (!json) {
        System.out.printf("%-24s %-26s %-20s %-24s %s%n", "AT", "ACTOR", "ACTION", "TARGET", "FROM");
      }
      for (JsonNode e : page.path("data")) {
        if (json) {
          System.out.println(e);
        } else {
          System.out.printf("%-24s %-26s %-20s %-24s %s%n", e.path("at").asText(),
              Commands.cut(e.path("actor_email").isTextual() ? e.path("actor_email").asText() : e.path("actor").asText(), 26),
              e.path("action").asText(), e.path("target_id").asText(), e.path("source_ip").asText(""));
        }
      }
    });
  }

  private static void add(StringBuilder q, String name, String value) {
    if (value != null && !value.isBlank()) {
      q.append('&').append(name).append('=').append(Commands.enc(value));
    }
  }
}
