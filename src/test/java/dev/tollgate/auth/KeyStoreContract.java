package dev.tollgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link KeyStore} backend must do. A backend's test extends this with an empty store per test. */
public abstract class KeyStoreContract {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  /** An empty store, new for each test. */
  protected abstract KeyStore store();

  private static ApiKey key(String id, String hash, Set<String> models, Optional<Instant> expires) {
    return new ApiKey(id, "name-" + id, hash, "tg-…" + id.substring(id.length() - 4), ApiKey.Role.VIRTUAL, models, T0,
        expires, Optional.empty());
  }

  @Test
  void insert_thenFind_returnsTheKeyAsWritten() {
    ApiKey key = key("key_0001", "hash-1", Set.of("mock-small", "gpt-4o"), Optional.of(T0.plusSeconds(3600)));

    store().insert(key);

    assertThat(store().findById("key_0001")).contains(key);
    assertThat(store().findById("key_none")).isEmpty();
  }

  @Test
  void findAll_returnsEveryKeyInCreationOrder() {
    ApiKey later = new ApiKey("key_late", "late", "hash-late", "tg-…late", ApiKey.Role.VIRTUAL, Set.of(), T0.plusSeconds(5),
        Optional.empty(), Optional.empty());
    ApiKey earlier = key("key_early", "hash-early", Set.of(), Optional.empty());

    store().insert(later);
    store().insert(earlier);

    assertThat(store().findAll()).containsExactly(earlier, later);
  }

  @Test
  void revoke_marksTheKeyOnceAndReportsWhetherItDid() {
    store().insert(key("key_0002", "hash-2", Set.of(), Optional.empty()));
    Instant at = T0.plusSeconds(60);

    assertThat(store().revoke("key_0002", at)).isTrue();
    assertThat(store().revoke("key_0002", at.plusSeconds(1))).as("already revoked").isFalse();
    assertThat(store().revoke("key_none", at)).as("no such key").isFalse();
    assertThat(store().findById("key_0002").orElseThrow().revokedAt()).contains(at);
  }

  @Test
  void upsertMaster_createsThenReplacesTheMasterRow() {
    ApiKey first = new ApiKey("master", "master", "hash-m1", "tg-…m001", ApiKey.Role.MASTER, Set.of(), T0, Optional.empty(), Optional.empty());
    ApiKey second = new ApiKey("master", "master", "hash-m2", "tg-…m002", ApiKey.Role.MASTER, Set.of(), T0.plusSeconds(1), Optional.empty(), Optional.empty());

    store().upsertMaster(first);
    store().upsertMaster(second);

    assertThat(store().findById("master")).contains(second);
    assertThat(store().findAll()).hasSize(1);
  }

  private static ApiKey full(String id, String hash) {
    return new ApiKey(id, "full-" + id, hash, "tg-…" + id.substring(id.length() - 4), ApiKey.Role.VIRTUAL, Set.of("mock-small"), T0,
        Optional.of(T0.plusSeconds(86_400)), Optional.empty(), Optional.of("org_1"), Optional.of("proj_1"),
        java.util.OptionalLong.of(60), java.util.OptionalLong.of(100_000), java.util.Map.of("team", "search"),
        java.util.List.of("prod", "eu"), Optional.empty(), Optional.of("user_1"), Optional.empty());
  }

  @Test
  void insert_withProjectLimitsMetadataAndTags_roundTrips() {
    ApiKey key = full("key_full", "hash-full");

    store().insert(key);

    assertThat(store().findById("key_full")).contains(key);
  }

  @Test
  void update_rewritesTheChangeableFields() {
    ApiKey key = full("key_upd1", "hash-upd");
    store().insert(key);
    ApiKey changed = key.edited("renamed", Set.of(), Optional.empty(), java.util.OptionalLong.empty(), java.util.OptionalLong.of(5),
        java.util.Map.of(), java.util.List.of("x"));

    store().update(changed);

    assertThat(store().findById("key_upd1")).contains(changed);
  }

  @Test
  void rotate_storesTheSuccessorAndMarksTheOldKey() {
    ApiKey old = full("key_old1", "hash-old");
    store().insert(old);
    ApiKey successor = full("key_new1", "hash-new");
    ApiKey replaced = old.replaced("key_new1", T0.plusSeconds(600));

    store().rotate(replaced, successor);

    assertThat(store().findById("key_old1")).contains(replaced);
    assertThat(store().findById("key_old1").orElseThrow().expiresAt()).contains(T0.plusSeconds(600));
    assertThat(store().findById("key_new1")).contains(successor);
  }

  @Test
  void rotate_ofAMissingKey_writesNothing() {
    ApiKey successor = full("key_new2", "hash-new2");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store().rotate(full("key_gone", "hash-gone"), successor))
        .isInstanceOf(RuntimeException.class);

    assertThat(store().findById("key_new2")).isEmpty();
  }

  @Test
  void touch_recordsLastUsedTimes() {
    store().insert(full("key_tch1", "hash-tch"));
    Instant used = T0.plusSeconds(42);

    store().touch(java.util.Map.of("key_tch1", used, "key_none", used));

    assertThat(store().findById("key_tch1").orElseThrow().lastUsedAt()).contains(used);
  }

  @Test
  void rotate_whoseSuccessorCannotBeStored_leavesTheOldKeyAsItWas() {
    ApiKey old = full("key_old3", "hash-old3");
    store().insert(old);
    store().insert(full("key_other", "hash-taken"));
    ApiKey clash = full("key_new3", "hash-taken"); // the hash is unique

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store().rotate(old.replaced("key_new3", T0.plusSeconds(600)), clash))
        .isInstanceOf(RuntimeException.class);

    assertThat(store().findById("key_old3")).as("the update of the old key was rolled back").contains(old);
    assertThat(store().findById("key_new3")).isEmpty();
  }

  @Test
  void touch_ofManyKeys_setsEachItsOwnTime_andLaterTouchesMoveItOn() {
    java.util.Map<String, Instant> times = new java.util.HashMap<>();
    for (int i = 0; i < 50; i++) {
      String id = "key_m" + String.format("%03d", i);
      store().insert(full(id, "hash-m" + i));
      times.put(id, T0.plusSeconds(i));
    }

    store().touch(times);
    store().touch(java.util.Map.of("key_m007", T0.plusSeconds(1000)));
    store().touch(java.util.Map.of());

    for (ApiKey k : store().findAll()) {
      Instant expected = k.id().equals("key_m007") ? T0.plusSeconds(1000) : times.get(k.id());
      assertThat(k.lastUsedAt()).as(k.id()).contains(expected);
    }
    assertThat(store().findAll()).hasSize(50);
  }

  @Test
  void upsertMaster_replacesEveryColumnOfAnExistingRow() {
    ApiKey first = new ApiKey("master", "master", "hash-m1", "tg-…m001", ApiKey.Role.MASTER, Set.of(), T0, Optional.empty(), Optional.empty());
    store().upsertMaster(first);
    store().touch(java.util.Map.of("master", T0.plusSeconds(5)));
    ApiKey second = new ApiKey("master", "master", "hash-m2", "tg-…m002", ApiKey.Role.MASTER, Set.of(), T0.plusSeconds(9), Optional.empty(),
        Optional.empty());

    store().upsertMaster(second);

    assertThat(store().findById("master")).contains(second);
  }
}
