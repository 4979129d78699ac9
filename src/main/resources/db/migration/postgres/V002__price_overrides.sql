-- Price overrides made through the admin API (config overrides live in the YAML). Append-only.
CREATE TABLE price_overrides (
  id         VARCHAR PRIMARY KEY,
  spec       VARCHAR NOT NULL,   -- JSON, the shape of a pricing.overrides entry (kept as text: exact decimals)
  created_at TIMESTAMPTZ NOT NULL
);
