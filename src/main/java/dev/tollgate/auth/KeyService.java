package dev.tollgate.auth;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.AuthenticationException;
import dev.tollgate.common.AuthenticationException.Reason;
import dev.tollgate.common.ConflictException;
import dev.tollgate.common.Ids;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates, revokes and checks API keys. Keys are high-entropy random secrets, so a fast SHA-256 is the
 * right hash (a password KDF would only add latency to every call). All keys are held in memory by hash:
 * authentication is one hash and one map lookup on the request path, and a revocation takes effect on
 * the next request because the store write and the map update happen together.
 */
public final class KeyService {
  public static final String KEY_PREFIX = "tg-";
  public static final String MASTER_ID = "master";
  private static final int SECRET_LENGTH = 40;

  private final KeyStore store;
  private final Clock clock;
  private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();
  private final Map<String, ApiKey> byId = new ConcurrentHashMap<>();
  private final List<java.util.function.Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public KeyService(KeyStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    for (ApiKey key : store.findAll()) {
      remember(key);
    }
  }

  /** A key just created: the secret is returned this once and never again. */
  public record CreatedKey(ApiKey key, String secret) {}

  /**
   * Installs the master key. With {@code configured} present its hash replaces any stored one; otherwise
   * a stored master key is kept, or a new one is generated and returned so the caller can print it once.
   */
  public synchronized Optional<String> initMaster(Optional<String> configured) {
    Optional<ApiKey> existing = Optional.ofNullable(byId.get(MASTER_ID));
    String secret;
    Optional<String> generated;
    if (configured.isPresent()) {
      secret = configured.get();
      generated = Optional.empty();
      if (existing.isPresent() && existing.get().hash().equals(hash(secret))) {
        return Optional.empty();
      }
    } else if (existing.isPresent()) {
      return Optional.empty();
    } else {
      secret = Ids.secret(KEY_PREFIX + "master-", SECRET_LENGTH);
      generated = Optional.of(secret);
    }
    ApiKey master = new ApiKey(MASTER_ID, "master", hash(secret), hint(secret), ApiKey.Role.MASTER, Set.of(),
        clock.instant(), Optional.empty(), Optional.empty());
    store.upsertMaster(master);
    existing.ifPresent(old -> byHash.remove(old.hash()));
    remember(master);
    changed(MASTER_ID);
    return generated;
  }

  public synchronized CreatedKey create(String name, Set<String> allowedModels, Optional<Instant> expiresAt) {
    requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 200) {
      throw new InvalidRequestException("name", "name: '" + name + "' (expected: 1..200 characters)");
    }
    if (byId.values().stream().anyMatch(k -> k.name().equals(name) && k.revokedAt().isEmpty())) {
      throw new ConflictException("an active key named '" + name + "' already exists");
    }
    Instant now = clock.instant();
    expiresAt.ifPresent(at -> {
      if (!at.isAfter(now)) {
        throw new InvalidRequestException("expires_at", "expires_at: " + at + " (expected: a time in the future)");
      }
    });
    String secret = Ids.secret(KEY_PREFIX, SECRET_LENGTH);
    ApiKey key = new ApiKey(Ids.prefixed("key"), name, hash(secret), hint(secret), ApiKey.Role.VIRTUAL,
        allowedModels, now, expiresAt, Optional.empty());
    store.insert(key);
    remember(key);
    changed(key.id());
    return new CreatedKey(key, secret);
  }

  public synchronized ApiKey revoke(String id) {
    ApiKey key = byId.get(id);
    if (key == null) {
      throw new NotFoundException("key", id);
    }
    if (key.role() == ApiKey.Role.MASTER) {
      throw new ConflictException("the master key cannot be revoked; set a new one with TOLLGATE_MASTER_KEY");
    }
    if (key.revokedAt().isPresent()) {
      throw new ConflictException("key '" + id + "' is already revoked");
    }
    Instant now = clock.instant();
    store.revoke(id, now);
    ApiKey revoked = key.revoked(now);
    remember(revoked);
    changed(id);
    return revoked;
  }

  /** The request path: returns the key or throws a 401 saying why. */
  public ApiKey authenticate(Optional<String> secret) {
    if (secret.isEmpty() || secret.get().isEmpty()) {
      throw new AuthenticationException(Reason.MISSING);
    }
    ApiKey key = byHash.get(hash(secret.get()));
    if (key == null) {
      throw new AuthenticationException(Reason.UNKNOWN);
    }
    if (key.revokedAt().isPresent()) {
      throw new AuthenticationException(Reason.REVOKED);
    }
    if (key.expiresAt().isPresent() && !clock.instant().isBefore(key.expiresAt().get())) {
      throw new AuthenticationException(Reason.EXPIRED);
    }
    return key;
  }

  public List<ApiKey> list() {
    return byId.values().stream().sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id)).toList();
  }

  public Optional<ApiKey> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * Calls {@code listener} with the id of every key this service creates, revokes or replaces, after the
   * store has it: how other replicas learn of the change (cluster mode publishes it through Redis).
   */
  public void onChange(java.util.function.Consumer<String> listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  /**
   * Re-reads one key from the store (another replica changed it). Blocking: call it off the event loop.
   */
  public synchronized void reload(String id) {
    apply(id, store.findById(id));
  }

  /** Re-reads every key from the store (after this replica missed changes). Blocking: off the event loop. */
  public synchronized void reloadAll() {
    Map<String, ApiKey> fresh = new java.util.HashMap<>();
    for (ApiKey key : store.findAll()) {
      fresh.put(key.id(), key);
    }
    java.util.Set<String> ids = new java.util.HashSet<>(byId.keySet());
    ids.addAll(fresh.keySet());
    for (String id : ids) {
      apply(id, Optional.ofNullable(fresh.get(id)));
    }
  }

  private void apply(String id, Optional<ApiKey> fresh) {
    ApiKey old = byId.get(id);
    if (old != null && (fresh.isEmpty() || !fresh.get().hash().equals(old.hash()))) {
      byHash.remove(old.hash());
    }
    if (fresh.isPresent()) {
      remember(fresh.get());
    } else {
      byId.remove(id);
    }
  }

  private void changed(String id) {
    for (var l : changeListeners) {
      l.accept(id);
    }
  }

  private void remember(ApiKey key) {
    byHash.put(key.hash(), key);
    byId.put(key.id(), key);
  }

  static String hint(String secret) {
    return secret.substring(0, KEY_PREFIX.length()) + "…" + secret.substring(secret.length() - 4);
  }

  public static String hash(String secret) {
    MessageDigest sha = SHA256.get();
    sha.reset();
    return HEX.formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /** One digest per thread: getInstance() looks the provider up on every call, this is the request path. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  });
  private static final HexFormat HEX = HexFormat.of();
}
