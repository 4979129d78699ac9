package dev.tollgate.storage;

import dev.tollgate.auth.AdminRole;
import dev.tollgate.tenancy.Membership;
import dev.tollgate.tenancy.Org;
import dev.tollgate.tenancy.Project;
import dev.tollgate.tenancy.TenancyStore;
import dev.tollgate.tenancy.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** {@link TenancyStore} on DuckDB: plain SQL, every multi-row change in one transaction. */
public final class DuckDbTenancyStore implements TenancyStore {
  private final Database db;

  public DuckDbTenancyStore(Database db) {
    this.db = db;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T tx(String what, Work<T> work) {
    try (Connection c = db.connection()) {
      return Jdbc.inTransaction(c, () -> work.run(c));
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private static int exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        Object a = args[i];
        if (a instanceof Instant t) {
          Jdbc.setInstant(ps, i + 1, t);
        } else if (a instanceof Optional<?> o) {
          Object v = o.orElse(null);
          if (v instanceof Instant t) {
            Jdbc.setInstant(ps, i + 1, t);
          } else if (v == null) {
            ps.setObject(i + 1, null);
          } else {
            ps.setObject(i + 1, v);
          }
        } else {
          ps.setObject(i + 1, a);
        }
      }
      return ps.executeUpdate();
    }
  }

  @Override
  public Snapshot load() {
    try (Connection c = db.connection()) {
      List<Org> orgs = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, created_at FROM orgs"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          orgs.add(new Org(rs.getString(1), rs.getString(2), Jdbc.instant(rs, "created_at")));
        }
      }
      List<Project> projects = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, org_id, name, created_at FROM projects");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          projects.add(new Project(rs.getString(1), rs.getString(2), rs.getString(3), Jdbc.instant(rs, "created_at")));
        }
      }
      List<User> users = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, email, name, password_hash, created_at, disabled_at, sessions_valid_from FROM users");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          users.add(new User(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Jdbc.instant(rs, "created_at"),
              Jdbc.optionalInstant(rs, "disabled_at"), Jdbc.instant(rs, "sessions_valid_from")));
        }
      }
      List<Membership> ms = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, user_id, org_id, project_id, role, created_at FROM memberships");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ms.add(new Membership(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
              Optional.ofNullable(rs.getString(4)), AdminRole.valueOf(rs.getString(5)), Jdbc.instant(rs, "created_at")));
        }
      }
      return new Snapshot(orgs, projects, users, ms);
    } catch (SQLException e) {
      throw new StoreException("cannot load orgs, projects and users: " + e.getMessage(), e);
    }
  }

  @Override
  public void insertOrg(Org org) {
    tx("insert org " + org.id(), c -> exec(c, "INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)", org.id(), org.name(), org.createdAt()));
  }

  @Override
  public void updateOrg(Org org) {
    tx("update org " + org.id(), c -> exec(c, "UPDATE orgs SET name = ? WHERE id = ?", org.name(), org.id()));
  }

  @Override
  public void deleteOrg(String orgId) {
    tx("delete org " + orgId, c -> {
      exec(c, "DELETE FROM memberships WHERE org_id = ?", orgId);
      return exec(c, "DELETE FROM orgs WHERE id = ?", orgId);
    });
  }

  @Override
  public void insertProject(Project p) {
    tx("insert project " + p.id(), c -> exec(c, "INSERT INTO projects (id, org_id, name, created_at) VALUES (?, ?, ?, ?)",
        p.id(), p.orgId(), p.name(), p.createdAt()));
  }

  @Override
  public void updateProject(Project p) {
    tx("update project " + p.id(), c -> exec(c, "UPDATE projects SET name = ? WHERE id = ?", p.name(), p.id()));
  }

  @Override
  public void deleteProject(String projectId) {
    tx("delete project " + projectId, c -> {
      exec(c, "DELETE FROM memberships WHERE project_id = ?", projectId);
      return exec(c, "DELETE FROM projects WHERE id = ?", projectId);
    });
  }

  @Override
  public void insertUser(User u, List<Membership> memberships) {
    tx("insert user " + u.id(), c -> {
      exec(c, "INSERT INTO users (id, email, name, password_hash, created_at, disabled_at, sessions_valid_from) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?)", u.id(), u.email(), u.name(), u.passwordHash(), u.createdAt(), u.disabledAt(),
          u.sessionsValidFrom());
      for (Membership m : memberships) {
        insertMembership(c, m);
      }
      return null;
    });
  }

  @Override
  public void updateUser(User u) {
    tx("update user " + u.id(), c -> exec(c, "UPDATE users SET name = ?, password_hash = ?, disabled_at = ?, "
        + "sessions_valid_from = ? WHERE id = ?", u.name(), u.passwordHash(), u.disabledAt(), u.sessionsValidFrom(), u.id()));
  }

  @Override
  public void insertMembership(Membership m) {
    tx("insert role " + m.id(), c -> insertMembership(c, m));
  }

  private static int insertMembership(Connection c, Membership m) throws SQLException {
    return exec(c, "INSERT INTO memberships (id, user_id, org_id, project_id, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        m.id(), m.userId(), m.orgId(), m.projectId(), m.role().name(), m.createdAt());
  }

  @Override
  public void deleteMembership(String membershipId) {
    tx("delete role " + membershipId, c -> exec(c, "DELETE FROM memberships WHERE id = ?", membershipId));
  }

  @Override
  public int adoptKeysWithoutProject(String orgId, String projectId) {
    return tx("move keys into the default project", c -> exec(c,
        "UPDATE api_keys SET org_id = ?, project_id = ? WHERE role = 'VIRTUAL' AND project_id IS NULL", orgId, projectId));
  }

  @Override
  public List<SigningKey> signingKeys() {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("SELECT kid, secret, created_at, retire_at FROM signing_keys");
         ResultSet rs = ps.executeQuery()) {
      List<SigningKey> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new SigningKey(rs.getString(1), Base64.getUrlDecoder().decode(rs.getString(2)), Jdbc.instant(rs, "created_at"),
            Jdbc.optionalInstant(rs, "retire_at")));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read signing keys: " + e.getMessage(), e);
    }
  }

  @Override
  public void addSigningKey(SigningKey fresh, Instant retireOthersAt) {
    tx("add a signing key", c -> {
      exec(c, "UPDATE signing_keys SET retire_at = ? WHERE retire_at IS NULL", retireOthersAt);
      return exec(c, "INSERT INTO signing_keys (kid, secret, created_at, retire_at) VALUES (?, ?, ?, NULL)", fresh.kid(),
          Base64.getUrlEncoder().withoutPadding().encodeToString(fresh.secret()), fresh.createdAt());
    });
  }

  @Override
  public void dropRetiredSigningKeys(Instant now) {
    tx("drop retired signing keys", c -> exec(c, "DELETE FROM signing_keys WHERE retire_at IS NOT NULL AND retire_at <= ?", now));
  }

  @Override
  public List<RevokedToken> revokedTokens(Instant now) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > ?")) {
      Jdbc.setInstant(ps, 1, now);
      try (ResultSet rs = ps.executeQuery()) {
        List<RevokedToken> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new RevokedToken(rs.getString(1), Jdbc.instant(rs, "expires_at")));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read revoked tokens: " + e.getMessage(), e);
    }
  }

  @Override
  public void revokeToken(RevokedToken token) {
    tx("revoke a session", c -> exec(c, "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        token.jti(), token.expiresAt()));
  }

  @Override
  public void purgeRevokedTokens(Instant now) {
    tx("purge revoked sessions", c -> exec(c, "DELETE FROM revoked_tokens WHERE expires_at <= ?", now));
  }
}
