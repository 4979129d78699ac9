package dev.tollgate;

import dev.tollgate.cli.Cli;
import picocli.CommandLine;

/** The {@code tollgate} launcher's entry point: picocli subcommands. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = new CommandLine(new Cli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (code != 0 || !Cli.keepRunning()) {
      System.exit(code);
    }
  }
}
