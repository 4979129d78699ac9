package dev.tollgate.storage;

import dev.tollgate.alerts.AlertJson;
import dev.tollgate.alerts.AlertStore;

/** {@link AlertStore} on PostgreSQL: {@link JdbcAlertStore}, where replicas racing to fire one alert meet at its unique key. */
public final class PostgresAlertStore extends JdbcAlertStore {
  public PostgresAlertStore(PostgresDatabase db) {
    super(new SpecTable<>(db, "alert_rules", "alert rule", AlertJson::fromStored),
        new SpecTable<>(db, "alert_events", "alert event", AlertJson::eventFromStored),
        new SpecTable<>(db, "alert_deliveries", "alert delivery", AlertJson::deliveryFromStored));
  }
}
