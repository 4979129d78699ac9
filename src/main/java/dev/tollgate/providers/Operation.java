package dev.tollgate.providers;

/** What a call asks of a provider, in OpenAI terms. {@link #endpoint()} is what the ledger records. */
public enum Operation {
  CHAT("chat", "/chat/completions"),
  COMPLETIONS("completions", "/completions"),
  EMBEDDINGS("embeddings", "/embeddings");

  private final String endpoint;
  private final String path;

  Operation(String endpoint, String path) {
    this.endpoint = endpoint;
    this.path = path;
  }

  public String endpoint() {
    return endpoint;
  }

  /** The path below an OpenAI-style base URL ({@code .../v1}). */
  public String path() {
    return path;
  }

  public boolean streamable() {
    return this != EMBEDDINGS;
  }
}
