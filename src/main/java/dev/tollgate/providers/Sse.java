package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Server-sent events: framing for what we send, and an incremental splitter for what we receive. */
public final class Sse {
  public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private Sse() {}

  /** Whether {@code event} is the {@code data: [DONE]} terminator. */
  public static boolean isDone(Buffer event) {
    int n = event.length();
    return n >= 12 && n <= 16 && event.toString(StandardCharsets.UTF_8).strip().equals("data: [DONE]");
  }

  public static Buffer data(JsonNode payload) {
    byte[] json = Json.bytes(payload);
    Buffer b = Buffer.buffer(json.length + 8);
    b.appendString("data: ").appendBytes(json).appendString("\n\n");
    return b;
  }

  /**
   * Splits a byte stream into events at blank lines ({@code \n\n} or {@code \r\n\r\n}), however the
   * bytes were chunked on the wire.
   */
  public static final class Splitter {
    private Buffer pending = Buffer.buffer();

    /** Feeds bytes; calls {@code sink} with each complete event's raw text (without the blank line). */
    public void feed(Buffer chunk, java.util.function.Consumer<String> sink) {
      pending.appendBuffer(chunk);
      int start = 0;
      int len = pending.length();
      for (int i = 0; i < len; i++) {
        if (pending.getByte(i) != '\n') {
          continue;
        }
        int next = i + 1;
        if (next < len && pending.getByte(next) == '\n') {
          sink.accept(pending.getString(start, i, StandardCharsets.UTF_8.name()));
          start = next + 1;
          i = next;
        } else if (next + 1 < len && pending.getByte(next) == '\r' && pending.getByte(next + 1) == '\n') {
          sink.accept(pending.getString(start, i, StandardCharsets.UTF_8.name()));
          start = next + 2;
          i = next + 1;
        }
      }
      if (start > 0) {
        pending = pending.getBuffer(start, len);
      }
    }

    /** Whatever is left when the stream ends without a final blank line. */
    public String remainder() {
      return pending.toString(StandardCharsets.UTF_8).strip();
    }
  }

  /** A named event, as Anthropic sends them: {@code event: NAME\ndata: {...}\n\n}. */
  public static Buffer event(String name, JsonNode payload) {
    byte[] json = Json.bytes(payload);
    Buffer b = Buffer.buffer(json.length + name.length() + 16);
    b.appendString("event: ").appendString(name).appendString("\ndata: ").appendBytes(json).appendString("\n\n");
    return b;
  }

  /** The {@code event:} name of one raw event, or null when it has none. */
  public static String eventOf(String rawEvent) {
    for (String line : rawEvent.split("\r?\n")) {
      if (line.startsWith("event:")) {
        return line.substring(6).strip();
      }
    }
    return null;
  }

  /** The joined {@code data:} lines of one raw event, or null when it has none (comments, pings). */
  public static String dataOf(String rawEvent) {
    StringBuilder data = null;
    // SSE lines end in CRLF, LF or CR; with CRLF framing the splitter leaves the last line's CR in the event.
    for (String line : rawEvent.split("\r\n|\r|\n")) {
      if (line.startsWith("data:")) {
        String v = line.substring(5);
        if (v.startsWith(" ")) {
          v = v.substring(1);
        }
        if (data == null) {
          data = new StringBuilder(v);
        } else {
          data.append('\n').append(v);
        }
      }
    }
    return data == null ? null : data.toString();
  }
}
