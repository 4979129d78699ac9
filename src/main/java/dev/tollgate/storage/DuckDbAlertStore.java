package dev.tollgate.storage;

import dev.tollgate.alerts.AlertJson;
import dev.tollgate.alerts.AlertStore;

/** {@link AlertStore} on DuckDB: {@link JdbcAlertStore}. */
public final class DuckDbAlertStore extends JdbcAlertStore {
  public DuckDbAlertStore(Database db) {
    super(new SpecTable<>(db, "alert_rules", "alert rule", AlertJson::fromStored),
        new SpecTable<>(db, "alert_events", "alert event", AlertJson::eventFromStored),
        new SpecTable<>(db, "alert_deliveries", "alert delivery", AlertJson::deliveryFromStored));
  }
}
