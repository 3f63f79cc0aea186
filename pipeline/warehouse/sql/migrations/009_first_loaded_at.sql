-- When a review first reached the warehouse: `loaded_at` moves at every load that carries the review again (a
-- nightly crawl refetching it, a run loaded twice), so "new reviews since" reads this one.
ALTER TABLE reviews ADD COLUMN first_loaded_at TIMESTAMPTZ;
UPDATE reviews SET first_loaded_at = loaded_at;
