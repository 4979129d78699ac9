-- Runtime changes to a configured deployment (PATCH /api/v1/deployments/{model}/{id}), applied over the YAML at
-- every start and on every replica. A row exists only while the deployment differs from its configuration.
CREATE TABLE deployment_overrides (
  model      VARCHAR NOT NULL,
  id         VARCHAR NOT NULL,
  enabled    BOOLEAN NOT NULL,
  weight     INTEGER NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (model, id)
);
