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

@Command(name = "keys", description = "Create, list, rotate and revoke API keys (through the running server).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Update.class, KeysCommand.Rotate.class,
        KeysCommand.Revoke.class})
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

    @Option(names = "--project", description = "The project the key belongs to (default: yours, or the default project).")
    String project;

    @Option(names = "--rpm", description = "Requests per minute allowed to the key.")
    Long rpm;

    @Option(names = "--tpm", description = "Tokens per minute allowed to the key.")
    Long tpm;

    @Option(names = "--tags", split = ",", description = "Labels of the key.")
    List<String> tags;

    @Option(names = "--meta", description = "Metadata as key=value (repeatable).")
    java.util.Map<String, String> metadata;

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
        if (project != null) {
          body.put("project_id", project);
        }
        if (rpm != null) {
          body.put("rpm_limit", rpm);
        }
        if (tpm != null) {
          body.put("tpm_limit", tpm);
        }
        if (tags != null) {
          tags.forEach(body.putArray("tags")::add);
        }
        if (metadata != null) {
          ObjectNode meta = body.putObject("metadata");
          metadata.forEach(meta::put);
        }
        JsonNode key = AdminClient.from(admin).post("/api/v1/keys", body);
        System.out.println("created key " + key.path("id").asText() + " (" + key.path("name").asText() + ") in project "
            + key.path("project_id").asText());
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

    @Option(names = "--project", description = "Only this project's keys.")
    String project;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        System.out.printf("%-22s %-20s %-12s %-8s %-8s %-22s %-24s %s%n", "ID", "NAME", "HINT", "ROLE", "STATUS", "PROJECT", "LAST USED", "MODELS");
        Commands.pages(AdminClient.from(admin), "/api/v1/keys?limit=1000" + (project == null ? "" : "&project_id=" + Commands.enc(project)),
            k -> System.out.printf("%-22s %-20s %-12s %-8s %-8s %-22s %-24s %s%n", k.path("id").asText(), Commands.cut(k.path("name").asText(), 20),
              k.path("key_hint").asText(), k.path("role").asText(), k.path("status").asText(), k.path("project_id").asText("-"),
              k.path("last_used_at").asText("-"), k.path("models").isEmpty() ? "*" : k.path("models").toString()));
      });
    }
  }

  @Command(name = "update", description = "Change a key's name, models, expiry, limits, tags or metadata (the secret stays).")
  static final class Update implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ID", description = "The key id (see keys list).")
    String id;

    @Option(names = "--name", description = "A new name.")
    String name;

    @Option(names = "--models", split = ",", description = "Models the key may use (replaces the list).")
    List<String> models;

    @Option(names = "--expires-at", description = "ISO-8601 instant, or 'never'.")
    String expiresAt;

    @Option(names = "--rpm", description = "Requests per minute (0 removes the limit).")
    Long rpm;

    @Option(names = "--tpm", description = "Tokens per minute (0 removes the limit).")
    Long tpm;

    @Option(names = "--tags", split = ",", description = "Labels (replaces the list).")
    List<String> tags;

    @Option(names = "--meta", description = "Metadata as key=value, repeatable (replaces the map).")
    java.util.Map<String, String> metadata;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        ObjectNode body = Json.object();
        if (name != null) {
          body.put("name", name);
        }
        if (models != null) {
          models.forEach(body.putArray("models")::add);
        }
        if (expiresAt != null) {
          if (expiresAt.equals("never")) {
            body.putNull("expires_at");
          } else {
            body.put("expires_at", expiresAt);
          }
        }
        if (rpm != null) {
          if (rpm == 0) {
            body.putNull("rpm_limit");
          } else {
            body.put("rpm_limit", rpm);
          }
        }
        if (tpm != null) {
          if (tpm == 0) {
            body.putNull("tpm_limit");
          } else {
            body.put("tpm_limit", tpm);
          }
        }
        if (tags != null) {
          tags.forEach(body.putArray("tags")::add);
        }
        if (metadata != null) {
          ObjectNode meta = body.putObject("metadata");
          metadata.forEach(meta::put);
        }
        JsonNode key = AdminClient.from(admin).patch("/api/v1/keys/" + id, body);
        System.out.println("updated " + key.path("id").asText() + " (" + key.path("name").asText() + ")");
      });
    }
  }

  @Command(name = "rotate", description = "Issue a new secret for a key; the old one works for a grace period. The new secret is printed once.")
  static final class Rotate implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ID", description = "The key id (see keys list).")
    String id;

    @Option(names = "--grace", description = "How long the old secret keeps working: 0s, 10m, 24h ... (default: auth.key-rotation-grace).")
    String grace;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        ObjectNode body = Json.object();
        if (grace != null) {
          try {
            body.put("grace_seconds", dev.tollgate.common.Durations.parseDuration("--grace", grace).toSeconds());
          } catch (dev.tollgate.common.ConfigException e) {
            throw new CliException(e.getMessage());
          }
        }
        JsonNode key = AdminClient.from(admin).post("/api/v1/keys/" + id + "/rotate", body);
        System.out.println("rotated " + id + " -> " + key.path("id").asText() + "; the old secret works until "
            + key.path("replaces").path("expires_at").asText());
        System.out.println();
        System.out.println("  " + key.path("key").asText());
        System.out.println();
        System.out.println("This is the only time the new key is shown. Only its hash is stored.");
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
