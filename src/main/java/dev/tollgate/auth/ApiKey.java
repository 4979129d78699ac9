package dev.tollgate.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stored API key. The secret itself is never stored: only its SHA-256 {@code hash} and a
 * {@code displayHint} such as {@code tg-…a1B2} for lists. Every virtual key belongs to exactly one
 * project (and so one org); the master key belongs to none.
 *
 * @param allowedModels empty means every configured model
 * @param orgId the org of the key's project (empty for the master key)
 * @param projectId the project the key belongs to (empty for the master key)
 * @param rpmLimit requests per minute allowed to this key (read by the rate limiter); empty is unlimited
 * @param tpmLimit tokens per minute allowed to this key; empty is unlimited
 * @param metadata free-form string pairs the key's owner attached (never secrets)
 * @param tags labels of the key, for filtering
 * @param lastUsedAt when the key last authenticated a request, as last flushed (KeyService has fresher)
 * @param createdBy the actor who created the key ({@code master} or a user id)
 * @param replacedBy the key that replaced this one in a rotation; the old key works until {@code expiresAt}
 */
public record ApiKey(
    String id,
    String name,
    String hash,
    String displayHint,
    Role role,
    Set<String> allowedModels,
    Instant createdAt,
    Optional<Instant> expiresAt,
    Optional<Instant> revokedAt,
    Optional<String> orgId,
    Optional<String> projectId,
    OptionalLong rpmLimit,
    OptionalLong tpmLimit,
    Map<String, String> metadata,
    List<String> tags,
    Optional<Instant> lastUsedAt,
    Optional<String> createdBy,
    Optional<String> replacedBy) {

  /** {@code MASTER} may administer the gateway; {@code VIRTUAL} keys may only call models. */
  public enum Role { MASTER, VIRTUAL }

  public ApiKey {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(hash, "hash");
    requireNonNull(displayHint, "displayHint");
    requireNonNull(role, "role");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(revokedAt, "revokedAt");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(rpmLimit, "rpmLimit");
    requireNonNull(tpmLimit, "tpmLimit");
    requireNonNull(lastUsedAt, "lastUsedAt");
    requireNonNull(createdBy, "createdBy");
    requireNonNull(replacedBy, "replacedBy");
    if (projectId.isPresent() != orgId.isPresent()) {
      throw new IllegalArgumentException("a key's project and org come together");
    }
    allowedModels = Set.copyOf(allowedModels);
    metadata = metadata.isEmpty() ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
    tags = List.copyOf(tags);
  }

  /** A key outside any project with no limits, metadata or tags (the master key, and older callers). */
  public ApiKey(String id, String name, String hash, String displayHint, Role role, Set<String> allowedModels,
                Instant createdAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt) {
    this(id, name, hash, displayHint, role, allowedModels, createdAt, expiresAt, revokedAt, Optional.empty(),
        Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), Map.of(), List.of(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  public boolean mayUse(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }

  /** Whether the key authenticates requests at {@code now}. */
  public boolean activeAt(Instant now) {
    return revokedAt.isEmpty() && (expiresAt.isEmpty() || now.isBefore(expiresAt.get()));
  }

  public ApiKey revoked(Instant at) {
    return new ApiKey(id, name, hash, displayHint, role, allowedModels, createdAt, expiresAt, Optional.of(at), orgId,
        projectId, rpmLimit, tpmLimit, metadata, tags, lastUsedAt, createdBy, replacedBy);
  }

  /** In a project (and its org). */
  public ApiKey inProject(String org, String project) {
    return new ApiKey(id, name, hash, displayHint, role, allowedModels, createdAt, expiresAt, revokedAt,
        Optional.of(org), Optional.of(project), rpmLimit, tpmLimit, metadata, tags, lastUsedAt, createdBy, replacedBy);
  }

  public ApiKey withLastUsedAt(Optional<Instant> at) {
    return new ApiKey(id, name, hash, displayHint, role, allowedModels, createdAt, expiresAt, revokedAt, orgId,
        projectId, rpmLimit, tpmLimit, metadata, tags, at, createdBy, replacedBy);
  }

  /** The old half of a rotation: replaced by {@code successor}, working until {@code until}. */
  public ApiKey replaced(String successor, Instant until) {
    Instant end = expiresAt.filter(e -> e.isBefore(until)).orElse(until);
    return new ApiKey(id, name, hash, displayHint, role, allowedModels, createdAt, Optional.of(end), revokedAt, orgId,
        projectId, rpmLimit, tpmLimit, metadata, tags, lastUsedAt, createdBy, Optional.of(successor));
  }

  /** The fields a key's owner may change later (PATCH). */
  public ApiKey edited(String newName, Set<String> models, Optional<Instant> expires, OptionalLong rpm, OptionalLong tpm,
                       Map<String, String> meta, List<String> newTags) {
    return new ApiKey(id, newName, hash, displayHint, role, models, createdAt, expires, revokedAt, orgId, projectId, rpm,
        tpm, meta, newTags, lastUsedAt, createdBy, replacedBy);
  }
}
