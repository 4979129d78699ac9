package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "usage", description = "Read the usage ledger (through the running server).",
    subcommands = UsageCommand.Tail.class)
final class UsageCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "tail", description = "Show the newest usage records.")
  static final class Tail implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "How many records (default ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--model", description = "Only this model.")
    String model;

    @Option(names = "--key-id", description = "Only this key.")
    String keyId;

    @Option(names = "--json", description = "Print the records as JSON lines.")
    boolean json;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        StringBuilder q = new StringBuilder("/api/v1/usage?limit=" + Math.max(1, Math.min(lines, 1000)));
        if (model != null) {
          q.append("&model=").append(URLEncoder.encode(model, StandardCharsets.UTF_8));
        }
        if (keyId != null) {
          q.append("&key_id=").append(URLEncoder.encode(keyId, StandardCharsets.UTF_8));
        }
        JsonNode page = AdminClient.from(admin).get(q.toString());
        List<JsonNode> rows = new ArrayList<>();
        page.path("data").forEach(rows::add);
        java.util.Collections.reverse(rows); // oldest first, like tail
        if (json) {
          rows.forEach(System.out::println);
          return;
        }
        System.out.printf("%-24s %-32s %-18s %-12s %-6s %4s %8s %8s %7s %s%n", "STARTED", "REQUEST ID", "MODEL", "KEY", "STREAM",
            "HTTP", "IN", "OUT", "MS", "FLAGS");
        for (JsonNode r : rows) {
          System.out.printf("%-24s %-32s %-18s %-12s %-6s %4d %8d %8d %7d %s%n", r.path("started_at").asText(),
              Commands.cut(r.path("request_id").asText(), 32), Commands.cut(r.path("model_requested").asText(), 18),
              Commands.cut(r.path("key_id").asText(), 12), r.path("stream").asBoolean() ? "yes" : "no", r.path("status").asInt(),
              r.path("tokens").path("input").asLong() + r.path("tokens").path("cache_read").asLong(),
              r.path("tokens").path("output").asLong(), r.path("latency_ms").asLong(), r.path("flags").toString());
        }
      });
    }
  }
}
