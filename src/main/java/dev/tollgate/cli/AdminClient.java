package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/** Talks to a running server's admin API: the DuckDB file has one owner, the server. */
final class AdminClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final Optional<String> credential;
  private final Optional<String> org;
  private final Optional<String> project;

  AdminClient(String baseUrl, String credential) {
    this(baseUrl, Optional.ofNullable(credential), Optional.empty(), Optional.empty());
  }

  private AdminClient(String baseUrl, Optional<String> credential, Optional<String> org, Optional<String> project) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.credential = credential;
    this.org = org;
    this.project = project;
  }

  /** A client with the first credential found: --token, the master key, the saved session. */
  static AdminClient from(AdminOptions o) {
    Optional<String> credential = present(o.token).or(() -> present(o.masterKey)).or(() -> savedToken(o));
    if (credential.isEmpty()) {
      throw new CliException("no credentials: set TOLLGATE_MASTER_KEY (or pass --master-key), or log in with 'tollgate login'");
    }
    return new AdminClient(o.url, credential, present(o.org), present(o.project));
  }

  /** A client without credentials (login). */
  static AdminClient anonymous(AdminOptions o) {
    return new AdminClient(o.url, Optional.empty(), Optional.empty(), Optional.empty());
  }

  static Path sessionFile(AdminOptions o) {
    if (o.sessionFile != null && !o.sessionFile.isBlank()) {
      return Path.of(o.sessionFile);
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("tollgate").resolve("session.json");
  }

  /** Saves a session for later commands, readable by the user only. */
  static void saveSession(AdminOptions o, JsonNode session) {
    Path file = sessionFile(o);
    try {
      Files.createDirectories(file.getParent());
      ObjectNode saved = Json.object().put("url", o.url).put("token", session.path("token").asText())
          .put("expires_at", session.path("expires_at").asText()).put("email", session.path("user").path("email").asText());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, Json.bytes(saved));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException("cannot save the session in " + file + ": " + e.getMessage());
    }
  }

  static boolean forgetSession(AdminOptions o) {
    try {
      return Files.deleteIfExists(sessionFile(o));
    } catch (IOException e) {
      throw new CliException("cannot remove " + sessionFile(o) + ": " + e.getMessage());
    }
  }

  private static Optional<String> savedToken(AdminOptions o) {
    Path file = sessionFile(o);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode saved = Json.MAPPER.readTree(Files.readAllBytes(file));
      return present(saved.path("token").asText(null));
    } catch (IOException e) {
      throw new CliException("cannot read the saved session " + file + ": " + e.getMessage());
    }
  }

  private static Optional<String> present(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
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
    HttpResponse<java.io.InputStream> resp = exchange(auth(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET()).build(),
        HttpResponse.BodyHandlers.ofInputStream());
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

  private HttpRequest.Builder auth(HttpRequest.Builder request) {
    credential.ifPresent(c -> request.header("authorization", "Bearer " + c));
    org.ifPresent(v -> request.header("x-tollgate-org", v));
    project.ifPresent(v -> request.header("x-tollgate-project", v));
    return request;
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
    HttpResponse<byte[]> resp = exchange(auth(request).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
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
