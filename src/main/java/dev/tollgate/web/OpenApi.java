package dev.tollgate.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admin API's OpenAPI 3.1 document, served at {@code GET /api/v1/openapi.json}. It is assembled at
 * start from class-path resources, so it works from the jar: {@code openapi/base.json} (info, servers,
 * security, shared components) merged with every fragment listed in {@code openapi/index.txt}, one file
 * name a line. A fragment holds {@code paths}, and optionally {@code components} and {@code tags}; the same
 * path and method, or the same component name, in two files is an error (start-up fails, and so does the
 * test that checks the document against the router).
 */
public final class OpenApi {
  public static final String PATH = "/api/v1/openapi.json";
  private static final String DIR = "openapi/";
  private static volatile byte[] cached;

  private OpenApi() {}

  /** The merged document. */
  public static ObjectNode document() {
    ObjectNode doc = (ObjectNode) read(DIR + "base.json");
    ObjectNode paths = doc.withObject("/paths");
    ObjectNode components = doc.withObject("/components");
    ArrayNode tags = doc.withArray("/tags");
    for (String name : fragments()) {
      JsonNode frag = read(DIR + name);
      for (Map.Entry<String, JsonNode> p : frag.path("paths").properties()) {
        ObjectNode target = paths.withObject("/" + escape(p.getKey()));
        for (Map.Entry<String, JsonNode> op : p.getValue().properties()) {
          if (target.has(op.getKey())) {
            throw new IllegalStateException("openapi/" + name + ": " + op.getKey() + " " + p.getKey() + " is already described");
          }
          target.set(op.getKey(), op.getValue());
        }
      }
      for (Map.Entry<String, JsonNode> section : frag.path("components").properties()) {
        ObjectNode target = components.withObject("/" + section.getKey());
        for (Map.Entry<String, JsonNode> c : section.getValue().properties()) {
          if (target.has(c.getKey())) {
            throw new IllegalStateException("openapi/" + name + ": components." + section.getKey() + "." + c.getKey()
                + " is already defined");
          }
          target.set(c.getKey(), c.getValue());
        }
      }
      frag.path("tags").forEach(tags::add);
    }
    return doc;
  }

  /** Serves the document (no credentials needed: it describes the API, it holds no data). */
  public static void register(Router router) {
    router.get(PATH).handler(ctx -> {
      byte[] body = cached;
      if (body == null) {
        body = Json.bytes(document());
        cached = body;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Buffer.buffer(body));
    });
  }

  /** The fragment files listed in {@code openapi/index.txt}, in order. */
  public static List<String> fragments() {
    List<String> out = new ArrayList<>();
    for (String line : text(DIR + "index.txt").split("\n")) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#") && !name.equals("base.json")) {
        out.add(name);
      }
    }
    return out;
  }

  private static String escape(String pointerSegment) {
    return pointerSegment.replace("~", "~0").replace("/", "~1");
  }

  private static JsonNode read(String path) {
    try {
      return Json.MAPPER.readTree(text(path));
    } catch (IOException e) {
      throw new IllegalStateException(path + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String text(String path) {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }
}
