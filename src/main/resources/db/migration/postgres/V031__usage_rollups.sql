-- The analytics rollups, the same shape as DuckDB's V031: V004's usage_hourly/usage_daily counted attempts as
-- requests and had no flags, tags, deployment or latency bins, so analytics could not answer from them. They are
-- replaced here (and rebuilt from the ledger below). Maintained by PostgresUsageStore in the statement that
-- inserts each batch (INSERT ... ON CONFLICT DO UPDATE from the rows that INSERT ... ON CONFLICT DO NOTHING
-- really inserted), so a journal replay adds nothing twice. Keys never hold NULL: a missing org, project or
-- dimension value is ''.
--
-- usage_hourly: one row per (UTC hour, dimension, value, org, project); dim '' is the plain per-project total
-- (value ''), the other dims are the breakdown dimensions (tags: the row's jsonb array as text, split when read).
-- Measures mirror Totals: requests = attempt <= 1, attempts = rows, errors = status >= 400, fallbacks and
-- cache hits by flag, then money (nano-USD), the nine token classes and the latency sum.
-- (IF EXISTS: PostgresUsageRollup.rebuild runs V031-V033 again after dropping the new tables.)
DROP TABLE IF EXISTS usage_hourly;

DROP TABLE IF EXISTS usage_daily;

-- The backfill aggregates the whole ledger with sorts: in memory where it fits, for this transaction only.
SET LOCAL work_mem = '256MB';

-- The keys and indexes are added after the backfill: one sorted build instead of millions of random inserts.

CREATE TABLE usage_hourly (
  hour                  TIMESTAMPTZ NOT NULL,
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
  latency_ms            BIGINT NOT NULL
);

-- Latency histograms (analytics/LogHistogram bins, round(ln(greatest(ms, 1)) * 40) as LogHistogram.binSql and
-- DuckDbUsageRollup.bin compute it) per (UTC hour, org, project, served model) over the rows the latency report
-- reads: status < 400 and not a response-cache hit. kind 0 = latency, 1 = time to first token.
CREATE TABLE usage_latency_hourly (
  hour       TIMESTAMPTZ NOT NULL,
  org_id     VARCHAR NOT NULL,
  project_id VARCHAR NOT NULL,
  model      VARCHAR NOT NULL,
  kind       SMALLINT NOT NULL,
  bin        INTEGER NOT NULL,
  n          BIGINT NOT NULL
);

-- Backfill from the rows already in the ledger (PostgresUsageRollup runs the same aggregate over each inserted
-- batch). One scan with grouping sets; GROUPING() tells the dimension (255: none grouped, 127: the first, ...).
INSERT INTO usage_hourly
SELECT hour,
       CASE gid WHEN 255 THEN '' WHEN 127 THEN 'model' WHEN 191 THEN 'model_requested' WHEN 223 THEN 'provider'
                WHEN 239 THEN 'key' WHEN 247 THEN 'status' WHEN 251 THEN 'deployment' WHEN 253 THEN 'endpoint' ELSE 'tags' END,
       coalesce(CASE gid WHEN 127 THEN model_served WHEN 191 THEN model_requested WHEN 223 THEN provider WHEN 239 THEN key_id
                WHEN 247 THEN CAST(status AS VARCHAR) WHEN 251 THEN deployment WHEN 253 THEN endpoint WHEN 254 THEN tag_list END, ''),
       org, project, requests, attempts, errors, fallbacks, cache_hits, cost_nanos, saved_nanos, input_tokens, cache_read_tokens,
       cache_write_5m_tokens, cache_write_1h_tokens, audio_input_tokens, image_input_tokens, output_tokens, reasoning_tokens,
       audio_output_tokens, latency_ms
FROM (
  SELECT hour, org, project, model_served, model_requested, provider, key_id, status, deployment, endpoint, tag_list,
         GROUPING(model_served, model_requested, provider, key_id, status, deployment, endpoint, tag_list) AS gid,
         count(*) FILTER (WHERE attempt <= 1) AS requests, count(*) AS attempts, count(*) FILTER (WHERE status >= 400) AS errors,
         count(*) FILTER (WHERE strpos(flags, 'FALLBACK_USED') > 0) AS fallbacks,
         count(*) FILTER (WHERE strpos(flags, 'CACHE_HIT') > 0) AS cache_hits,
         sum(cost_nanos)::BIGINT AS cost_nanos, sum(saved_nanos)::BIGINT AS saved_nanos, sum(input_tokens)::BIGINT AS input_tokens,
         sum(cache_read_tokens)::BIGINT AS cache_read_tokens, sum(cache_write_5m_tokens)::BIGINT AS cache_write_5m_tokens,
         sum(cache_write_1h_tokens)::BIGINT AS cache_write_1h_tokens, sum(audio_input_tokens)::BIGINT AS audio_input_tokens,
         sum(image_input_tokens)::BIGINT AS image_input_tokens, sum(output_tokens)::BIGINT AS output_tokens,
         sum(reasoning_tokens)::BIGINT AS reasoning_tokens, sum(audio_output_tokens)::BIGINT AS audio_output_tokens,
         sum(latency_ms)::BIGINT AS latency_ms
  -- only the columns the aggregates read: the grouping sets re-sort these rows once per dimension
  FROM (SELECT date_trunc('hour', started_at, 'UTC') AS hour, coalesce(org_id, '') AS org, coalesce(project_id, '') AS project,
               model_served, model_requested, provider, key_id, status, deployment, endpoint, tags::text AS tag_list, attempt,
               flags, cost_nanos, saved_nanos, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
               audio_input_tokens, image_input_tokens, output_tokens, reasoning_tokens, audio_output_tokens, latency_ms
        FROM usage) r
  GROUP BY hour, org, project, GROUPING SETS ((), (model_served), (model_requested), (provider), (key_id), (status),
    (deployment), (endpoint), (tag_list))) g;

INSERT INTO usage_latency_hourly
SELECT hour, org, project, model_served, kind, bin, count(*) FROM (
  SELECT date_trunc('hour', started_at, 'UTC') AS hour, coalesce(org_id, '') AS org, coalesce(project_id, '') AS project,
         model_served, 0 AS kind, CAST(round(ln(greatest(latency_ms, 1)) * 40) AS INTEGER) AS bin
  FROM usage WHERE status < 400 AND strpos(flags, 'CACHE_HIT') = 0
  UNION ALL
  SELECT date_trunc('hour', started_at, 'UTC'), coalesce(org_id, ''), coalesce(project_id, ''), model_served, 1,
         CAST(round(ln(greatest(div((extract(epoch FROM first_token_at) * 1000000)::bigint, 1000)
           - div((extract(epoch FROM started_at) * 1000000)::bigint, 1000), 1)) * 40) AS INTEGER)
  FROM usage WHERE status < 400 AND strpos(flags, 'CACHE_HIT') = 0 AND first_token_at IS NOT NULL) b
GROUP BY 1, 2, 3, 4, 5, 6;

-- every analytics read names one dim and an hour range: dim, then hour, leads
ALTER TABLE usage_hourly ADD PRIMARY KEY (dim, hour, org_id, project_id, value);

-- tenant-scoped reads (an org's dashboard) skip the other orgs' rows
CREATE INDEX usage_hourly_org ON usage_hourly (org_id, dim, hour);

ALTER TABLE usage_latency_hourly ADD PRIMARY KEY (hour, org_id, project_id, model, kind, bin);
