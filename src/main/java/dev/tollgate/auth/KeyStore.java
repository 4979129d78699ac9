package dev.tollgate.auth;

import java.time.Instant;
import java.util.List;
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
}
