package dev.tollgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.common.AuthenticationException;
import dev.tollgate.common.AuthenticationException.Reason;
import dev.tollgate.common.ConflictException;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbKeyStore;
import dev.tollgate.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key creation, authentication, revocation and expiry, on a real DuckDB file. */
class KeyServiceTest {
  private static final String MASTER = "tg-master-unit-test-0123456789";

  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock();
  Database db;
  KeyService keys;

  @BeforeEach
  void open() {
    db = Database.open(url());
    keys = new KeyService(new DuckDbKeyStore(db), clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private String url() {
    return StoreConfig.duckDbFile(dir.resolve("keys.duckdb")).url();
  }

  /** Re-reads every key from the file, as a restart would. */
  private KeyService reopen() {
    db.close();
    db = Database.open(url());
    return new KeyService(new DuckDbKeyStore(db), clock);
  }

  @Test
  void create_returnsAHighEntropySecretThatAuthenticates() {
    KeyService.CreatedKey created = keys.create("team-search", Set.of("mock-small"), Optional.empty());

    assertThat(created.secret()).startsWith("tg-").hasSize(3 + 40).matches("tg-[0-9A-Za-z]{40}");
    assertThat(keys.authenticate(Optional.of(created.secret()))).isEqualTo(created.key());
    assertThat(created.key().id()).startsWith("key_");
    assertThat(created.key().role()).isEqualTo(ApiKey.Role.VIRTUAL);
    assertThat(created.key().allowedModels()).containsExactly("mock-small");
  }

  @Test
  void create_storesOnlyTheHashNeverTheSecret() throws Exception {
    KeyService.CreatedKey created = keys.create("hashed", Set.of(), Optional.empty());
    db.close();

    List<String> values = new ArrayList<>();
    db = Database.open(url());
    try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM api_keys")) {
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          values.add(String.valueOf(rs.getObject(i)));
        }
      }
    }
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(created.secret().getBytes(StandardCharsets.UTF_8)));

    assertThat(values).contains(sha256).noneMatch(v -> v.contains(created.secret()));
    assertThat(created.key().hash()).isEqualTo(sha256);
    assertThat(new String(Files.readAllBytes(dir.resolve("keys.duckdb")), StandardCharsets.ISO_8859_1)).doesNotContain(created.secret());
  }

  @Test
  void hint_isThePrefixAnEllipsisAndTheLastFourCharacters() {
    KeyService.CreatedKey created = keys.create("hinted", Set.of(), Optional.empty());
    String s = created.secret();

    assertThat(created.key().displayHint()).isEqualTo("tg-…" + s.substring(s.length() - 4));
    assertThat(KeyService.hint("tg-abcdefghWXYZ")).isEqualTo("tg-…WXYZ");
  }

  @Test
  void authenticate_withoutKey_isMissing() {
    assertReason(Optional.empty(), Reason.MISSING);
    assertReason(Optional.of(""), Reason.MISSING);
  }

  @Test
  void authenticate_withUnknownKey_isUnknown() {
    assertReason(Optional.of("tg-" + "x".repeat(40)), Reason.UNKNOWN);
  }

  @Test
  void revoke_stopsTheKeyAtOnceAndSurvivesARestart() {
    KeyService.CreatedKey created = keys.create("to-revoke", Set.of(), Optional.empty());

    ApiKey revoked = keys.revoke(created.key().id());

    assertThat(revoked.revokedAt()).isPresent();
    assertReason(Optional.of(created.secret()), Reason.REVOKED);
    KeyService restarted = reopen();
    assertThatThrownBy(() -> restarted.authenticate(Optional.of(created.secret())))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.REVOKED));
  }

  @Test
  void revoke_twice_conflicts() {
    String id = keys.create("twice", Set.of(), Optional.empty()).key().id();
    keys.revoke(id);

    assertThatThrownBy(() -> keys.revoke(id)).isInstanceOf(ConflictException.class).hasMessageContaining(id);
  }

  @Test
  void revoke_unknownKey_isNotFound() {
    assertThatThrownBy(() -> keys.revoke("key_nope")).isInstanceOf(NotFoundException.class).hasMessageContaining("key_nope");
  }

  @Test
  void revoke_masterKey_conflicts() {
    keys.initMaster(Optional.of(MASTER));

    assertThatThrownBy(() -> keys.revoke(KeyService.MASTER_ID)).isInstanceOf(ConflictException.class);
    assertThat(keys.authenticate(Optional.of(MASTER)).role()).isEqualTo(ApiKey.Role.MASTER);
  }

  @Test
  void expiredKey_isRefusedFromItsExpiryOn() {
    Instant expiry = clock.instant().plus(Duration.ofHours(1));
    KeyService.CreatedKey created = keys.create("short-lived", Set.of(), Optional.of(expiry));
    assertThat(keys.authenticate(Optional.of(created.secret()))).isEqualTo(created.key());

    clock.advance(Duration.ofHours(1));

    assertReason(Optional.of(created.secret()), Reason.EXPIRED);
  }

  @Test
  void create_withExpiryInThePast_isRejected() {
    assertThatThrownBy(() -> keys.create("stale", Set.of(), Optional.of(clock.instant().minusSeconds(1))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("expires_at");
  }

  @Test
  void create_withTheNameOfAnActiveKey_conflictsButARevokedNameIsFree() {
    String id = keys.create("shared-name", Set.of(), Optional.empty()).key().id();

    assertThatThrownBy(() -> keys.create("shared-name", Set.of(), Optional.empty())).isInstanceOf(ConflictException.class);
    keys.revoke(id);
    assertThat(keys.create("shared-name", Set.of(), Optional.empty()).key().id()).isNotEqualTo(id);
  }

  @Test
  void create_withBlankName_isRejected() {
    assertThatThrownBy(() -> keys.create(" ", Set.of(), Optional.empty())).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void restrictedKey_mayUseOnlyItsModels() {
    ApiKey key = keys.create("restricted", Set.of("mock-small"), Optional.empty()).key();
    ApiKey open = keys.create("open", Set.of(), Optional.empty()).key();

    assertThat(key.mayUse("mock-small")).isTrue();
    assertThat(key.mayUse("mock-large")).isFalse();
    assertThat(open.mayUse("anything")).isTrue();
  }

  @Test
  void keys_surviveARestart() {
    KeyService.CreatedKey created = keys.create("durable", Set.of("mock-small", "mock-large"), Optional.empty());

    KeyService restarted = reopen();

    ApiKey reloaded = restarted.authenticate(Optional.of(created.secret()));
    assertThat(reloaded).usingRecursiveComparison().ignoringFields("createdAt").isEqualTo(created.key());
    // The store keeps microseconds; the clock may have had nanoseconds.
    assertThat(reloaded.createdAt()).isEqualTo(created.key().createdAt().truncatedTo(ChronoUnit.MICROS));
    assertThat(restarted.list()).extracting(ApiKey::id).contains(created.key().id());
  }

  @Test
  void initMaster_withConfiguredKey_installsItAndGeneratesNothing() {
    assertThat(keys.initMaster(Optional.of(MASTER))).isEmpty();

    assertThat(keys.authenticate(Optional.of(MASTER)).id()).isEqualTo(KeyService.MASTER_ID);
  }

  @Test
  void initMaster_withoutConfiguredKey_generatesOneOnceAndKeepsItAfterARestart() {
    Optional<String> generated = keys.initMaster(Optional.empty());

    assertThat(generated).hasValueSatisfying(k -> assertThat(k).startsWith("tg-master-"));
    KeyService restarted = reopen();
    assertThat(restarted.initMaster(Optional.empty())).as("nothing new is generated").isEmpty();
    assertThat(restarted.authenticate(generated).role()).isEqualTo(ApiKey.Role.MASTER);
  }

  @Test
  void initMaster_withANewConfiguredKey_replacesTheOldOne() {
    keys.initMaster(Optional.of(MASTER));

    keys.initMaster(Optional.of("tg-master-rotated-0123456789"));

    assertReason(Optional.of(MASTER), Reason.UNKNOWN);
    assertThat(keys.authenticate(Optional.of("tg-master-rotated-0123456789")).role()).isEqualTo(ApiKey.Role.MASTER);
    assertThat(reopen().authenticate(Optional.of("tg-master-rotated-0123456789")).role()).isEqualTo(ApiKey.Role.MASTER);
  }

  private void assertReason(Optional<String> secret, Reason reason) {
    assertThatThrownBy(() -> keys.authenticate(secret))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
