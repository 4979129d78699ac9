package dev.tollgate.cli;

import picocli.CommandLine.Option;

/** Where the running server is and how to authenticate to its admin API. */
final class AdminOptions {
  @Option(names = "--url", defaultValue = "${env:TOLLGATE_URL:-http://127.0.0.1:4000}",
      description = "Server base URL (default: $TOLLGATE_URL or ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--master-key", defaultValue = "${env:TOLLGATE_MASTER_KEY}",
      description = "Master key (default: $TOLLGATE_MASTER_KEY).")
  String masterKey;
}
