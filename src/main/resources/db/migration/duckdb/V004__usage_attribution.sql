-- Who a row belongs to (org and project of the key), which deployment served it, and what a cache hit saved.
ALTER TABLE usage ADD COLUMN org_id VARCHAR;
ALTER TABLE usage ADD COLUMN project_id VARCHAR;
ALTER TABLE usage ADD COLUMN deployment VARCHAR;
ALTER TABLE usage ADD COLUMN saved_nanos BIGINT DEFAULT 0; -- DuckDB cannot add a NOT NULL column; the writers always set it
