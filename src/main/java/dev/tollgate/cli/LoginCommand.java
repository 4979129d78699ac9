package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "login", description = "Log in as a user; the session is saved in ~/.config/tollgate/session.json (or printed).")
final class LoginCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--email", required = true, description = "Your email.")
  String email;

  @Option(names = "--password-stdin", description = "Read the password from standard input instead of the terminal.")
  boolean passwordStdin;

  @Option(names = "--print", description = "Print the token (for TOLLGATE_TOKEN) instead of saving it.")
  boolean print;

  @Override
  public Integer call() {
    return Commands.run(() -> {
      String password = Passwords.read("Password for " + email + ": ", passwordStdin);
      JsonNode session = AdminClient.anonymous(admin).post("/api/v1/auth/login",
          Json.object().put("email", email).put("password", password));
      if (print) {
        System.out.println(session.path("token").asText());
        return;
      }
      AdminClient.saveSession(admin, session);
      System.out.println("logged in as " + session.path("user").path("email").asText() + " until "
          + session.path("expires_at").asText() + " (session saved in " + AdminClient.sessionFile(admin) + ")");
    });
  }
}
