-- Tenancy: orgs own projects, projects own API keys; users hold roles on the whole gateway, an org or a project.
-- Uniqueness of names and emails is checked by the services (in memory, under one lock): DuckDB's unique
-- indexes complain about rows updated twice in one transaction.
CREATE TABLE orgs (
  id         VARCHAR PRIMARY KEY,
  name       VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE TABLE projects (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR NOT NULL,
  name       VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE TABLE users (
  id            VARCHAR PRIMARY KEY,
  email         VARCHAR NOT NULL,   -- lower-cased
  name          VARCHAR NOT NULL,
  password_hash VARCHAR NOT NULL,   -- Argon2id, PHC string format
  created_at    TIMESTAMP NOT NULL,
  disabled_at   TIMESTAMP,
  sessions_valid_from TIMESTAMP NOT NULL -- tokens issued earlier are refused (set by a password change)
);
-- A role of a user: org_id and project_id both null = the whole gateway; project_id null = the whole org.
CREATE TABLE memberships (
  id         VARCHAR PRIMARY KEY,
  user_id    VARCHAR NOT NULL,
  org_id     VARCHAR,
  project_id VARCHAR,
  role       VARCHAR NOT NULL,      -- owner, admin, member, viewer
  created_at TIMESTAMP NOT NULL
);
-- Keys belong to a project; per-key limits for the rate limiter; metadata, tags, last use, rotation.
ALTER TABLE api_keys ADD COLUMN org_id VARCHAR;
ALTER TABLE api_keys ADD COLUMN project_id VARCHAR;
ALTER TABLE api_keys ADD COLUMN rpm_limit BIGINT;
ALTER TABLE api_keys ADD COLUMN tpm_limit BIGINT;
ALTER TABLE api_keys ADD COLUMN metadata VARCHAR DEFAULT '{}';   -- JSON object of strings
ALTER TABLE api_keys ADD COLUMN tags VARCHAR DEFAULT '[]';       -- JSON array
ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN created_by VARCHAR;
ALTER TABLE api_keys ADD COLUMN replaced_by VARCHAR;
-- Session tokens (JWT HS256): the signing keys (new one signs, older ones verify until retired) and
-- the ids of tokens ended by logout, kept until they would have expired anyway.
CREATE TABLE signing_keys (
  kid        VARCHAR PRIMARY KEY,
  secret     VARCHAR NOT NULL,      -- base64url, 256 bits
  created_at TIMESTAMP NOT NULL,
  retire_at  TIMESTAMP             -- null: the current key
);
CREATE TABLE revoked_tokens (
  jti        VARCHAR PRIMARY KEY,
  expires_at TIMESTAMP NOT NULL
);
