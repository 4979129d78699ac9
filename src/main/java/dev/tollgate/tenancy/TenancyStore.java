package dev.tollgate.tenancy;

import java.time.Instant;
import java.util.List;

/** Where orgs, projects, users, roles and session keys live. Implementations live in {@code dev.tollgate.storage}. */
public interface TenancyStore {

  /** Everything, for the in-memory model built at start. */
  record Snapshot(List<Org> orgs, List<Project> projects, List<User> users, List<Membership> memberships) {}

  Snapshot load();

  void insertOrg(Org org);

  void updateOrg(Org org);

  /** Deletes an org with no projects left, and the roles held on it. */
  void deleteOrg(String orgId);

  void insertProject(Project project);

  void updateProject(Project project);

  /** Deletes a project and the roles held on it (its keys are already revoked or expired). */
  void deleteProject(String projectId);

  /** A user and their first roles, in one transaction. */
  void insertUser(User user, List<Membership> memberships);

  void updateUser(User user);

  void insertMembership(Membership membership);

  void deleteMembership(String membershipId);

  /** Puts keys made before tenancy existed (no project) into the default project. @return how many */
  int adoptKeysWithoutProject(String orgId, String projectId);

  /** A signing key for session tokens. */
  record SigningKey(String kid, byte[] secret, Instant createdAt, java.util.Optional<Instant> retireAt) {}

  List<SigningKey> signingKeys();

  /** Adds {@code fresh} as the current key and schedules every current one to retire at {@code retireOthersAt}. */
  void addSigningKey(SigningKey fresh, Instant retireOthersAt);

  /** Removes keys retired before {@code now}. */
  void dropRetiredSigningKeys(Instant now);

  record RevokedToken(String jti, Instant expiresAt) {}

  List<RevokedToken> revokedTokens(Instant now);

  void revokeToken(RevokedToken token);

  /** Forgets revoked tokens that have expired anyway. */
  void purgeRevokedTokens(Instant now);
}
