package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.AuthenticationException;
import dev.tollgate.common.AuthenticationException.Reason;
import dev.tollgate.common.Ids;
import dev.tollgate.common.Json;
import dev.tollgate.tenancy.TenancyStore.RevokedToken;
import dev.tollgate.tenancy.TenancyStore.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Login sessions as JWTs (HS256, hand-rolled with {@link Mac}: three fields to sign and check do not need a
 * library). A token carries {@code kid} (the signing key), {@code sub} (the user), {@code jti}, {@code iat}
 * and {@code exp}. The newest signing key signs; older ones still verify until they retire, one session
 * lifetime after the rotation that replaced them (no token they signed can outlive that). Logout puts the
 * token's {@code jti} on a revocation list, kept until the token would have expired.
 *
 * <p>Everything is held in memory and written through to the store, so verification is CPU only (one
 * HMAC) and can run on the event loop.
 */
public final class Sessions {
  public static final String ISSUER = "tollgate";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TenancyStore store;
  private final Clock clock;
  private final Duration ttl;
  private volatile List<SigningKey> keys;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A token just issued. */
  public record Issued(String token, String jti, Instant expiresAt) {}

  /** What a valid token says. */
  public record Claims(String userId, String jti, String kid, Instant issuedAt, Instant expiresAt) {}

  public Sessions(TenancyStore store, Clock clock, Duration ttl) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.ttl = requireNonNull(ttl, "ttl");
    Instant now = clock.instant();
    store.dropRetiredSigningKeys(now);
    store.purgeRevokedTokens(now);
    this.keys = sorted(store.signingKeys());
    if (keys.stream().noneMatch(k -> k.retireAt().isEmpty())) {
      rotate();
    }
    store.revokedTokens(now).forEach(t -> revoked.put(t.jti(), t.expiresAt()));
  }

  /**
   * Re-reads the signing keys and the revoked tokens (another replica rotated a key or logged someone out).
   * Blocking.
   */
  public synchronized void reload() {
    Instant now = clock.instant();
    keys = sorted(store.signingKeys());
    store.revokedTokens(now).forEach(t -> revoked.put(t.jti(), t.expiresAt()));
  }

  /** Calls {@code listener} after a logout or a key rotation is stored: how other replicas learn of it. */
  public void onChange(Runnable listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  public Duration ttl() {
    return ttl;
  }

  public Issued issue(String userId) {
    SigningKey key = current();
    Instant now = clock.instant();
    Instant exp = now.plus(ttl);
    String jti = Ids.prefixed("sess");
    ObjectNode header = Json.object().put("alg", "HS256").put("typ", "JWT").put("kid", key.kid());
    ObjectNode payload = Json.object().put("iss", ISSUER).put("sub", userId).put("jti", jti)
        .put("iat", now.getEpochSecond()).put("exp", exp.getEpochSecond());
    String signingInput = B64.encodeToString(Json.bytes(header)) + "." + B64.encodeToString(Json.bytes(payload));
    return new Issued(signingInput + "." + B64.encodeToString(hmac(key.secret(), signingInput)), jti,
        Instant.ofEpochSecond(exp.getEpochSecond()));
  }

  /** Whether {@code token} is shaped like one of ours (three base64url parts), as opposed to an API key. */
  public static boolean looksLikeToken(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.startsWith("eyJ");
  }

  /** Checks signature, signing key, issuer, expiry and revocation; throws 401 saying which failed. */
  public Claims verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new AuthenticationException(Reason.SESSION_INVALID);
    }
    JsonNode header;
    JsonNode payload;
    byte[] signature;
    try {
      header = Json.MAPPER.readTree(B64D.decode(parts[0]));
      payload = Json.MAPPER.readTree(B64D.decode(parts[1]));
      signature = B64D.decode(parts[2]);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new AuthenticationException(Reason.SESSION_INVALID);
    }
    if (header == null || !"HS256".equals(header.path("alg").asText()) || !header.path("kid").isTextual()) {
      throw new AuthenticationException(Reason.SESSION_INVALID); // "none" and every other alg are refused
    }
    Instant now = clock.instant();
    String kid = header.get("kid").asText();
    SigningKey key = keys.stream().filter(k -> k.kid().equals(kid) && k.retireAt().map(now::isBefore).orElse(true))
        .findFirst().orElseThrow(() -> new AuthenticationException(Reason.SESSION_INVALID));
    if (!MessageDigest.isEqual(signature, hmac(key.secret(), parts[0] + "." + parts[1]))) {
      throw new AuthenticationException(Reason.SESSION_INVALID);
    }
    if (payload == null || !ISSUER.equals(payload.path("iss").asText()) || !payload.path("sub").isTextual()
        || !payload.path("jti").isTextual() || !payload.path("exp").canConvertToLong()) {
      throw new AuthenticationException(Reason.SESSION_INVALID);
    }
    Instant exp = Instant.ofEpochSecond(payload.get("exp").asLong());
    if (!now.isBefore(exp)) {
      throw new AuthenticationException(Reason.SESSION_EXPIRED);
    }
    String jti = payload.get("jti").asText();
    if (revoked.containsKey(jti)) {
      throw new AuthenticationException(Reason.SESSION_REVOKED);
    }
    return new Claims(payload.get("sub").asText(), jti, kid, Instant.ofEpochSecond(payload.path("iat").asLong()), exp);
  }

  /** Logout: the token stops working now. Blocking (a store write). */
  public void revoke(Claims claims) {
    Instant now = clock.instant();
    store.purgeRevokedTokens(now);
    revoked.entrySet().removeIf(e -> !now.isBefore(e.getValue()));
    store.revokeToken(new RevokedToken(claims.jti(), claims.expiresAt()));
    revoked.put(claims.jti(), claims.expiresAt());
    changeListeners.forEach(Runnable::run);
  }

  /**
   * A new signing key signs from now on; the previous ones verify for one more session lifetime, then
   * retire. Blocking (a store write). @return the new key (its secret stays here)
   */
  public synchronized SigningKey rotate() {
    Instant now = clock.instant();
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    SigningKey fresh = new SigningKey(Ids.prefixed("sk"), secret, now, Optional.empty());
    Instant retire = now.plus(ttl);
    store.addSigningKey(fresh, retire);
    store.dropRetiredSigningKeys(now);
    keys = sorted(store.signingKeys());
    changeListeners.forEach(Runnable::run);
    return fresh;
  }

  /** Every signing key that still verifies, newest first. */
  public List<SigningKey> signingKeys() {
    Instant now = clock.instant();
    return keys.stream().filter(k -> k.retireAt().map(now::isBefore).orElse(true)).toList();
  }

  private SigningKey current() {
    return keys.stream().filter(k -> k.retireAt().isEmpty()).findFirst()
        .orElseThrow(() -> new IllegalStateException("no current signing key"));
  }

  private static List<SigningKey> sorted(List<SigningKey> all) {
    return all.stream().sorted(Comparator.comparing(SigningKey::createdAt).reversed()).toList();
  }

  private static byte[] hmac(byte[] secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
