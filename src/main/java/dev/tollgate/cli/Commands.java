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

  /** Prints every item of a paginated list, following next_cursor. */
  static void pages(AdminClient client, String path, java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> each) {
    String cursor = null;
    do {
      com.fasterxml.jackson.databind.JsonNode page = client.get(path + (cursor == null ? "" : (path.contains("?") ? "&" : "?") + "cursor=" + enc(cursor)));
      page.path("data").forEach(each);
      cursor = page.path("has_more").asBoolean() ? page.path("next_cursor").asText() : null;
    } while (cursor != null);
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }
}
