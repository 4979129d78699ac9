package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A project of an org: every virtual API key belongs to exactly one. Names are unique within the org. */
public record Project(String id, String orgId, String name, Instant createdAt) {
  public Project {
    requireNonNull(id, "id");
    requireNonNull(orgId, "orgId");
    requireNonNull(name, "name");
    requireNonNull(createdAt, "createdAt");
  }
}
