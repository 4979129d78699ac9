-- Budgets, rate-limit rules, alert rules, fired alerts and their delivery log. Each object is kept as its
-- JSON form (spec, jsonb here) next to the columns that are queried: owner (org, project) and keys.
CREATE TABLE budgets (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE rate_limit_rules (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE alert_rules (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       JSONB NOT NULL,  -- holds channel secrets (signing secret, PagerDuty routing key)
  created_at TIMESTAMPTZ NOT NULL
);

-- dedup_key is unique: one alert per rule, budget, period and threshold, even when replicas race
-- (INSERT ... ON CONFLICT (dedup_key) DO NOTHING). An event's spec is json, not jsonb: its details are
-- shown back as they were written, key order included.
CREATE TABLE alert_events (
  id         VARCHAR PRIMARY KEY,
  dedup_key  VARCHAR NOT NULL UNIQUE,
  rule_id    VARCHAR NOT NULL,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       JSON NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX alert_events_created ON alert_events (created_at DESC, id DESC);
CREATE INDEX alert_events_org_created ON alert_events (org_id, created_at DESC, id DESC);

CREATE TABLE alert_deliveries (
  id         VARCHAR PRIMARY KEY,
  event_id   VARCHAR NOT NULL,
  spec       JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX alert_deliveries_event ON alert_deliveries (event_id);

-- A budget's spend is summed from the ledger by org, project, key, user or tag: V001 and V004 index all
-- of these but the project alone.
CREATE INDEX usage_project_started ON usage (project_id, started_at DESC) WHERE project_id IS NOT NULL;
