package dev.tollgate.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.auth.AdminRole;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.tenancy.TenancyStore.RevokedToken;
import dev.tollgate.tenancy.TenancyStore.SigningKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TenancyStore} backend must do. A backend's test extends this with an empty store per test
 * and the key store of the same database (keys are what {@link TenancyStore#adoptKeysWithoutProject} moves).
 */
public abstract class TenancyStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  protected abstract TenancyStore store();

  protected abstract KeyStore keys();

  private static User user(String id, String email) {
    return new User(id, email, "name " + id, "$argon2id$v=19$m=16,t=2,p=1$c2FsdA$aGFzaA", T0, Optional.empty(), T0);
  }

  private static Membership role(String id, String user, Optional<String> org, Optional<String> project, AdminRole role) {
    return new Membership(id, user, org, project, role, T0.plusSeconds(1));
  }

  @Test
  void load_ofAnEmptyStore_isEmpty() {
    TenancyStore.Snapshot s = store().load();

    assertThat(s.orgs()).isEmpty();
    assertThat(s.projects()).isEmpty();
    assertThat(s.users()).isEmpty();
    assertThat(s.memberships()).isEmpty();
  }

  @Test
  void orgsAndProjects_insertRenameDelete_andDeletingRemovesTheRolesHeldOnThem() {
    Org org = new Org("org_1", "Acme", T0);
    Project p1 = new Project("proj_1", "org_1", "search", T0.plusSeconds(1));
    Project p2 = new Project("proj_2", "org_1", "ads", T0.plusSeconds(2));
    store().insertOrg(org);
    store().insertProject(p1);
    store().insertProject(p2);
    store().insertUser(user("user_1", "a@acme.test"), List.of(
        role("role_org", "user_1", Optional.of("org_1"), Optional.empty(), AdminRole.ADMIN),
        role("role_p1", "user_1", Optional.of("org_1"), Optional.of("proj_1"), AdminRole.MEMBER),
        role("role_p2", "user_1", Optional.of("org_1"), Optional.of("proj_2"), AdminRole.VIEWER)));

    store().updateOrg(new Org("org_1", "Acme Corp", T0));
    store().updateProject(new Project("proj_1", "org_1", "search-v2", T0.plusSeconds(1)));
    TenancyStore.Snapshot s = store().load();
    assertThat(s.orgs()).containsExactly(new Org("org_1", "Acme Corp", T0));
    assertThat(s.projects()).containsExactlyInAnyOrder(new Project("proj_1", "org_1", "search-v2", T0.plusSeconds(1)), p2);

    store().deleteProject("proj_2");
    assertThat(store().load().projects()).extracting(Project::id).containsExactly("proj_1");
    assertThat(store().load().memberships()).extracting(Membership::id).containsExactlyInAnyOrder("role_org", "role_p1");

    store().deleteProject("proj_1");
    store().deleteOrg("org_1");
    s = store().load();
    assertThat(s.orgs()).isEmpty();
    assertThat(s.memberships()).isEmpty();
    assertThat(s.users()).extracting(User::id).containsExactly("user_1");
  }

  @Test
  void users_roundTripEveryField_andUpdatesChangeNamePasswordDisabledAndSessions() {
    User u = user("user_1", "a@acme.test");
    Membership global = role("role_1", "user_1", Optional.empty(), Optional.empty(), AdminRole.OWNER);
    store().insertUser(u, List.of(global));
    assertThat(store().load().users()).containsExactly(u);
    assertThat(store().load().memberships()).containsExactly(global);

    User changed = u.withName("Ann").withNewPassword("$argon2id$v=19$m=16,t=2,p=1$c2FsdA$bmV3", T0.plusSeconds(60))
        .withDisabledAt(Optional.of(T0.plusSeconds(90)));
    store().updateUser(changed);
    assertThat(store().load().users()).containsExactly(changed);

    store().updateUser(changed.withDisabledAt(Optional.empty()));
    assertThat(store().load().users().getFirst().disabledAt()).isEmpty();
  }

  @Test
  void insertUser_withAFailingRole_writesNeitherUserNorRoles() {
    store().insertUser(user("user_1", "a@acme.test"), List.of(role("role_1", "user_1", Optional.empty(), Optional.empty(), AdminRole.OWNER)));

    assertThatThrownBy(() -> store().insertUser(user("user_2", "b@acme.test"), List.of(
        role("role_2", "user_2", Optional.of("org_1"), Optional.empty(), AdminRole.ADMIN),
        role("role_1", "user_2", Optional.of("org_2"), Optional.empty(), AdminRole.ADMIN)))) // id taken
        .isInstanceOf(RuntimeException.class);

    assertThat(store().load().users()).extracting(User::id).containsExactly("user_1");
    assertThat(store().load().memberships()).extracting(Membership::id).containsExactly("role_1");
  }

  @Test
  void memberships_grantAndRevoke() {
    store().insertUser(user("user_1", "a@acme.test"), List.of());
    Membership m = role("role_1", "user_1", Optional.of("org_1"), Optional.of("proj_1"), AdminRole.MEMBER);

    store().insertMembership(m);
    assertThat(store().load().memberships()).containsExactly(m);

    store().deleteMembership("role_1");
    assertThat(store().load().memberships()).isEmpty();
  }

  @Test
  void adoptKeysWithoutProject_movesOnlyVirtualKeysThatHaveNone() {
    ApiKey orphan = new ApiKey("key_orphan", "old", "hash-1", "tg-…0001", ApiKey.Role.VIRTUAL, Set.of(), T0, Optional.empty(),
        Optional.empty());
    ApiKey placed = new ApiKey("key_placed", "new", "hash-2", "tg-…0002", ApiKey.Role.VIRTUAL, Set.of(), T0, Optional.empty(),
        Optional.empty()).inProject("org_2", "proj_2");
    ApiKey master = new ApiKey("master", "master", "hash-3", "tg-…0003", ApiKey.Role.MASTER, Set.of(), T0, Optional.empty(),
        Optional.empty());
    keys().insert(orphan);
    keys().insert(placed);
    keys().upsertMaster(master);

    assertThat(store().adoptKeysWithoutProject("org_default", "proj_default")).isEqualTo(1);
    assertThat(store().adoptKeysWithoutProject("org_default", "proj_default")).as("nothing left to move").isZero();

    assertThat(keys().findById("key_orphan")).contains(orphan.inProject("org_default", "proj_default"));
    assertThat(keys().findById("key_placed")).contains(placed);
    assertThat(keys().findById("master")).contains(master);
  }

  @Test
  void signingKeys_aNewKeyRetiresTheCurrentOne_andRetiredKeysAreDropped() {
    byte[] s1 = new byte[32];
    byte[] s2 = new byte[32];
    s1[0] = 1;
    s2[31] = 2;
    store().addSigningKey(new SigningKey("sk_1", s1, T0, Optional.empty()), T0.plusSeconds(3600));
    store().addSigningKey(new SigningKey("sk_2", s2, T0.plusSeconds(10), Optional.empty()), T0.plusSeconds(7200));

    List<SigningKey> keys = store().signingKeys();
    assertThat(keys).hasSize(2);
    SigningKey first = keys.stream().filter(k -> k.kid().equals("sk_1")).findFirst().orElseThrow();
    SigningKey second = keys.stream().filter(k -> k.kid().equals("sk_2")).findFirst().orElseThrow();
    assertThat(first.secret()).isEqualTo(s1);
    assertThat(first.createdAt()).isEqualTo(T0);
    assertThat(first.retireAt()).contains(T0.plusSeconds(7200)).as("retired when sk_2 arrived");
    assertThat(second.secret()).isEqualTo(s2);
    assertThat(second.retireAt()).isEmpty();

    store().dropRetiredSigningKeys(T0.plusSeconds(7199));
    assertThat(store().signingKeys()).hasSize(2);
    store().dropRetiredSigningKeys(T0.plusSeconds(7200));
    assertThat(store().signingKeys()).extracting(SigningKey::kid).containsExactly("sk_2");
  }

  @Test
  void revokedTokens_areKeptUntilTheyExpire_andRevokingTwiceIsHarmless() {
    store().revokeToken(new RevokedToken("sess_1", T0.plusSeconds(60)));
    store().revokeToken(new RevokedToken("sess_1", T0.plusSeconds(60)));
    store().revokeToken(new RevokedToken("sess_2", T0.plusSeconds(600)));

    assertThat(store().revokedTokens(T0)).containsExactlyInAnyOrder(new RevokedToken("sess_1", T0.plusSeconds(60)),
        new RevokedToken("sess_2", T0.plusSeconds(600)));
    assertThat(store().revokedTokens(T0.plusSeconds(60))).containsExactly(new RevokedToken("sess_2", T0.plusSeconds(600)));

    store().purgeRevokedTokens(T0.plusSeconds(60));
    assertThat(store().revokedTokens(T0)).containsExactly(new RevokedToken("sess_2", T0.plusSeconds(600)));
  }
}
