-- The audit log: one row per change made through the admin API. Append-only: no code path updates or
-- deletes a row, and no route exists that could. seq orders the rows and is the pagination cursor.
CREATE SEQUENCE audit_seq START 1;
CREATE TABLE audit_log (
  seq         BIGINT PRIMARY KEY,
  occurred_at TIMESTAMP NOT NULL,
  actor       VARCHAR NOT NULL,     -- 'master' or a user id
  actor_email VARCHAR,
  org_id      VARCHAR,              -- the org and project of the object changed (null: gateway-wide)
  project_id  VARCHAR,
  action      VARCHAR NOT NULL,     -- e.g. key.create, user.role.grant
  target_type VARCHAR NOT NULL,
  target_id   VARCHAR NOT NULL,
  before_json VARCHAR,              -- JSON, never a secret
  after_json  VARCHAR,
  source_ip   VARCHAR,
  request_id  VARCHAR
);
