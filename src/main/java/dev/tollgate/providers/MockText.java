package dev.tollgate.providers;

import dev.tollgate.common.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic text for the mock provider: the same prompt and model always give the same reply. */
final class MockText {
  private static final String[] WORDS = {
      "the", "gateway", "routes", "every", "request", "to", "a", "provider", "and", "meters", "tokens", "with",
      "care", "budgets", "hold", "under", "load", "while", "streams", "flow", "through", "quickly", "cost",
      "is", "counted", "in", "nano", "dollars", "so", "nothing", "leaks", "across", "replicas", "latency",
      "stays", "low", "model", "answers", "are", "cached", "when", "safe", "retries", "back", "off", "gently",
      "fallbacks", "keep", "service", "up", "ledger", "records", "each", "call", "once", "exactly", "alerts",
      "fire", "before", "money", "runs", "out", "forecasts", "show", "trends"};

  private MockText() {}

  /** Stable 64-bit FNV-1a over the text: a seed that does not change between runs or JVMs. */
  static long seed(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** How many words a mock model says by default. */
  static int defaultWords(String model) {
    if (model.contains("large")) {
      return 48;
    }
    if (model.contains("small")) {
      return 16;
    }
    return 24;
  }

  /** The reply as pieces (one per streamed chunk), and whether it was cut by {@code maxTokens}. */
  record Reply(List<String> pieces, String text, int tokens, boolean truncated) {}

  static Reply reply(String model, String prompt, String lastUserMessage, long maxTokens) {
    SplittableRandom random = new SplittableRandom(seed(model + "\u0000" + prompt));
    List<String> pieces = new ArrayList<>();
    pieces.add("Mock");
    pieces.add(" reply");
    String[] echo = lastUserMessage.strip().split("\\s+");
    if (!lastUserMessage.isBlank()) {
      pieces.add(" to");
      for (int i = 0; i < Math.min(6, echo.length); i++) {
        pieces.add((i == 0 ? " \"" : " ") + echo[i] + (i == Math.min(6, echo.length) - 1 ? "\":" : ""));
      }
    } else {
      pieces.add(":");
    }
    int words = defaultWords(model);
    for (int i = 0; i < words; i++) {
      String w = WORDS[random.nextInt(WORDS.length)];
      pieces.add(" " + w + (i == words - 1 ? "." : ""));
    }
    StringBuilder text = new StringBuilder();
    List<String> kept = new ArrayList<>();
    boolean truncated = false;
    for (String piece : pieces) {
      String candidate = text + piece;
      if (Tokenizer.count(candidate) > maxTokens) {
        truncated = true;
        break;
      }
      text.append(piece);
      kept.add(piece);
    }
    String out = text.toString();
    return new Reply(kept, out, Tokenizer.count(out), truncated);
  }
}
