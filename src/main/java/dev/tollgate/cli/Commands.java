package dev.tollgate.cli;

/** Shared CLI plumbing: turn a {@link CliException} into a message and exit code 1. */
final class Commands {
  private Commands() {}

  interface Body {
    void run();
  }

  static int run(Body body) {
    try {
      body.run();
      return 0;
    } catch (CliException e) {
      System.err.println("tollgate: " + e.getMessage());
      return 1;
    }
  }

  static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }
}
