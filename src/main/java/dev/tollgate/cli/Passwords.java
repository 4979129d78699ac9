package dev.tollgate.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a password without echo from the terminal, or one line from standard input (scripts, CI). */
final class Passwords {
  private Passwords() {}

  static String read(String prompt, boolean fromStdin) {
    Console console = System.console();
    if (!fromStdin && console != null) {
      char[] pw = console.readPassword("%s", prompt);
      if (pw == null) {
        throw new CliException("no password given");
      }
      return new String(pw);
    }
    try {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new CliException("no password on standard input");
      }
      return line;
    } catch (IOException e) {
      throw new CliException("cannot read the password: " + e.getMessage());
    }
  }
}
