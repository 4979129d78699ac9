package dev.tollgate.cli;

import dev.tollgate.common.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "logout", description = "End the saved session (the token stops working) and forget it.")
final class LogoutCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Override
  public Integer call() {
    return Commands.run(() -> {
      admin.masterKey = null; // log out the session, never "the master key"
      AdminClient.from(admin).post("/api/v1/auth/logout", Json.object());
      AdminClient.forgetSession(admin);
      System.out.println("logged out");
    });
  }
}
