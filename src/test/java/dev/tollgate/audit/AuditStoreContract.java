package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link AuditStore} backend must do. A backend's test extends this with an empty store per test. */
public abstract class AuditStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  protected abstract AuditStore store();

  private static AuditEntry entry(int i, String actor, Optional<String> email, Optional<String> org, String action, String targetId) {
    return new AuditEntry(0, T0.plusSeconds(i), actor, email, org, org.map(o -> "proj_" + o), action, "key", targetId,
        Optional.empty(), Optional.of(Json.object().put("name", "k" + i)), Optional.of("10.0.0." + i), Optional.of("req_" + i));
  }

  private static AuditQuery query(int limit) {
    return AuditQuery.latest(limit);
  }

  private List<Long> seqs(AuditQuery q) {
    return store().query(q).entries().stream().map(AuditEntry::seq).toList();
  }

  @Test
  void append_assignsIncreasingSequenceNumbers_andReturnsTheEntryAsStored() {
    JsonNode before = Json.MAPPER.createObjectNode().put("zeta", 1).put("alpha", "a").put("nested", "{\"x\":[1,2]}");
    AuditEntry e = new AuditEntry(0, T0, "user_1", Optional.of("a@acme.test"), Optional.of("org_1"), Optional.of("proj_1"),
        "key.update", "key", "key_1", Optional.of(before), Optional.of(Json.object().put("name", "after")),
        Optional.of("203.0.113.9"), Optional.of("req_1"));

    AuditEntry first = store().append(e);
    AuditEntry second = store().append(entry(1, "master", Optional.empty(), Optional.empty(), "price.create", "po_1"));

    assertThat(first.seq()).isPositive();
    assertThat(second.seq()).isGreaterThan(first.seq());
    List<AuditEntry> stored = store().query(query(10)).entries();
    assertThat(stored).containsExactly(second, first);
    assertThat(stored.get(1).before().orElseThrow().toString()).as("JSON kept as written, key order included")
        .isEqualTo(before.toString());
  }

  @Test
  void query_filtersByTimeActorActionTargetAndOwner() {
    List<AuditEntry> all = new ArrayList<>();
    all.add(store().append(entry(0, "user_1", Optional.of("a@acme.test"), Optional.of("org_1"), "key.create", "key_1")));
    all.add(store().append(entry(1, "user_2", Optional.of("b@acme.test"), Optional.of("org_2"), "key.revoke", "key_2")));
    all.add(store().append(entry(2, "master", Optional.empty(), Optional.empty(), "price.create", "po_1")));
    all.add(store().append(entry(3, "user_1", Optional.of("a@acme.test"), Optional.of("org_1"), "keyring.create", "kr_1")));
    AuditQuery none = query(100);

    assertThat(store().query(new AuditQuery(Optional.of(T0.plusSeconds(1)), Optional.of(T0.plusSeconds(3)), none.actor(),
        none.action(), none.targetType(), none.targetId(), none.orgId(), none.projectId(), 100, Optional.empty())).entries())
        .as("from inclusive, to exclusive").containsExactly(all.get(2), all.get(1));
    assertThat(store().query(new AuditQuery(none.from(), none.to(), Optional.of("a@acme.test"), none.action(), none.targetType(),
        none.targetId(), none.orgId(), none.projectId(), 100, Optional.empty())).entries())
        .as("actor by email").containsExactly(all.get(3), all.get(0));
    assertThat(store().query(new AuditQuery(none.from(), none.to(), Optional.of("user_2"), none.action(), none.targetType(),
        none.targetId(), none.orgId(), none.projectId(), 100, Optional.empty())).entries())
        .as("actor by id").containsExactly(all.get(1));
    assertThat(store().query(new AuditQuery(none.from(), none.to(), none.actor(), Optional.of("key."), none.targetType(),
        none.targetId(), none.orgId(), none.projectId(), 100, Optional.empty())).entries())
        .as("action prefix ends at the dot: not keyring.create").containsExactly(all.get(1), all.get(0));
    assertThat(store().query(new AuditQuery(none.from(), none.to(), none.actor(), Optional.of("key.create"), none.targetType(),
        none.targetId(), none.orgId(), none.projectId(), 100, Optional.empty())).entries())
        .as("exact action").containsExactly(all.get(0));
    assertThat(store().query(new AuditQuery(none.from(), none.to(), none.actor(), none.action(), Optional.of("key"),
        Optional.of("key_2"), none.orgId(), none.projectId(), 100, Optional.empty())).entries())
        .as("target").containsExactly(all.get(1));
    assertThat(store().query(none.withScope(Optional.of("org_1"), Optional.empty())).entries())
        .as("org scope").containsExactly(all.get(3), all.get(0));
    assertThat(store().query(none.withScope(Optional.of("org_2"), Optional.of("proj_org_2"))).entries())
        .as("project scope").containsExactly(all.get(1));
  }

  @Test
  void query_pagesNewestFirstWithACursor() {
    List<Long> appended = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      appended.add(store().append(entry(i, "master", Optional.empty(), Optional.empty(), "key.create", "key_" + i)).seq());
    }

    AuditStore.Page first = store().query(query(2));
    assertThat(first.entries()).extracting(AuditEntry::seq).containsExactly(appended.get(4), appended.get(3));
    AuditQuery q = query(2);
    AuditStore.Page second = store().query(new AuditQuery(q.from(), q.to(), q.actor(), q.action(), q.targetType(), q.targetId(),
        q.orgId(), q.projectId(), 2, first.nextCursor()));
    assertThat(second.entries()).extracting(AuditEntry::seq).containsExactly(appended.get(2), appended.get(1));
    AuditStore.Page third = store().query(new AuditQuery(q.from(), q.to(), q.actor(), q.action(), q.targetType(), q.targetId(),
        q.orgId(), q.projectId(), 2, second.nextCursor()));
    assertThat(third.entries()).extracting(AuditEntry::seq).containsExactly(appended.get(0));
    assertThat(third.nextCursor()).isEmpty();
    assertThat(seqs(query(5))).hasSize(5);
  }

  @Test
  void query_withACursorThatIsNotOne_isAnInvalidRequestNamingIt() {
    AuditQuery q = query(2);

    assertThatThrownBy(() -> store().query(new AuditQuery(q.from(), q.to(), q.actor(), q.action(), q.targetType(), q.targetId(),
        q.orgId(), q.projectId(), 2, Optional.of("abc")))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("'abc'");
  }
}
