package dev.tollgate.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A stored API key. The secret itself is never stored: only its SHA-256 {@code hash} and a
 * {@code displayHint} such as {@code tg-…a1B2} for lists.
 *
 * @param allowedModels empty means every configured model
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
    Optional<Instant> revokedAt) {

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
    allowedModels = Set.copyOf(allowedModels);
  }

  public boolean mayUse(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }

  public ApiKey revoked(Instant at) {
    return new ApiKey(id, name, hash, displayHint, role, allowedModels, createdAt, expiresAt, Optional.of(at));
  }
}
