package dev.tollgate.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pricing", description = "Model prices: show, check, override (through the running server).",
    subcommands = {PricingCommand.Show.class, PricingCommand.Check.class, PricingCommand.AddOverride.class})
final class PricingCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "show", description = "The prices of a model now (or --at an instant), and its price history.")
  static final class Show implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "MODEL", description = "A configured model name or any catalog model (e.g. gpt-4o, anthropic/claude-sonnet-4-5).")
    String model;

    @Option(names = "--provider", description = "Provider to price it as (openai, azure, anthropic, gemini, bedrock ...).")
    String provider;

    @Option(names = "--at", description = "ISO-8601 instant (default: now).")
    String at;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        StringBuilder q = new StringBuilder("/api/v1/prices?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8));
        if (provider != null) {
          q.append("&provider=").append(URLEncoder.encode(provider, StandardCharsets.UTF_8));
        }
        if (at != null) {
          q.append("&at=").append(URLEncoder.encode(at, StandardCharsets.UTF_8));
        }
        JsonNode r = AdminClient.from(admin).get(q.toString());
        JsonNode cur = r.path("current");
        System.out.println(r.path("model").asText() + "  (catalog key " + r.path("key").asText() + ")");
        if (cur.isNull() || cur.isMissingNode()) {
          System.out.println("  no price in effect at " + r.path("at").asText());
        } else {
          System.out.println("  provider " + cur.path("provider").asText() + ", mode " + cur.path("mode").asText()
              + (cur.path("max_input_tokens").isNull() ? "" : ", max input " + cur.path("max_input_tokens").asLong() + " tokens"));
          System.out.println("  version  " + cur.path("version").path("id").asText() + " (from "
              + cur.path("version").path("effective_from").asText() + ")");
          for (JsonNode tier : cur.path("tiers")) {
            long above = tier.path("above_input_tokens").asLong();
            System.out.println(above == 0 ? "  prices (USD per million tokens unless stated):" : "  above " + above + " input tokens:");
            for (Map.Entry<String, JsonNode> st : tier.properties()) {
              if (st.getKey().equals("above_input_tokens")) {
                continue;
              }
              StringBuilder line = new StringBuilder("    " + String.format("%-9s", st.getKey()));
              for (Map.Entry<String, JsonNode> rate : st.getValue().properties()) {
                line.append(' ').append(rate.getKey().replace("_per_million", "")).append('=').append(rate.getValue().asText());
              }
              System.out.println(line);
            }
          }
        }
        System.out.println("  history:");
        for (JsonNode v : r.path("history")) {
          System.out.println("    " + v.path("effective_from").asText() + "  " + v.path("source").asText() + "  " + v.path("id").asText());
        }
      });
    }
  }

  @Command(name = "check", description = "List configured models that have no price (exit 1 if any), optionally cross-check against genai-prices.")
  static final class Check implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--cross-check", description = "Also compare the catalog with the bundled genai-prices data.")
    boolean crossCheck;

    @Override
    public Integer call() {
      int[] exit = {0};
      int code = Commands.run(() -> {
        AdminClient client = AdminClient.from(admin);
        JsonNode r = client.get("/api/v1/prices/check");
        for (JsonNode m : r.path("models")) {
          System.out.printf("%-28s %-18s %-8s %s%n", m.path("model").asText(), m.path("provider").asText(),
              m.path("priced").asBoolean() ? "priced" : "UNPRICED",
              m.path("priced").asBoolean() ? m.path("version").path("id").asText() : "requests are flagged unpriced; add a pricing override");
        }
        if (r.path("unpriced").asInt() > 0) {
          exit[0] = 1;
        }
        if (crossCheck) {
          JsonNode x = client.get("/api/v1/prices/cross-check");
          System.out.println();
          System.out.println("cross-check with genai-prices at " + x.path("date").asText() + ": " + x.path("compared").asInt()
              + " models compared, " + x.path("discrepancies").size() + " differences, " + x.path("unmatched").asInt() + " unmatched");
          x.path("discrepancies").forEach(d -> System.out.println("  " + d.asText()));
        }
      });
      return code != 0 ? code : exit[0];
    }
  }

  @Command(name = "override", description = "Add a price override from a YAML/JSON file (the shape of a pricing.overrides entry).")
  static final class AddOverride implements Callable<Integer> {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
        .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);

    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "FILE", description = "e.g. {model: gpt-4o, effective-from: 2026-12-01, input-per-million: \"2.00\", output-per-million: \"8.00\"}")
    Path file;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode spec;
        try {
          spec = YAML.readTree(file.toFile());
        } catch (IOException e) {
          throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        JsonNode m = AdminClient.from(admin).post("/api/v1/prices/overrides", spec);
        System.out.println("override applied: " + m.path("key").asText() + " version " + m.path("version").path("id").asText()
            + " from " + m.path("version").path("effective_from").asText());
      });
    }
  }
}
