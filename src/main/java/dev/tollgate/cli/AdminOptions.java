package dev.tollgate.cli;

import picocli.CommandLine.Option;

/**
 * Where the running server is and how to authenticate to its admin API: a session token ({@code --token},
 * else {@code $TOLLGATE_TOKEN}), else the master key, else the session saved by {@code tollgate login}.
 */
final class AdminOptions {
  @Option(names = "--url", defaultValue = "${env:TOLLGATE_URL:-http://127.0.0.1:4000}",
      description = "Server base URL (default: $TOLLGATE_URL or ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--master-key", defaultValue = "${env:TOLLGATE_MASTER_KEY}",
      description = "Master key (default: $TOLLGATE_MASTER_KEY).")
  String masterKey;

  @Option(names = "--token", defaultValue = "${env:TOLLGATE_TOKEN}",
      description = "A session token from 'tollgate login --print' (default: $TOLLGATE_TOKEN).")
  String token;

  @Option(names = "--org", defaultValue = "${env:TOLLGATE_ORG}",
      description = "With a session: the org to act in, when you have roles in several (default: $TOLLGATE_ORG).")
  String org;

  @Option(names = "--as-project", defaultValue = "${env:TOLLGATE_PROJECT}",
      description = "With a session: narrow to one project (default: $TOLLGATE_PROJECT).")
  String project;

  @Option(names = "--session-file", defaultValue = "${env:TOLLGATE_SESSION_FILE}", hidden = true,
      description = "Where 'login' keeps the session (default: ~/.config/tollgate/session.json).")
  String sessionFile;
}
