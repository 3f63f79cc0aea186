-- The load's statements (pipeline/warehouse/load.py), by name. `raw_<table>` are the Arrow tables of a batch;
-- `batch_reviews` is the batch's reviews as they will be stored. A review's child rows and mentions are replaced
-- wholesale; when the batch lost reviews (taken down, or older than the stored copy), `insert_kept_<table>` keeps
-- their rows out (the plain insert skips that join when every review of the batch is kept).

-- name: batch_reviews
-- The batch's reviews under their directory company, minus taken-down reviews and older copies.
CREATE OR REPLACE TEMP TABLE batch_reviews AS
SELECT r.* REPLACE (coalesce(a.company_id, r.company_id) AS company_id), r.company_id AS alias_key
FROM raw_reviews AS r
LEFT JOIN company_aliases AS a ON a.alias_key = r.company_id
WHERE r.review_id NOT IN (SELECT review_id FROM forgotten_reviews)
  AND NOT EXISTS (  -- an older copy (a reparse of an old archive) never replaces a newer one
      SELECT 1 FROM reviews AS stored WHERE stored.review_id = r.review_id AND stored.fetched_at > r.fetched_at
  );

-- name: batch_kept
SELECT count(*) FROM batch_reviews;

-- name: batch_new
SELECT count(*) FROM batch_reviews WHERE review_id NOT IN (SELECT review_id FROM reviews);

-- name: batch_updated
-- A change in any of these columns makes a reloaded review count as updated.
SELECT count(*) FROM batch_reviews AS b JOIN reviews AS r USING (review_id)
WHERE r.title IS DISTINCT FROM b.title OR r.pros IS DISTINCT FROM b.pros OR r.cons IS DISTINCT FROM b.cons
   OR r.advice IS DISTINCT FROM b.advice OR r.body IS DISTINCT FROM b.body OR r.rating IS DISTINCT FROM b.rating
   OR r.review_date IS DISTINCT FROM b.review_date;

-- name: upsert_companies
INSERT INTO companies BY NAME
SELECT b.company_id, arg_max(b.company_name, b.fetched_at) AS name,
       min(b.fetched_at) AS first_seen, max(b.fetched_at) AS last_seen,
       any_value(d.sector) AS sector, any_value(d.size) AS size
FROM batch_reviews AS b
LEFT JOIN company_directory AS d USING (company_id)
GROUP BY b.company_id
ON CONFLICT (company_id) DO UPDATE SET
    name = excluded.name,
    first_seen = least(companies.first_seen, excluded.first_seen),
    last_seen = greatest(companies.last_seen, excluded.last_seen);

-- name: add_aliases
INSERT INTO company_aliases
SELECT DISTINCT ON (alias_key) alias_key, company_name, company_id, source FROM batch_reviews
ON CONFLICT (alias_key) DO NOTHING;

-- name: upsert_reviews
INSERT OR REPLACE INTO reviews BY NAME SELECT * EXCLUDE (alias_key), $loaded_at AS loaded_at FROM batch_reviews;

-- name: delete_review_subratings
DELETE FROM review_subratings WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: insert_review_subratings
INSERT INTO review_subratings BY NAME SELECT * FROM raw_review_subratings;

-- name: insert_kept_review_subratings
INSERT INTO review_subratings BY NAME SELECT * FROM raw_review_subratings WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: delete_review_platform_ratings
DELETE FROM review_platform_ratings WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: insert_review_platform_ratings
INSERT INTO review_platform_ratings BY NAME SELECT * FROM raw_review_platform_ratings;

-- name: insert_kept_review_platform_ratings
INSERT INTO review_platform_ratings BY NAME SELECT * FROM raw_review_platform_ratings WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: delete_review_factor_texts
DELETE FROM review_factor_texts WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: insert_review_factor_texts
INSERT INTO review_factor_texts BY NAME SELECT * FROM raw_review_factor_texts;

-- name: insert_kept_review_factor_texts
INSERT INTO review_factor_texts BY NAME SELECT * FROM raw_review_factor_texts WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: delete_mentions
DELETE FROM mentions WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: insert_mentions
INSERT INTO mentions BY NAME SELECT * FROM raw_mentions;

-- name: insert_kept_mentions
INSERT INTO mentions BY NAME SELECT * FROM raw_mentions WHERE review_id IN (SELECT review_id FROM batch_reviews);

-- name: clear_directory
DELETE FROM company_directory;

-- name: insert_directory_entry
INSERT INTO company_directory VALUES (?, ?, ?, ?);

-- name: upsert_directory_alias
INSERT INTO company_aliases VALUES (?, ?, ?, 'directory')
ON CONFLICT (alias_key) DO UPDATE SET alias = excluded.alias, company_id = excluded.company_id, source = excluded.source;

-- name: move_aliased_reviews
-- Reviews loaded under a name the directory now calls an alias move to its company.
UPDATE reviews SET company_id = a.company_id FROM company_aliases AS a
WHERE a.alias_key = reviews.company_id AND a.company_id <> reviews.company_id;

-- name: add_directory_companies
INSERT INTO companies BY NAME
SELECT d.company_id, d.name, min(r.fetched_at) AS first_seen, max(r.fetched_at) AS last_seen
FROM company_directory AS d JOIN reviews AS r USING (company_id)
WHERE d.company_id NOT IN (SELECT company_id FROM companies)
GROUP BY d.company_id, d.name;

-- name: drop_companies_without_reviews
DELETE FROM companies WHERE company_id NOT IN (SELECT company_id FROM reviews);

-- name: set_company_details
UPDATE companies SET sector = d.sector, size = d.size FROM company_directory AS d
WHERE companies.company_id = d.company_id;

-- name: record_crawl_run
INSERT OR REPLACE INTO crawl_runs BY NAME
SELECT $run_id AS run_id, $source AS source, $started_at AS started_at, $finished_at AS finished_at,
       $pages AS pages, $reviews_written AS reviews_written, $reviews_new AS reviews_new,
       $reviews_updated AS reviews_updated, $reviews_dropped AS reviews_dropped, $malformed AS malformed,
       $canary_alerts AS canary_alerts, $seconds_crawl AS seconds_crawl, $seconds_tag AS seconds_tag,
       $seconds_load AS seconds_load, $stats AS stats;
