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
    subcommands = {UsageCommand.Tail.class, UsageCommand.Export.class})
final class UsageCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Filters shared by tail and export; they become the API's query parameters. */
  static final class Filters {
    @Option(names = "--from", description = "From this instant (ISO-8601, e.g. 2026-11-01T00:00:00Z).")
    String from;

    @Option(names = "--to", description = "Up to (excluding) this instant.")
    String to;

    @Option(names = "--model", description = "Only this model (requested or served).")
    String model;

    @Option(names = "--key-id", description = "Only this key.")
    String keyId;

    @Option(names = "--user", description = "Only this end user.")
    String user;

    @Option(names = "--provider", description = "Only this provider.")
    String provider;

    @Option(names = "--tag", description = "Only rows carrying this tag.")
    String tag;

    @Option(names = "--status", description = "Only this HTTP status.")
    Integer status;

    String query() {
      StringBuilder q = new StringBuilder();
      add(q, "from", from);
      add(q, "to", to);
      add(q, "model", model);
      add(q, "key_id", keyId);
      add(q, "user", user);
      add(q, "provider", provider);
      add(q, "tag", tag);
      add(q, "status", status == null ? null : status.toString());
      return q.toString();
    }

    private static void add(StringBuilder q, String name, String value) {
      if (value != null) {
        q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
  }

  @Command(name = "export", description = "Export usage records (oldest first) as CSV, JSON Lines or JSON.")
  static final class Export implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Mixin Filters filters;

    @Option(names = "--format", defaultValue = "csv", description = "csv, jsonl or json (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--output"}, description = "Write to this file instead of standard output.")
    java.nio.file.Path output;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        String path = "/api/v1/usage/export?format=" + URLEncoder.encode(format, StandardCharsets.UTF_8) + filters.query();
        AdminClient client = AdminClient.from(admin);
        if (output == null) {
          client.download(path, System.out);
          return;
        }
        try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(output))) {
          client.download(path, out);
        } catch (java.io.IOException e) {
          throw new CliException("cannot write " + output + ": " + e.getMessage());
        }
        System.err.println("exported to " + output);
      });
    }
  }

  @Command(name = "tail", description = "Show the newest usage records.")
  static final class Tail implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "How many records (default ${DEFAULT-VALUE}).")
    int lines;

    @Mixin Filters filters;

    @Option(names = "--json", description = "Print the records as JSON lines.")
    boolean json;

    @Option(names = {"-f", "--follow"}, description = "Keep polling and print new records as they arrive (Ctrl-C to stop).")
    boolean follow;

    @Option(names = "--interval", defaultValue = "1000", description = "Poll interval in ms with --follow (default ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        AdminClient client = AdminClient.from(admin);
        String q = "/api/v1/usage?limit=" + Math.max(1, Math.min(lines, 1000)) + filters.query();
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<JsonNode> rows = newestFirst(client.get(q));
        java.util.Collections.reverse(rows); // oldest first, like tail
        if (!json) {
          System.out.printf("%-24s %-32s %-18s %-12s %-6s %4s %8s %8s %7s %14s %s%n", "STARTED", "REQUEST ID", "MODEL", "KEY",
              "STREAM", "HTTP", "IN", "OUT", "MS", "COST USD", "FLAGS");
        }
        print(rows, seen);
        while (follow) {
          try {
            Thread.sleep(Math.max(100, intervalMillis));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          List<JsonNode> fresh = newestFirst(client.get("/api/v1/usage?limit=1000" + filters.query()));
          java.util.Collections.reverse(fresh);
          print(fresh, seen);
        }
      });
    }

    private static List<JsonNode> newestFirst(JsonNode page) {
      List<JsonNode> rows = new ArrayList<>();
      page.path("data").forEach(rows::add);
      return rows;
    }

    private void print(List<JsonNode> rows, java.util.Set<String> seen) {
      for (JsonNode r : rows) {
        if (!seen.add(r.path("request_id").asText() + "#" + r.path("attempt").asInt())) {
          continue;
        }
        if (json) {
          System.out.println(r);
          continue;
        }
        System.out.printf("%-24s %-32s %-18s %-12s %-6s %4d %8d %8d %7d %14s %s%n", r.path("started_at").asText(),
            Commands.cut(r.path("request_id").asText(), 32), Commands.cut(r.path("model_requested").asText(), 18),
            Commands.cut(r.path("key_id").asText(), 12), r.path("stream").asBoolean() ? "yes" : "no", r.path("status").asInt(),
            r.path("tokens").path("input").asLong() + r.path("tokens").path("cache_read").asLong(),
            r.path("tokens").path("output").asLong(), r.path("latency_ms").asLong(), r.path("cost_usd").asText(),
            r.path("flags").toString());
      }
      System.out.flush();
    }
  }
}
