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
 * {@link AlertStore} written once for DuckDB and PostgreSQL over {@link SpecTable}s. Dedupe is the unique
 * {@code dedup_key} of {@code alert_events} and {@code INSERT ... ON CONFLICT (dedup_key) DO NOTHING}: when
 * replicas race to fire the same alert, exactly one insert reports it new.
 */
abstract class JdbcAlertStore implements AlertStore {
  private final SpecTable<AlertRule> rules;
  private final SpecTable<AlertEvent> events;
  private final SpecTable<Delivery> deliveries;

  JdbcAlertStore(SpecTable<AlertRule> rules, SpecTable<AlertEvent> events, SpecTable<Delivery> deliveries) {
    this.rules = rules;
    this.events = events;
    this.deliveries = deliveries;
  }

  @Override
  public final void insertRule(AlertRule r) {
    rules.insert(r.id(), r.orgId(), r.projectId(), AlertJson.render(r, true), r.createdAt());
  }

  @Override
  public final boolean deleteRule(String id) {
    return rules.delete(id);
  }

  @Override
  public final List<AlertRule> rules() {
    return rules.all();
  }

  /**
   * Synchronized because DuckDB refuses two concurrent inserts of one key as a transaction conflict rather than
   * reporting one of them a no-op; across replicas (PostgreSQL) the unique key decides.
   */
  @Override
  public final synchronized boolean insertEventIfNew(AlertEvent e) {
    try (Connection c = events.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO alert_events (id, dedup_key, rule_id, org_id, project_id, spec, created_at) "
             + "VALUES (?, ?, ?, ?, ?, " + events.json() + ", ?) ON CONFLICT (dedup_key) DO NOTHING")) {
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
  public final List<AlertEvent> events(Optional<String> orgId, Optional<String> projectId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT spec FROM alert_events WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    orgId.ifPresent(o -> { sql.append(" AND org_id = ?"); args.add(o); });
    projectId.ifPresent(p -> { sql.append(" AND project_id = ?"); args.add(p); });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(Math.max(1, Math.min(limit, 1000)));
    return events.query(sql.toString(), args.toArray());
  }

  @Override
  public final Optional<AlertEvent> event(String id) {
    return events.find(id);
  }

  @Override
  public final void insertDelivery(Delivery d) {
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
  public final List<Delivery> deliveries(String eventId) {
    return deliveries.query("SELECT spec FROM alert_deliveries WHERE event_id = ?", eventId).stream()
        .sorted(Comparator.comparing(Delivery::at).thenComparing(Delivery::channel).thenComparingInt(Delivery::attempt))
        .toList();
  }
}
