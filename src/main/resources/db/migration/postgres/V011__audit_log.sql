-- The audit log: one row per change made through the admin API. Append-only: no code path updates or
-- deletes a row, and no route exists that could. seq orders the rows and is the pagination cursor.
-- before/after are json (not jsonb): kept exactly as written, key order included.
CREATE SEQUENCE audit_seq START 1;
CREATE TABLE audit_log (
  seq         BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
  occurred_at TIMESTAMPTZ NOT NULL,
  actor       VARCHAR NOT NULL,     -- 'master' or a user id
  actor_email VARCHAR,
  org_id      VARCHAR,              -- the org and project of the object changed (null: gateway-wide)
  project_id  VARCHAR,
  action      VARCHAR NOT NULL,     -- e.g. key.create, user.role.grant
  target_type VARCHAR NOT NULL,
  target_id   VARCHAR NOT NULL,
  before_json JSON,                 -- never a secret
  after_json  JSON,
  source_ip   VARCHAR,
  request_id  VARCHAR
);
ALTER SEQUENCE audit_seq OWNED BY audit_log.seq;
CREATE INDEX audit_log_org_seq ON audit_log (org_id, seq DESC);
CREATE INDEX audit_log_target_seq ON audit_log (target_type, target_id, seq DESC);
CREATE INDEX audit_log_occurred ON audit_log (occurred_at);
