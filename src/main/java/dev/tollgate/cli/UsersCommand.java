package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "users", description = "Users and their roles (through the running server).",
    subcommands = {UsersCommand.CreateOwner.class, UsersCommand.Create.class, UsersCommand.ListUsers.class,
        UsersCommand.Grant.class, UsersCommand.RevokeRole.class, UsersCommand.Disable.class})
final class UsersCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static ObjectNode role(String role, String org, String project) {
    ObjectNode r = Json.object().put("role", role);
    if (org != null) {
      r.put("org_id", org);
    }
    if (project != null) {
      r.put("project_id", project);
    }
    return r;
  }

  static void print(JsonNode u) {
    StringBuilder roles = new StringBuilder();
    for (JsonNode r : u.path("roles")) {
      if (!roles.isEmpty()) {
        roles.append(", ");
      }
      roles.append(r.path("role").asText()).append('@').append(r.path("project_id").isTextual() ? r.path("project_id").asText()
          : r.path("org_id").isTextual() ? r.path("org_id").asText() : "*").append(" (").append(r.path("id").asText()).append(')');
    }
    System.out.printf("%-22s %-32s %-20s %-8s %s%n", u.path("id").asText(), Commands.cut(u.path("email").asText(), 32),
        Commands.cut(u.path("name").asText(), 20), u.path("disabled_at").isNull() ? "active" : "disabled", roles);
  }

  @Command(name = "create-owner", description = "Create a global owner (with the master key): the first user of a gateway.")
  static final class CreateOwner implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--email", required = true, description = "The owner's email (the login).")
    String email;

    @Option(names = "--name", description = "Display name (default: the email).")
    String name;

    @Option(names = "--password-stdin", description = "Read the password from standard input instead of the terminal.")
    boolean passwordStdin;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        String password = Passwords.read("Password for " + email + ": ", passwordStdin);
        ObjectNode body = Json.object().put("email", email).put("password", password);
        if (name != null) {
          body.put("name", name);
        }
        body.putArray("roles").add(role("owner", null, null));
        JsonNode u = AdminClient.from(admin).post("/api/v1/users", body);
        System.out.println("created owner " + u.path("id").asText() + " (" + u.path("email").asText() + "); log in with: tollgate login --email "
            + u.path("email").asText());
      });
    }
  }

  @Command(name = "create", description = "Create a user with one role (on the gateway, an org or a project).")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--email", required = true, description = "The user's email (the login).")
    String email;

    @Option(names = "--name", description = "Display name (default: the email).")
    String name;

    @Option(names = "--role", required = true, description = "owner, admin, member or viewer.")
    String role;

    @Option(names = "--org-id", description = "The org the role is on.")
    String orgId;

    @Option(names = "--project", description = "The project the role is on (narrower than an org).")
    String projectId;

    @Option(names = "--password-stdin", description = "Read the password from standard input instead of the terminal.")
    boolean passwordStdin;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        String password = Passwords.read("Password for " + email + ": ", passwordStdin);
        ObjectNode body = Json.object().put("email", email).put("password", password);
        if (name != null) {
          body.put("name", name);
        }
        body.putArray("roles").add(role(role, orgId, projectId));
        print(AdminClient.from(admin).post("/api/v1/users", body));
      });
    }
  }

  @Command(name = "list", description = "Users with a role in your scope.")
  static final class ListUsers implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        AdminClient client = AdminClient.from(admin);
        System.out.printf("%-22s %-32s %-20s %-8s %s%n", "ID", "EMAIL", "NAME", "STATUS", "ROLES");
        Commands.pages(client, "/api/v1/users?limit=1000", UsersCommand::print);
      });
    }
  }

  @Command(name = "grant", description = "Give a user a role.")
  static final class Grant implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "USER_ID")
    String id;

    @Option(names = "--role", required = true, description = "owner, admin, member or viewer.")
    String role;

    @Option(names = "--org-id", description = "The org the role is on.")
    String orgId;

    @Option(names = "--project", description = "The project the role is on.")
    String projectId;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        JsonNode r = AdminClient.from(admin).post("/api/v1/users/" + id + "/roles", role(role, orgId, projectId));
        System.out.println("granted " + r.path("role").asText() + " (" + r.path("id").asText() + ")");
      });
    }
  }

  @Command(name = "revoke-role", description = "Take a role away from a user.")
  static final class RevokeRole implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "USER_ID")
    String id;

    @Parameters(index = "1", paramLabel = "ROLE_ID", description = "See 'users list'.")
    String roleId;

    @Override
    public Integer call() {
      return Commands.run(() -> {
        AdminClient.from(admin).delete("/api/v1/users/" + id + "/roles/" + roleId);
        System.out.println("removed role " + roleId);
      });
    }
  }

  @Command(name = "disable", description = "Disable a user: their sessions stop working, they cannot log in.")
  static final class Disable implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "USER_ID")
    String id;

    @Override
    public Integer call() {
      return Commands.run(() -> print(AdminClient.from(admin).delete("/api/v1/users/" + id)));
    }
  }

}
