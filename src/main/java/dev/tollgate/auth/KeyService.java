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
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, rotates, revokes and checks API keys. Keys are high-entropy random secrets, so a fast SHA-256 is
 * the right hash (a password KDF would only add latency to every call). All keys are held in memory by hash:
 * authentication is one hash and one map lookup on the request path, and a revocation takes effect on
 * the next request because the store write and the map update happen together.
 *
 * <p>Last-used times are kept in memory on the request path (one volatile write) and written to the store
 * in one batch every {@code auth.last-used-flush-interval} by a background thread, and on {@link #close()}.
 */
public final class KeyService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyService.class);
  public static final String KEY_PREFIX = "tg-";
  public static final String MASTER_ID = "master";
  /** The org and project of keys created without naming one (and of keys made before tenancy existed). */
  public static final String DEFAULT_ORG_ID = "org_default";
  public static final String DEFAULT_PROJECT_ID = "proj_default";
  public static final int MAX_NAME = 200;
  private static final int SECRET_LENGTH = 40;

  private final KeyStore store;
  private final Clock clock;
  private final Map<String, Held> byHash = new ConcurrentHashMap<>();
  private final Map<String, Held> byId = new ConcurrentHashMap<>();
  private ScheduledExecutorService flusher;
  private final List<java.util.function.Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A key and its last-used time in epoch millis (0: never), updated without locks on the request path. */
  private static final class Held {
    final ApiKey key;
    final AtomicLong lastUsed;
    /** The value last written to the store; touched by the flusher only. */
    final AtomicLong flushed;

    Held(ApiKey key, AtomicLong lastUsed, AtomicLong flushed) {
      this.key = key;
      this.lastUsed = lastUsed;
      this.flushed = flushed;
    }

    ApiKey current() {
      long at = lastUsed.get();
      return at == 0 ? key : key.withLastUsedAt(Optional.of(Instant.ofEpochMilli(at)));
    }
  }

  public KeyService(KeyStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    for (ApiKey key : store.findAll()) {
      long at = key.lastUsedAt().map(Instant::toEpochMilli).orElse(0L);
      Held h = new Held(key, new AtomicLong(at), new AtomicLong(at));
      byHash.put(key.hash(), h);
      byId.put(key.id(), h);
    }
  }

  /** A key just created: the secret is returned this once and never again. */
  public record CreatedKey(ApiKey key, String secret) {}

  /**
   * What a new key is made of.
   *
   * @param orgId the org of {@code projectId} (the caller checked that the project exists and is in it)
   */
  public record NewKey(String name, String orgId, String projectId, Set<String> allowedModels,
                      Optional<Instant> expiresAt, OptionalLong rpmLimit, OptionalLong tpmLimit,
                      Map<String, String> metadata, List<String> tags, Optional<String> createdBy) {
    public NewKey {
      requireNonNull(name, "name");
      requireNonNull(orgId, "orgId");
      requireNonNull(projectId, "projectId");
      allowedModels = Set.copyOf(allowedModels);
      requireNonNull(expiresAt, "expiresAt");
      requireNonNull(rpmLimit, "rpmLimit");
      requireNonNull(tpmLimit, "tpmLimit");
      metadata = Map.copyOf(metadata);
      tags = List.copyOf(tags);
      requireNonNull(createdBy, "createdBy");
    }
  }

  /** Starts writing last-used times to the store every {@code interval}, off the event loops. */
  public synchronized KeyService startLastUsedFlusher(Duration interval) {
    if (flusher == null) {
      flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tollgate-key-last-used");
        t.setDaemon(true);
        return t;
      });
      long ms = Math.max(10, interval.toMillis());
      flusher.scheduleWithFixedDelay(() -> {
        try {
          flushLastUsed();
        } catch (RuntimeException e) {
          log.warn("cannot record keys' last-used times (will retry): {}", e.toString());
        }
      }, ms, ms, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Writes every last-used time that changed since the previous flush. @return how many keys were written */
  public int flushLastUsed() {
    Map<String, Instant> dirty = new HashMap<>();
    Map<Held, Long> seen = new HashMap<>();
    for (Held h : byId.values()) {
      long at = h.lastUsed.get();
      if (at != 0 && at != h.flushed.get()) {
        dirty.put(h.key.id(), Instant.ofEpochMilli(at));
        seen.put(h, at);
      }
    }
    if (dirty.isEmpty()) {
      return 0;
    }
    store.touch(dirty);
    seen.forEach((h, at) -> h.flushed.set(at));
    return dirty.size();
  }

  /** Stops the flusher and writes the last times. */
  @Override
  public synchronized void close() {
    if (flusher != null) {
      flusher.shutdownNow();
      flusher = null;
    }
    try {
      flushLastUsed();
    } catch (RuntimeException e) {
      log.warn("cannot record keys' last-used times at shutdown: {}", e.toString());
    }
  }

  /**
   * Installs the master key. With {@code configured} present its hash replaces any stored one; otherwise
   * a stored master key is kept, or a new one is generated and returned so the caller can print it once.
   */
  public synchronized Optional<String> initMaster(Optional<String> configured) {
    Optional<ApiKey> existing = Optional.ofNullable(byId.get(MASTER_ID)).map(h -> h.key);
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

  /** A key in the default project, made by the master key (the pre-tenancy form). */
  public CreatedKey create(String name, Set<String> allowedModels, Optional<Instant> expiresAt) {
    return create(new NewKey(name, DEFAULT_ORG_ID, DEFAULT_PROJECT_ID, allowedModels, expiresAt, OptionalLong.empty(),
        OptionalLong.empty(), Map.of(), List.of(), Optional.of(MASTER_ID)));
  }

  public synchronized CreatedKey create(NewKey spec) {
    checkName(spec.name());
    checkUnique(spec.name(), spec.projectId(), Optional.empty());
    Instant now = clock.instant();
    spec.expiresAt().ifPresent(at -> {
      if (!at.isAfter(now)) {
        throw new InvalidRequestException("expires_at", "expires_at: " + at + " (expected: a time in the future)");
      }
    });
    String secret = Ids.secret(KEY_PREFIX, SECRET_LENGTH);
    ApiKey key = new ApiKey(Ids.prefixed("key"), spec.name(), hash(secret), hint(secret), ApiKey.Role.VIRTUAL,
        spec.allowedModels(), now, spec.expiresAt(), Optional.empty(), Optional.of(spec.orgId()),
        Optional.of(spec.projectId()), spec.rpmLimit(), spec.tpmLimit(), spec.metadata(), spec.tags(), Optional.empty(),
        spec.createdBy(), Optional.empty());
    store.insert(key);
    remember(key);
    changed(key.id());
    return new CreatedKey(key, secret);
  }

  /**
   * Issues a successor with the same name, project, models, limits, metadata and tags; the old key keeps
   * working for {@code grace} (never longer than its own expiry) and then stops.
   */
  public synchronized CreatedKey rotate(String id, Duration grace, Optional<String> actor) {
    ApiKey old = virtualKey(id);
    Instant now = clock.instant();
    if (!old.activeAt(now)) {
      throw new ConflictException("key '" + id + "' is " + (old.revokedAt().isPresent() ? "revoked" : "expired")
          + "; only an active key can be rotated");
    }
    if (old.replacedBy().isPresent()) {
      throw new ConflictException("key '" + id + "' was already rotated (replaced by '" + old.replacedBy().get() + "')");
    }
    String secret = Ids.secret(KEY_PREFIX, SECRET_LENGTH);
    ApiKey successor = new ApiKey(Ids.prefixed("key"), old.name(), hash(secret), hint(secret), ApiKey.Role.VIRTUAL,
        old.allowedModels(), now, old.expiresAt(), Optional.empty(), old.orgId(), old.projectId(), old.rpmLimit(),
        old.tpmLimit(), old.metadata(), old.tags(), Optional.empty(), actor, Optional.empty());
    ApiKey replaced = old.replaced(successor.id(), now.plus(grace));
    store.rotate(replaced, successor);
    remember(replaced);
    remember(successor);
    changed(replaced.id());
    changed(successor.id());
    return new CreatedKey(successor, secret);
  }

  /** Changes what a key's owner may change; the id, secret, project and history stay. */
  public synchronized ApiKey update(String id, java.util.function.UnaryOperator<ApiKey> change) {
    ApiKey old = virtualKey(id);
    if (old.revokedAt().isPresent()) {
      throw new ConflictException("key '" + id + "' is revoked; a revoked key cannot be changed");
    }
    ApiKey changed = change.apply(old);
    checkName(changed.name());
    if (!changed.name().equals(old.name())) {
      checkUnique(changed.name(), changed.projectId().orElseThrow(), Optional.of(id));
    }
    changed.expiresAt().filter(e -> !changed.expiresAt().equals(old.expiresAt())).ifPresent(at -> {
      if (!at.isAfter(clock.instant())) {
        throw new InvalidRequestException("expires_at", "expires_at: " + at + " (expected: a time in the future)");
      }
    });
    store.update(changed);
    remember(changed);
    changed(id);
    return byId.get(id).current();
  }

  public synchronized ApiKey revoke(String id) {
    Held held = byId.get(id);
    if (held == null) {
      throw new NotFoundException("key", id);
    }
    ApiKey key = held.key;
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
    return byId.get(id).current();
  }

  /** The request path: returns the key or throws a 401 saying why. Notes the time it was used. */
  public ApiKey authenticate(Optional<String> secret) {
    if (secret.isEmpty() || secret.get().isEmpty()) {
      throw new AuthenticationException(Reason.MISSING);
    }
    Held held = byHash.get(hash(secret.get()));
    if (held == null) {
      throw new AuthenticationException(Reason.UNKNOWN);
    }
    ApiKey key = held.key;
    if (key.revokedAt().isPresent()) {
      throw new AuthenticationException(Reason.REVOKED);
    }
    Instant now = clock.instant();
    if (key.expiresAt().isPresent() && !now.isBefore(key.expiresAt().get())) {
      throw new AuthenticationException(Reason.EXPIRED);
    }
    held.lastUsed.lazySet(now.toEpochMilli());
    return key;
  }

  /** Every key, oldest first, with its freshest last-used time. */
  public List<ApiKey> list() {
    return byId.values().stream().map(Held::current)
        .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id)).toList();
  }

  public Optional<ApiKey> find(String id) {
    return Optional.ofNullable(byId.get(id)).map(Held::current);
  }

  /** Whether a project still has keys that work (it cannot be deleted then). */
  public boolean hasActiveKeys(String projectId) {
    Instant now = clock.instant();
    return byId.values().stream().anyMatch(h -> h.key.projectId().equals(Optional.of(projectId)) && h.key.activeAt(now));
  }

  private ApiKey virtualKey(String id) {
    Held held = byId.get(id);
    if (held == null) {
      throw new NotFoundException("key", id);
    }
    if (held.key.role() == ApiKey.Role.MASTER) {
      throw new ConflictException("the master key cannot be changed through the API; set a new one with TOLLGATE_MASTER_KEY");
    }
    return held.key;
  }

  private static void checkName(String name) {
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw new InvalidRequestException("name", "name: '" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
          + "' (expected: 1.." + MAX_NAME + " characters, not blank)");
    }
  }

  /** Names are unique among a project's working, not-yet-replaced keys (a rotated key's name passes on). */
  private void checkUnique(String name, String projectId, Optional<String> except) {
    Instant now = clock.instant();
    boolean taken = byId.values().stream().map(h -> h.key).anyMatch(k -> k.name().equals(name)
        && k.projectId().equals(Optional.of(projectId)) && k.activeAt(now) && k.replacedBy().isEmpty()
        && !Optional.of(k.id()).equals(except));
    if (taken) {
      throw new ConflictException("an active key named '" + name + "' already exists in this project");
    }
  }

  /**
   * Calls {@code listener} with the id of every key this service creates, changes, rotates or revokes,
   * after the store has it: how other replicas learn of the change (cluster mode publishes it through Redis).
   */
  public void onChange(java.util.function.Consumer<String> listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  /** Re-reads one key from the store (another replica changed it). Blocking: call it off the event loop. */
  public synchronized void reload(String id) {
    apply(id, store.findById(id));
  }

  /** Re-reads every key from the store (after this replica missed changes). Blocking: off the event loop. */
  public synchronized void reloadAll() {
    Map<String, ApiKey> fresh = new java.util.HashMap<>();
    for (ApiKey key : store.findAll()) {
      fresh.put(key.id(), key);
    }
    Set<String> ids = new java.util.HashSet<>(byId.keySet());
    ids.addAll(fresh.keySet());
    for (String id : ids) {
      apply(id, Optional.ofNullable(fresh.get(id)));
    }
  }

  private void apply(String id, Optional<ApiKey> fresh) {
    Held old = byId.get(id);
    if (old != null && (fresh.isEmpty() || !fresh.get().hash().equals(old.key.hash()))) {
      byHash.remove(old.key.hash());
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
    Held old = byId.get(key.id());
    Held h = old == null ? new Held(key, new AtomicLong(), new AtomicLong()) : new Held(key, old.lastUsed, old.flushed);
    byHash.put(key.hash(), h);
    byId.put(key.id(), h);
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
