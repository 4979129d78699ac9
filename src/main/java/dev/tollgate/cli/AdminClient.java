package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to a running server's admin API: the DuckDB file has one owner, the server. */
final class AdminClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String masterKey;

  AdminClient(String baseUrl, String masterKey) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.masterKey = masterKey;
  }

  static AdminClient from(AdminOptions o) {
    if (o.masterKey == null || o.masterKey.isBlank()) {
      throw new CliException("no master key: set TOLLGATE_MASTER_KEY or pass --master-key");
    }
    return new AdminClient(o.url, o.masterKey);
  }

  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  JsonNode post(String path, JsonNode body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
  }

  JsonNode patch(String path, JsonNode body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("content-type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
  }

  JsonNode delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
  }

  /** Streams a GET response body to {@code out} (exports). */
  void download(String path, java.io.OutputStream out) {
    HttpResponse<java.io.InputStream> resp = exchange(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET()
        .header("authorization", "Bearer " + masterKey).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream in = resp.body()) {
      if (resp.statusCode() / 100 != 2) {
        JsonNode body = Json.MAPPER.readTree(in.readAllBytes());
        throw new CliException("server answered " + resp.statusCode() + ": " + body.path("error").path("message").asText(body.toString()));
      }
      in.transferTo(out);
      out.flush();
    } catch (IOException e) {
      throw new CliException("export interrupted: " + e.getMessage());
    }
  }

  /** Sends, turning connection problems into messages a user can act on. */
  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (ConnectException e) {
      throw new CliException("no Tollgate server at " + baseUrl + " (start one with ./tollgate serve, or pass --url)");
    } catch (IOException e) {
      throw new CliException("cannot reach " + baseUrl + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpResponse<byte[]> resp = exchange(request.header("authorization", "Bearer " + masterKey)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(resp.body());
    } catch (IOException e) {
      throw new CliException("server answered " + resp.statusCode() + " with a body that is not JSON");
    }
    if (resp.statusCode() / 100 != 2) {
      throw new CliException("server answered " + resp.statusCode() + ": " + body.path("error").path("message").asText(body.toString()));
    }
    return body;
  }
}
