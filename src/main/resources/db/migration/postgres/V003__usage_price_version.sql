-- The price version each row was charged with, and its cost per price component (exact USD, JSON object as text).
ALTER TABLE usage ADD COLUMN price_version VARCHAR;
ALTER TABLE usage ADD COLUMN cost_breakdown VARCHAR;
