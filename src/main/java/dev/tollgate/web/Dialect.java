package dev.tollgate.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;

/** The error JSON shape a caller expects: OpenAI's (also used by the admin API) or Anthropic's. */
public enum Dialect {
  /** {@code {"error":{"message","type","param","code"}}}. */
  OPENAI,
  /** {@code {"type":"error","error":{"type","message"}}}. */
  ANTHROPIC;

  public static Dialect forPath(String path) {
    return path != null && path.startsWith("/v1/messages") ? ANTHROPIC : OPENAI;
  }

  public ObjectNode render(HttpError e) {
    ObjectNode root = Json.object();
    if (this == OPENAI) {
      ObjectNode err = root.putObject("error");
      err.put("message", e.message()).put("type", e.openAiType());
      e.param().ifPresentOrElse(p -> err.put("param", p), () -> err.putNull("param"));
      e.code().ifPresentOrElse(c -> err.put("code", c), () -> err.putNull("code"));
    } else {
      root.put("type", "error");
      root.putObject("error").put("type", e.anthropicType()).put("message", e.message());
    }
    return root;
  }
}
