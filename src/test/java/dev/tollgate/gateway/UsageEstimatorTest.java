package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The size bound that lets the dispatcher skip counting a small prompt against the context window must
 * never be below the real count, or a too-long prompt would be sent to a model that cannot take it.
 */
class UsageEstimatorTest {

  private static void assertBounded(String json) {
    byte[] raw = json.getBytes(StandardCharsets.UTF_8);
    ObjectNode body = Json.parseObject(raw);
    assertThat(UsageEstimator.promptTokens(body)).as(json.length() > 200 ? json.substring(0, 200) + "..." : json)
        .isLessThanOrEqualTo(UsageEstimator.promptTokensAtMost(raw.length));
  }

  @Test
  void theBoundHoldsForAdversarialShapes() {
    List<String> bodies = List.of(
        "{\"model\":\"m\",\"messages\":[]}",
        "{\"model\":\"m\",\"messages\":[" + "{},".repeat(500) + "{}]}", // framing only: 3 tokens per 3 bytes
        "{\"messages\":[" + "1,".repeat(500) + "1]}", // not even objects: 3 tokens per 2 bytes
        "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "日本語の文章。".repeat(300) + "\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "\\u00e9\\ud83d\\ude00".repeat(300) + "\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":[" + "{\"type\":\"text\",\"text\":\"\"},".repeat(200)
            + "{\"type\":\"text\",\"text\":\"x\"}]}]}",
        "{\"system\":[{\"type\":\"text\",\"text\":\"be brief\"}],\"messages\":[{\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{\"n\":[" + "1e9,".repeat(300) + "1e9]}}]}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\""
            + "a b ".repeat(400) + "\"}]}]}",
        "{\"model\":\"m\",\"prompt\":[" + "7,".repeat(400) + "7]}",
        "{\"model\":\"m\",\"prompt\":\"" + "token ".repeat(1000) + "\"}");
    bodies.forEach(UsageEstimatorTest::assertBounded);
  }

  @Test
  void theBoundHoldsForRandomText() {
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      StringBuilder text = new StringBuilder();
      int len = random.nextInt(2_000);
      for (int j = 0; j < len; j++) {
        int kind = random.nextInt(4);
        int cp = switch (kind) {
          case 0 -> 0x20 + random.nextInt(0x5f); // ASCII
          case 1 -> 0xa0 + random.nextInt(0x700); // Latin, Greek, Cyrillic...
          case 2 -> 0x4e00 + random.nextInt(0x5000); // CJK
          default -> 0x1f300 + random.nextInt(0x300); // emoji (surrogate pairs)
        };
        text.appendCodePoint(cp);
      }
      ObjectNode body = Json.object().put("model", "m");
      body.putArray("messages").addObject().put("role", "user").put("content", text.toString());
      assertBounded(body.toString());
    }
  }
}
