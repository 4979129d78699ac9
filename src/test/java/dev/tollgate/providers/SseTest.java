package dev.tollgate.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SSE framing: splitting a byte stream into events however it was chunked, and reading their data. */
class SseTest {
  private static List<String> split(String stream, int chunkSize) {
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    Sse.Splitter splitter = new Sse.Splitter();
    List<String> events = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunkSize) {
      splitter.feed(Buffer.buffer().appendBytes(bytes, i, Math.min(chunkSize, bytes.length - i)), events::add);
    }
    String rest = splitter.remainder();
    if (!rest.isEmpty()) {
      events.add(rest);
    }
    return events.stream().map(Sse::dataOf).toList();
  }

  @Test
  void splitter_givesTheSameEventsWhateverTheChunking() {
    String stream = "data: {\"a\":\"é\"}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";

    for (int size : new int[] {1, 2, 3, 7, 1000}) {
      assertThat(split(stream, size)).as("chunks of %d bytes", size).containsExactly("{\"a\":\"é\"}", "{\"b\":2}", "[DONE]");
    }
  }

  @Test
  void splitter_handlesCrlfFraming() {
    assertThat(split("data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n", 1)).containsExactly("{\"a\":1}", "[DONE]");
    assertThat(split("data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n", 5)).containsExactly("{\"a\":1}", "[DONE]");
  }

  @Test
  void splitter_keepsAnUnterminatedLastEventAsRemainder() {
    assertThat(split("data: {\"a\":1}\n\ndata: [DONE]", 4)).containsExactly("{\"a\":1}", "[DONE]");
  }

  @Test
  void dataOf_ignoresCommentsAndOtherFieldsAndJoinsDataLines() {
    assertThat(Sse.dataOf(": keep-alive")).isNull();
    assertThat(Sse.dataOf("event: message\nid: 7\ndata: {\"a\":1}")).isEqualTo("{\"a\":1}");
    assertThat(Sse.dataOf("data: line one\ndata: line two")).isEqualTo("line one\nline two");
    assertThat(Sse.dataOf("data:no-space")).isEqualTo("no-space");
    assertThat(Sse.dataOf("data: [DONE]\r")).isEqualTo("[DONE]");
  }

  @Test
  void data_framesJsonAsOneEvent() {
    var node = dev.tollgate.common.Json.object().put("a", 1);

    assertThat(Sse.data(node).toString()).isEqualTo("data: {\"a\":1}\n\n");
    assertThat(Sse.DONE.toString()).isEqualTo("data: [DONE]\n\n");
  }
}
