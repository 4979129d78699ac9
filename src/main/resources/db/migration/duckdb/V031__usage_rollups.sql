-- Hourly rollups of the usage ledger, so analytics over months reads thousands of rows instead of millions.
-- Maintained by DuckDbUsageStore in the same transaction as each appended batch (an upsert of the batch
-- aggregated in Java), so journal replays (appendIfAbsent) add only the rows that were really appended.
-- Keys never hold NULL (a primary key cannot): a missing org, project or dimension value is ''.
--
-- usage_hourly: one row per (UTC hour, dimension, value, org, project); dim '' is the plain per-project total
-- (value ''), the other dims are the breakdown dimensions (tags: the row's JSON array text, split when read).
-- Measures mirror Totals: requests = attempt <= 1, attempts = rows, errors = status >= 400, fallbacks and
-- cache hits by flag, then money (nano-USD), the nine token classes and the latency sum.
CREATE TABLE usage_hourly (
  hour                  TIMESTAMP NOT NULL,
  dim                   VARCHAR NOT NULL,
  value                 VARCHAR NOT NULL,
  org_id                VARCHAR NOT NULL,
  project_id            VARCHAR NOT NULL,
  requests              BIGINT NOT NULL,
  attempts              BIGINT NOT NULL,
  errors                BIGINT NOT NULL,
  fallbacks             BIGINT NOT NULL,
  cache_hits            BIGINT NOT NULL,
  cost_nanos            BIGINT NOT NULL,
  saved_nanos           BIGINT NOT NULL,
  input_tokens          BIGINT NOT NULL,
  cache_read_tokens     BIGINT NOT NULL,
  cache_write_5m_tokens BIGINT NOT NULL,
  cache_write_1h_tokens BIGINT NOT NULL,
  audio_input_tokens    BIGINT NOT NULL,
  image_input_tokens    BIGINT NOT NULL,
  output_tokens         BIGINT NOT NULL,
  reasoning_tokens      BIGINT NOT NULL,
  audio_output_tokens   BIGINT NOT NULL,
  latency_ms            BIGINT NOT NULL,
  PRIMARY KEY (hour, dim, value, org_id, project_id)
);

-- Latency histograms (analytics/LogHistogram bins) per (UTC hour, org, project, served model) over the rows
-- the latency report reads: status < 400 and not a response-cache hit. kind 0 = latency, 1 = time to first token.
CREATE TABLE usage_latency_hourly (
  hour       TIMESTAMP NOT NULL,
  org_id     VARCHAR NOT NULL,
  project_id VARCHAR NOT NULL,
  model      VARCHAR NOT NULL,
  kind       TINYINT NOT NULL,
  bin        INTEGER NOT NULL,
  n          BIGINT NOT NULL,
  PRIMARY KEY (hour, org_id, project_id, model, kind, bin)
);

-- Backfill from the rows already in the ledger (the same statements as DuckDbUsageRollup.rebuild).
INSERT INTO usage_hourly
SELECT date_trunc('hour', started_at) AS hour, d.dim,
       coalesce(CASE d.dim WHEN 'model' THEN model_served WHEN 'model_requested' THEN model_requested
                WHEN 'provider' THEN provider WHEN 'key' THEN key_id WHEN 'status' THEN CAST(status AS VARCHAR)
                WHEN 'deployment' THEN deployment WHEN 'endpoint' THEN endpoint WHEN 'tags' THEN tags END, '') AS value,
       coalesce(org_id, '') AS org, coalesce(project_id, '') AS project,
       count(*) FILTER (WHERE attempt <= 1), count(*), count(*) FILTER (WHERE status >= 400),
       count(*) FILTER (WHERE contains(flags, 'FALLBACK_USED')), count(*) FILTER (WHERE contains(flags, 'CACHE_HIT')),
       sum(cost_nanos)::BIGINT, sum(saved_nanos)::BIGINT, sum(input_tokens)::BIGINT, sum(cache_read_tokens)::BIGINT,
       sum(cache_write_5m_tokens)::BIGINT, sum(cache_write_1h_tokens)::BIGINT, sum(audio_input_tokens)::BIGINT,
       sum(image_input_tokens)::BIGINT, sum(output_tokens)::BIGINT, sum(reasoning_tokens)::BIGINT,
       sum(audio_output_tokens)::BIGINT, sum(latency_ms)::BIGINT
FROM usage, (VALUES (''), ('model'), ('model_requested'), ('provider'), ('key'), ('status'), ('deployment'), ('endpoint'), ('tags')) d(dim)
GROUP BY ALL;
INSERT INTO usage_latency_hourly
SELECT hour, org, project, model, kind, bin, count(*) FROM (
  SELECT date_trunc('hour', started_at) AS hour, coalesce(org_id, '') AS org, coalesce(project_id, '') AS project,
         model_served AS model, 0 AS kind, CAST(round(ln(greatest(latency_ms, 1)) * 40) AS INTEGER) AS bin
  FROM usage WHERE status < 400 AND NOT contains(flags, 'CACHE_HIT')
  UNION ALL
  SELECT date_trunc('hour', started_at), coalesce(org_id, ''), coalesce(project_id, ''), model_served, 1,
         CAST(round(ln(greatest(date_diff('millisecond', started_at, first_token_at), 1)) * 40) AS INTEGER)
  FROM usage WHERE status < 400 AND NOT contains(flags, 'CACHE_HIT') AND first_token_at IS NOT NULL)
GROUP BY ALL;
