package dev.tollgate.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.common.Json;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link AlertStore} backend must do. A backend's test extends this with an empty store per test. */
public abstract class AlertStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  protected abstract AlertStore store();

  private static AlertEvent event(String id, String dedup, Optional<String> org, Instant at) {
    return new AlertEvent(id, "arule_1", AlertRule.Type.BUDGET_THRESHOLD, dedup, "warning", "summary " + id,
        Json.object().put("threshold_percent", 80), org, Optional.empty(), at);
  }

  @Test
  void rules_roundTripWithTheirSecrets() {
    AlertRule r = new AlertRule("arule_1", "r", AlertRule.Type.BUDGET_THRESHOLD, Optional.of("budget_1"), Optional.empty(),
        List.of(new AlertRule.Channel(AlertRule.ChannelType.WEBHOOK, Optional.of(URI.create("https://hooks.test/x")),
                Optional.of("sekret"), List.of(), Optional.empty()),
            new AlertRule.Channel(AlertRule.ChannelType.PAGERDUTY, Optional.empty(), Optional.empty(), List.of(), Optional.of("rk")),
            new AlertRule.Channel(AlertRule.ChannelType.EMAIL, Optional.empty(), Optional.empty(), List.of("a@b.c"), Optional.empty())),
        Optional.of("org_1"), Optional.empty(), true, T0);

    store().insertRule(r);

    assertThat(store().rules()).containsExactly(r);
    assertThat(store().deleteRule("arule_1")).isTrue();
    assertThat(store().rules()).isEmpty();
  }

  @Test
  void insertEventIfNew_storesEachDedupKeyOnce() {
    assertThat(store().insertEventIfNew(event("alert_1", "k1", Optional.empty(), T0))).isTrue();
    assertThat(store().insertEventIfNew(event("alert_2", "k1", Optional.empty(), T0.plusSeconds(1)))).isFalse();
    assertThat(store().insertEventIfNew(event("alert_3", "k2", Optional.empty(), T0.plusSeconds(2)))).isTrue();

    assertThat(store().events(Optional.empty(), Optional.empty(), 10)).extracting(AlertEvent::id).containsExactly("alert_3", "alert_1");
    assertThat(store().event("alert_1")).contains(event("alert_1", "k1", Optional.empty(), T0));
  }

  @Test
  void events_areNarrowedToAnOrg_andLimited() {
    store().insertEventIfNew(event("alert_1", "k1", Optional.of("org_1"), T0));
    store().insertEventIfNew(event("alert_2", "k2", Optional.of("org_2"), T0.plusSeconds(1)));
    store().insertEventIfNew(event("alert_3", "k3", Optional.of("org_1"), T0.plusSeconds(2)));

    assertThat(store().events(Optional.of("org_1"), Optional.empty(), 10)).extracting(AlertEvent::id).containsExactly("alert_3", "alert_1");
    assertThat(store().events(Optional.empty(), Optional.empty(), 1)).extracting(AlertEvent::id).containsExactly("alert_3");
  }

  @Test
  void deliveries_areListedPerEventInAttemptOrder() {
    Delivery d2 = new Delivery("dlv_b", "alert_1", AlertRule.ChannelType.WEBHOOK, "https://hooks.test", 2, "delivered",
        Optional.of(200), Optional.empty(), T0.plusSeconds(2));
    Delivery d1 = new Delivery("dlv_a", "alert_1", AlertRule.ChannelType.WEBHOOK, "https://hooks.test", 1, "retrying",
        Optional.of(503), Optional.of("HTTP 503"), T0);
    store().insertDelivery(d2);
    store().insertDelivery(d1);
    store().insertDelivery(new Delivery("dlv_c", "alert_9", AlertRule.ChannelType.SLACK, "https://slack.test", 1, "failed",
        Optional.empty(), Optional.of("timeout"), T0));

    assertThat(store().deliveries("alert_1")).containsExactly(d1, d2);
  }
}
