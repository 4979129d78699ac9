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

@Command(name = "keys", description = "Create, list and revoke API keys (through the running server).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "create", description = "Create a virtual key; its secret is printed once.")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--name", required = true, description = "A name for the key (unique among active keys).")
    String name;

    @Option(names = "--models", split = ",", description = "Models the key may use (default: all).")
    List<String> models;

    @Option(names = "--expires-at", description = "ISO-8601 instant after which the key stops working.")
    String expiresAt;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        ObjectNode body = Json.object().put("name", name);
        if (models != null) {
          models.forEach(body.putArray("models")::add);
        }
        if (expiresAt != null) {
          body.put("expires_at", expiresAt);
        }
        JsonNode key = AdminClient.from(admin).post("/api/v1/keys", body);
        System.out.println("created key " + key.path("id").asText() + " (" + key.path("name").asText() + ")");
        System.out.println();
        System.out.println("  " + key.path("key").asText());
        System.out.println();
        System.out.println("This is the only time the key is shown. Only its hash is stored.");
      });
    }
  }

  @Command(name = "list", description = "List keys (hints only; secrets are never stored).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode list = AdminClient.from(admin).get("/api/v1/keys");
        System.out.printf("%-22s %-20s %-12s %-8s %-8s %-24s %s%n", "ID", "NAME", "HINT", "ROLE", "STATUS", "CREATED", "MODELS");
        for (JsonNode k : list.path("data")) {
          System.out.printf("%-22s %-20s %-12s %-8s %-8s %-24s %s%n", k.path("id").asText(), Commands.cut(k.path("name").asText(), 20),
              k.path("key_hint").asText(), k.path("role").asText(), k.path("status").asText(), k.path("created_at").asText(),
              k.path("models").isEmpty() ? "*" : k.path("models").toString());
        }
      });
    }
  }

  @Command(name = "revoke", description = "Revoke a key; it stops working on the next request.")
  static final class Revoke implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ID", description = "The key id (see keys list).")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode key = AdminClient.from(admin).post("/api/v1/keys/" + id + "/revoke", Json.object());
        System.out.println("revoked " + key.path("id").asText() + " (" + key.path("name").asText() + ") at " + key.path("revoked_at").asText());
      });
    }
  }
}
