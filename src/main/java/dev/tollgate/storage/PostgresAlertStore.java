package dev.tollgate.storage;

import dev.tollgate.alerts.AlertEvent;
import dev.tollgate.alerts.AlertJson;
import dev.tollgate.alerts.AlertRule;
import dev.tollgate.alerts.AlertStore;
import dev.tollgate.alerts.Delivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link AlertStore} on PostgreSQL. Dedupe is the unique {@code dedup_key} of {@code alert_events} and
 * {@code INSERT ... ON CONFLICT (dedup_key) DO NOTHING}: when replicas race to fire the same alert, exactly
 * one insert reports it new (no lock in this process is needed, unlike DuckDB's single writer).
 */
public final class PostgresAlertStore implements AlertStore {
  private final SpecTable<AlertRule> rules;
  private final SpecTable<AlertEvent> events;
  private final SpecTable<Delivery> deliveries;

  public PostgresAlertStore(PostgresDatabase db) {
    this.rules = new SpecTable<>(db, "alert_rules", "alert rule", AlertJson::fromStored);
    this.events = new SpecTable<>(db, "alert_events", "alert event", AlertJson::eventFromStored);
    this.deliveries = new SpecTable<>(db, "alert_deliveries", "alert delivery", AlertJson::deliveryFromStored);
  }

  @Override
  public void insertRule(AlertRule r) {
    rules.insert(r.id(), r.orgId(), r.projectId(), AlertJson.render(r, true), r.createdAt());
  }

  @Override
  public boolean deleteRule(String id) {
    return rules.delete(id);
  }

  @Override
  public List<AlertRule> rules() {
    return rules.all();
  }

  @Override
  public boolean insertEventIfNew(AlertEvent e) {
    try (Connection c = events.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO alert_events (id, dedup_key, rule_id, org_id, project_id, spec, created_at) "
             + "VALUES (?, ?, ?, ?, ?, CAST(? AS json), ?) ON CONFLICT (dedup_key) DO NOTHING")) {
      ps.setString(1, e.id());
      ps.setString(2, e.dedupKey());
      ps.setString(3, e.ruleId());
      ps.setString(4, e.orgId().orElse(null));
      ps.setString(5, e.projectId().orElse(null));
      ps.setString(6, AlertJson.render(e).toString());
      events.setInstant(ps, 7, e.at());
      return ps.executeUpdate() > 0;
    } catch (SQLException ex) {
      throw new StoreException("cannot store alert " + e.id() + ": " + ex.getMessage(), ex);
    }
  }

  @Override
  public List<AlertEvent> events(Optional<String> orgId, Optional<String> projectId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT spec FROM alert_events WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    orgId.ifPresent(o -> { sql.append(" AND org_id = ?"); args.add(o); });
    projectId.ifPresent(p -> { sql.append(" AND project_id = ?"); args.add(p); });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(Math.max(1, Math.min(limit, 1000)));
    return events.query(sql.toString(), args.toArray());
  }

  @Override
  public Optional<AlertEvent> event(String id) {
    return events.find(id);
  }

  @Override
  public void insertDelivery(Delivery d) {
    try (Connection c = deliveries.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO alert_deliveries (id, event_id, spec, created_at) VALUES (?, ?, "
             + deliveries.json() + ", ?)")) {
      ps.setString(1, d.id());
      ps.setString(2, d.eventId());
      ps.setString(3, AlertJson.render(d).toString());
      deliveries.setInstant(ps, 4, d.at());
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw new StoreException("cannot log delivery " + d.id() + ": " + ex.getMessage(), ex);
    }
  }

  @Override
  public List<Delivery> deliveries(String eventId) {
    return deliveries.query("SELECT spec FROM alert_deliveries WHERE event_id = ?", eventId).stream()
        .sorted(Comparator.comparing(Delivery::at).thenComparing(Delivery::channel).thenComparingInt(Delivery::attempt))
        .toList();
  }
}
