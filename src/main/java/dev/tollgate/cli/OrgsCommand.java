package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "orgs", description = "Orgs (through the running server).",
    subcommands = {OrgsCommand.Create.class, OrgsCommand.ListOrgs.class, OrgsCommand.Rename.class, OrgsCommand.Delete.class})
final class OrgsCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static void print(JsonNode o) {
    System.out.printf("%-22s %-30s %s%n", o.path("id").asText(), Commands.cut(o.path("name").asText(), 30), o.path("created_at").asText());
  }

  @Command(name = "create", description = "Create an org (global admins).")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return Commands.run(() -> print(AdminClient.from(admin).post("/api/v1/orgs", Json.object().put("name", name))));
    }
  }

  @Command(name = "list", description = "Orgs you can see.")
  static final class ListOrgs implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        System.out.printf("%-22s %-30s %s%n", "ID", "NAME", "CREATED");
        Commands.pages(AdminClient.from(admin), "/api/v1/orgs?limit=1000", OrgsCommand::print);
      });
    }
  }

  @Command(name = "rename", description = "Rename an org (its owners/admins).")
  static final class Rename implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ORG_ID")
    String id;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return Commands.run(() -> print(AdminClient.from(admin).patch("/api/v1/orgs/" + Commands.enc(id), Json.object().put("name", name))));
    }
  }

  @Command(name = "delete", description = "Delete an org that has no projects left (global admins).")
  static final class Delete implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ORG_ID")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        AdminClient.from(admin).delete("/api/v1/orgs/" + Commands.enc(id));
        System.out.println("deleted org " + id);
      });
    }
  }
}

@Command(name = "projects", description = "Projects (through the running server).",
    subcommands = {ProjectsCommand.Create.class, ProjectsCommand.ListProjects.class, ProjectsCommand.Rename.class,
        ProjectsCommand.Delete.class})
final class ProjectsCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static void print(JsonNode p) {
    System.out.printf("%-22s %-22s %-30s %s%n", p.path("id").asText(), p.path("org_id").asText(),
        Commands.cut(p.path("name").asText(), 30), p.path("created_at").asText());
  }

  @Command(name = "create", description = "Create a project in an org (org owners/admins).")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--org-id", description = "The org (default: the org you act in).")
    String orgId;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        var body = Json.object().put("name", name);
        if (orgId != null) {
          body.put("org_id", orgId);
        }
        print(AdminClient.from(admin).post("/api/v1/projects", body));
      });
    }
  }

  @Command(name = "list", description = "Projects you can see.")
  static final class ListProjects implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--org-id", description = "Only this org's projects.")
    String orgId;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        System.out.printf("%-22s %-22s %-30s %s%n", "ID", "ORG", "NAME", "CREATED");
        Commands.pages(AdminClient.from(admin), "/api/v1/projects?limit=1000" + (orgId == null ? "" : "&org_id=" + Commands.enc(orgId)),
            ProjectsCommand::print);
      });
    }
  }

  @Command(name = "rename", description = "Rename a project.")
  static final class Rename implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "PROJECT_ID")
    String id;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return Commands.run(() -> print(AdminClient.from(admin).patch("/api/v1/projects/" + Commands.enc(id), Json.object().put("name", name))));
    }
  }

  @Command(name = "delete", description = "Delete a project with no active keys (org owners/admins).")
  static final class Delete implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "PROJECT_ID")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        AdminClient.from(admin).delete("/api/v1/projects/" + Commands.enc(id));
        System.out.println("deleted project " + id);
      });
    }
  }
}
