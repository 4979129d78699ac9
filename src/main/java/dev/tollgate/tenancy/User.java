package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A person who logs in to the admin API. {@code passwordHash} is an Argon2id PHC string and never leaves
 * the server; {@code email} is stored lower-cased and is unique.
 *
 * @param sessionsValidFrom session tokens issued before this (its second) are refused: set when the
 *     password changes, so a changed password ends every session made with the old one
 */
public record User(String id, String email, String name, String passwordHash, Instant createdAt,
                   Optional<Instant> disabledAt, Instant sessionsValidFrom) {
  public User {
    requireNonNull(id, "id");
    requireNonNull(email, "email");
    requireNonNull(name, "name");
    requireNonNull(passwordHash, "passwordHash");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(disabledAt, "disabledAt");
    requireNonNull(sessionsValidFrom, "sessionsValidFrom");
  }

  public boolean disabled() {
    return disabledAt.isPresent();
  }

  public User withName(String newName) {
    return new User(id, email, newName, passwordHash, createdAt, disabledAt, sessionsValidFrom);
  }

  /** The same password, hashed again (a cost upgrade): sessions stay. */
  public User withPasswordHash(String hash) {
    return new User(id, email, name, hash, createdAt, disabledAt, sessionsValidFrom);
  }

  /** A new password: sessions issued before {@code at} end. */
  public User withNewPassword(String hash, Instant at) {
    return new User(id, email, name, hash, createdAt, disabledAt, at);
  }

  public User withDisabledAt(Optional<Instant> at) {
    return new User(id, email, name, passwordHash, createdAt, at, sessionsValidFrom);
  }

  /** Never prints the password hash. */
  @Override
  public String toString() {
    return "User[" + id + ", " + email + "]";
  }
}
