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
-- One scan with grouping sets; grouping_id tells the dimension (255: none grouped, 127: the first, ...).
INSERT INTO usage_hourly
SELECT hour,
       CASE gid WHEN 255 THEN '' WHEN 127 THEN 'model' WHEN 191 THEN 'model_requested' WHEN 223 THEN 'provider'
                WHEN 239 THEN 'key' WHEN 247 THEN 'status' WHEN 251 THEN 'deployment' WHEN 253 THEN 'endpoint' ELSE 'tags' END AS dim,
       coalesce(CASE gid WHEN 127 THEN model_served WHEN 191 THEN model_requested WHEN 223 THEN provider WHEN 239 THEN key_id
                WHEN 247 THEN CAST(status AS VARCHAR) WHEN 251 THEN deployment WHEN 253 THEN endpoint WHEN 254 THEN tags END, '') AS value,
       org, project, requests, attempts, errors, fallbacks, cache_hits, cost_nanos, saved_nanos, input_tokens, cache_read_tokens,
       cache_write_5m_tokens, cache_write_1h_tokens, audio_input_tokens, image_input_tokens, output_tokens, reasoning_tokens,
       audio_output_tokens, latency_ms
FROM (
  SELECT date_trunc('hour', started_at) AS hour, coalesce(org_id, '') AS org, coalesce(project_id, '') AS project,
         model_served, model_requested, provider, key_id, status, deployment, endpoint, tags,
         grouping_id(model_served, model_requested, provider, key_id, status, deployment, endpoint, tags) AS gid,
         count(*) FILTER (WHERE attempt <= 1) AS requests, count(*) AS attempts, count(*) FILTER (WHERE status >= 400) AS errors,
         count(*) FILTER (WHERE contains(flags, 'FALLBACK_USED')) AS fallbacks,
         count(*) FILTER (WHERE contains(flags, 'CACHE_HIT')) AS cache_hits,
         sum(cost_nanos)::BIGINT AS cost_nanos, sum(saved_nanos)::BIGINT AS saved_nanos, sum(input_tokens)::BIGINT AS input_tokens,
         sum(cache_read_tokens)::BIGINT AS cache_read_tokens, sum(cache_write_5m_tokens)::BIGINT AS cache_write_5m_tokens,
         sum(cache_write_1h_tokens)::BIGINT AS cache_write_1h_tokens, sum(audio_input_tokens)::BIGINT AS audio_input_tokens,
         sum(image_input_tokens)::BIGINT AS image_input_tokens, sum(output_tokens)::BIGINT AS output_tokens,
         sum(reasoning_tokens)::BIGINT AS reasoning_tokens, sum(audio_output_tokens)::BIGINT AS audio_output_tokens,
         sum(latency_ms)::BIGINT AS latency_ms
  FROM usage
  GROUP BY GROUPING SETS ((hour, org, project), (hour, org, project, model_served), (hour, org, project, model_requested),
    (hour, org, project, provider), (hour, org, project, key_id), (hour, org, project, status),
    (hour, org, project, deployment), (hour, org, project, endpoint), (hour, org, project, tags)))
-- sorted, so the zone maps on dim and hour skip the row groups a query does not read
ORDER BY dim, hour;

INSERT INTO usage_latency_hourly
SELECT hour, org, project, model, kind, bin, count(*) FROM (
  SELECT date_trunc('hour', started_at) AS hour, coalesce(org_id, '') AS org, coalesce(project_id, '') AS project,
         model_served AS model, 0 AS kind, CAST(round(ln(greatest(latency_ms, 1)) * 40) AS INTEGER) AS bin
  FROM usage WHERE status < 400 AND NOT contains(flags, 'CACHE_HIT')
  UNION ALL
  SELECT date_trunc('hour', started_at), coalesce(org_id, ''), coalesce(project_id, ''), model_served, 1,
         CAST(round(ln(greatest(date_diff('millisecond', started_at, first_token_at), 1)) * 40) AS INTEGER)
  FROM usage WHERE status < 400 AND NOT contains(flags, 'CACHE_HIT') AND first_token_at IS NOT NULL)
GROUP BY ALL
ORDER BY hour;
