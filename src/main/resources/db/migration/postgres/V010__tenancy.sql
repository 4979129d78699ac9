-- Tenancy: orgs own projects, projects own API keys; users hold roles on the whole gateway, an org or a project.
-- Same tables as DuckDB's V010. Unlike DuckDB, the uniqueness the services check in memory is also a
-- constraint here, because replicas each check only their own memory: org names (case-insensitive),
-- project names within an org (case-insensitive), emails (stored lower-cased), one role per user and scope.
CREATE TABLE orgs (
  id         VARCHAR PRIMARY KEY,
  name       VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX orgs_name ON orgs (lower(name));

CREATE TABLE projects (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR NOT NULL,
  name       VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX projects_org_name ON projects (org_id, lower(name));

CREATE TABLE users (
  id            VARCHAR PRIMARY KEY,
  email         VARCHAR NOT NULL UNIQUE, -- lower-cased
  name          VARCHAR NOT NULL,
  password_hash VARCHAR NOT NULL,        -- Argon2id, PHC string format
  created_at    TIMESTAMPTZ NOT NULL,
  disabled_at   TIMESTAMPTZ,
  sessions_valid_from TIMESTAMPTZ NOT NULL -- tokens issued earlier are refused (set by a password change)
);

-- A role of a user: org_id and project_id both null = the whole gateway; project_id null = the whole org.
CREATE TABLE memberships (
  id         VARCHAR PRIMARY KEY,
  user_id    VARCHAR NOT NULL,
  org_id     VARCHAR,
  project_id VARCHAR,
  role       VARCHAR NOT NULL,      -- owner, admin, member, viewer
  created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX memberships_user_scope ON memberships (user_id, coalesce(org_id, ''), coalesce(project_id, ''));
CREATE INDEX memberships_org ON memberships (org_id);
CREATE INDEX memberships_project ON memberships (project_id);

-- Keys belong to a project; per-key limits for the rate limiter; metadata, tags, last use, rotation.
ALTER TABLE api_keys ADD COLUMN org_id VARCHAR;
ALTER TABLE api_keys ADD COLUMN project_id VARCHAR;
ALTER TABLE api_keys ADD COLUMN rpm_limit BIGINT;
ALTER TABLE api_keys ADD COLUMN tpm_limit BIGINT;
ALTER TABLE api_keys ADD COLUMN metadata JSONB NOT NULL DEFAULT '{}';  -- JSON object of strings
ALTER TABLE api_keys ADD COLUMN tags JSONB NOT NULL DEFAULT '[]';      -- JSON array of strings
ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMPTZ;
ALTER TABLE api_keys ADD COLUMN created_by VARCHAR;
ALTER TABLE api_keys ADD COLUMN replaced_by VARCHAR;
CREATE INDEX api_keys_project ON api_keys (project_id);

-- Session tokens (JWT HS256): the signing keys (new one signs, older ones verify until retired) and
-- the ids of tokens ended by logout, kept until they would have expired anyway.
CREATE TABLE signing_keys (
  kid        VARCHAR PRIMARY KEY,
  secret     VARCHAR NOT NULL,      -- base64url, 256 bits
  created_at TIMESTAMPTZ NOT NULL,
  retire_at  TIMESTAMPTZ            -- null: the current key
);
CREATE TABLE revoked_tokens (
  jti        VARCHAR PRIMARY KEY,
  expires_at TIMESTAMPTZ NOT NULL
);
