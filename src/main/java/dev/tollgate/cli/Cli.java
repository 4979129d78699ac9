package dev.tollgate.cli;

import picocli.CommandLine.Command;

/** {@code tollgate <command>}. Commands that read or change state go through the running server's API. */
@Command(name = "tollgate", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
    description = "Self-hosted LLM gateway and cost-operations platform.",
    subcommands = {ServeCommand.class, ConfigCommand.class, KeysCommand.class, UsageCommand.class, PricingCommand.class,
        LoginCommand.class, LogoutCommand.class, UsersCommand.class, OrgsCommand.class, ProjectsCommand.class, AuditCommand.class,
        BudgetsCommand.class, AlertsCommand.class,
        ReportCommand.class})
public final class Cli implements Runnable {
  private static volatile boolean keepRunning;

  /** True once {@code serve} started: the JVM must not exit when main returns. */
  public static boolean keepRunning() {
    return keepRunning;
  }

  static void markServing() {
    keepRunning = true;
  }

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }
}
