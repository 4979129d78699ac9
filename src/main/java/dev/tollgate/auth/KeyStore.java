package dev.tollgate.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where API keys live. Implementations live in {@code dev.tollgate.storage}. */
public interface KeyStore {
  void insert(ApiKey key);

  /** Replaces the hash of the master key row (created when missing). */
  void upsertMaster(ApiKey master);

  /** @return false when there is no such key */
  boolean revoke(String id, Instant at);

  Optional<ApiKey> findById(String id);

  List<ApiKey> findAll();

  /** Rewrites the changeable fields of a stored key (name, models, expiry, limits, metadata, tags). */
  void update(ApiKey key);

  /** A rotation, atomically: the old key (now replaced and expiring) and its successor. */
  void rotate(ApiKey replaced, ApiKey successor);

  /** Records last-used times (id to time), in one batch; unknown ids are ignored. */
  void touch(Map<String, Instant> lastUsed);
}
