package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A tenant: owns projects, and through them API keys, usage and budgets. */
public record Org(String id, String name, Instant createdAt) {
  public Org {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(createdAt, "createdAt");
  }
}
