package dev.tollgate.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The exact-match key of a request: SHA-256 over the endpoint, the tenant (org), whether it streams, and
 * the request body with its object keys sorted and the fields that do not change the answer removed
 * ({@code user}, {@code metadata}, {@code stream}). The org is part of the key, so one tenant never
 * receives another's cached answer.
 */
public final class CacheKey {
  private static final Set<String> IGNORED = Set.of("user", "metadata", "stream");

  private CacheKey() {}

  public static String of(String endpoint, Optional<String> orgId, boolean stream, ObjectNode body) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(endpoint).append('\n').append(orgId.orElse("-")).append('\n').append(stream).append('\n');
    ObjectNode copy = body.deepCopy();
    copy.remove(IGNORED);
    canonical(copy, sb);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  private static void canonical(JsonNode n, StringBuilder out) {
    if (n.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      n.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(Json.MAPPER.getNodeFactory().textNode(e.getKey()).toString()).append(':');
        canonical(e.getValue(), out);
      }
      out.append('}');
    } else if (n.isArray()) {
      out.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        canonical(n.get(i), out);
      }
      out.append(']');
    } else {
      out.append(n.toString());
    }
  }
}
