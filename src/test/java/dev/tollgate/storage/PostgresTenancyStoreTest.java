package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.auth.AdminRole;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.common.ConflictException;
import dev.tollgate.tenancy.Membership;
import dev.tollgate.tenancy.Org;
import dev.tollgate.tenancy.PasswordHasher;
import dev.tollgate.tenancy.Project;
import dev.tollgate.tenancy.TenancyService;
import dev.tollgate.tenancy.TenancyStore;
import dev.tollgate.tenancy.TenancyStoreContract;
import dev.tollgate.tenancy.User;
import dev.tollgate.testing.RequiresPostgres;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tenancy-store contract on a real PostgreSQL (a fresh schema for this class), plus what replicas sharing
 * it need: the uniqueness each replica checks only in its own memory is a constraint (a lost race is a 409),
 * and replicas starting together both create the default org and project without failing.
 */
@RequiresPostgres
class PostgresTenancyStoreTest extends TenancyStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static PostgresStores pg;

  @BeforeAll
  static void open() {
    pg = new PostgresStores();
  }

  @AfterAll
  static void close() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void empty() {
    pg.truncateAll();
  }

  @Override
  protected TenancyStore store() {
    return new PostgresTenancyStore(pg.db);
  }

  @Override
  protected KeyStore keys() {
    return new PostgresKeyStore(pg.db);
  }

  private static User user(String id, String email) {
    return new User(id, email, "n", "$argon2id$v=19$m=16,t=2,p=1$c2FsdA$aGFzaA", T0, Optional.empty(), T0);
  }

  @Test
  void aRaceLostToAnotherReplica_isAConflictNamingTheValue_notASecondRow() {
    store().insertOrg(new Org("org_a", "Acme", T0));
    store().insertProject(new Project("proj_a", "org_a", "search", T0));
    store().insertUser(user("user_a", "a@acme.test"), List.of(
        new Membership("role_a", "user_a", Optional.of("org_a"), Optional.empty(), AdminRole.ADMIN, T0)));

    assertThatThrownBy(() -> store().insertOrg(new Org("org_b", "ACME", T0))).isInstanceOf(ConflictException.class)
        .hasMessageContaining("'ACME'");
    assertThatThrownBy(() -> store().insertProject(new Project("proj_b", "org_a", "Search", T0)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("'Search'");
    assertThatThrownBy(() -> store().insertUser(user("user_b", "a@acme.test"), List.of()))
        .isInstanceOf(ConflictException.class).hasMessageContaining("a@acme.test");
    assertThatThrownBy(() -> store().insertMembership(
        new Membership("role_b", "user_a", Optional.of("org_a"), Optional.empty(), AdminRole.VIEWER, T0)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("org 'org_a'");
    store().insertOrg(new Org("org_c", "Other", T0));
    assertThatThrownBy(() -> store().updateOrg(new Org("org_c", "acme", T0))).isInstanceOf(ConflictException.class);

    TenancyStore.Snapshot s = store().load();
    assertThat(s.orgs()).extracting(Org::name).containsExactlyInAnyOrder("Acme", "Other");
    assertThat(s.projects()).hasSize(1);
    assertThat(s.users()).hasSize(1);
    assertThat(s.memberships()).hasSize(1);
    // a project of the same name in another org is fine
    store().insertProject(new Project("proj_c", "org_c", "search", T0));
  }

  @Test
  void replicasStartingTogether_bothEnsureTheDefaults_oneOrgAndOneProject() throws Exception {
    int replicas = 4;
    CyclicBarrier start = new CyclicBarrier(replicas);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        started.add(pool.submit(() -> {
          TenancyService service = new TenancyService(new PostgresTenancyStore(pg.db), new PasswordHasher(16, 1), Clock.systemUTC());
          start.await();
          service.ensureDefaults();
          return null;
        }));
      }
      for (Future<?> f : started) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    TenancyStore.Snapshot s = store().load();
    assertThat(s.orgs()).extracting(Org::id, Org::name).containsExactly(org.assertj.core.groups.Tuple.tuple(TenancyService.DEFAULT_ORG_ID, "default"));
    assertThat(s.projects()).extracting(Project::id).containsExactly(TenancyService.DEFAULT_PROJECT_ID);
  }
}
