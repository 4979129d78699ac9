-- Budgets, rate-limit rules, alert rules, fired alerts and their delivery log. Each object is kept as its
-- JSON form (spec) next to the columns that are queried: owner (org, project) and keys.
CREATE TABLE budgets (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);

CREATE TABLE rate_limit_rules (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);

CREATE TABLE alert_rules (
  id         VARCHAR PRIMARY KEY,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       VARCHAR NOT NULL,  -- holds channel secrets (signing secret, PagerDuty routing key)
  created_at TIMESTAMP NOT NULL
);

-- dedup_key is unique: one alert per rule, budget, period and threshold.
CREATE TABLE alert_events (
  id         VARCHAR PRIMARY KEY,
  dedup_key  VARCHAR NOT NULL UNIQUE,
  rule_id    VARCHAR NOT NULL,
  org_id     VARCHAR,
  project_id VARCHAR,
  spec       VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);

CREATE TABLE alert_deliveries (
  id         VARCHAR PRIMARY KEY,
  event_id   VARCHAR NOT NULL,
  spec       VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);
