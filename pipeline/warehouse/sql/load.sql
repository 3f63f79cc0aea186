-- The load's statements (pipeline/warehouse/load.py), by name. `raw_<table>` are the Arrow tables of a batch;
-- `batch_reviews` is the batch's reviews as they will be stored, `batch_profiles` its company profiles. A review's
-- child rows and mentions are replaced wholesale; when the batch lost reviews (taken down, or older than the stored
-- copy), `insert_kept_<table>` keeps their rows out (the plain insert skips that join when every review of the batch
-- is kept).

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
-- Their sector, size and headquarters come after, from the directory and profiles (set_company_details).
INSERT INTO companies BY NAME
SELECT company_id, arg_max(company_name, fetched_at) AS name, min(fetched_at) AS first_seen,
       max(fetched_at) AS last_seen
FROM batch_reviews
GROUP BY company_id
ON CONFLICT (company_id) DO UPDATE SET
    name = excluded.name,
    first_seen = least(companies.first_seen, excluded.first_seen),
    last_seen = greatest(companies.last_seen, excluded.last_seen);

-- name: add_aliases
INSERT INTO company_aliases
SELECT DISTINCT ON (alias_key) alias_key, company_name, company_id, source FROM batch_reviews
ON CONFLICT (alias_key) DO NOTHING;

-- name: incoming_profiles
CREATE OR REPLACE TEMP TABLE incoming_profiles AS SELECT * FROM raw_company_profiles;

-- name: batch_profiles
-- Incoming profiles under their directory company, one per company and source: of one employer's copies the latest;
-- of employers one name gives one company id to (Glassdoor has two "Atos"), the one the source shows most reviews
-- for (then the latest, then the lowest employer id).
CREATE OR REPLACE TEMP TABLE batch_profiles AS
WITH
resolved AS (
    SELECT p.* REPLACE (coalesce(a.company_id, p.company_id) AS company_id)
    FROM incoming_profiles AS p
    LEFT JOIN company_aliases AS a ON a.alias_key = p.company_id
),
latest_per_employer AS (
    SELECT * FROM resolved
    QUALIFY row_number() OVER (PARTITION BY company_id, source, source_company_id ORDER BY fetched_at DESC) = 1
)
SELECT * FROM latest_per_employer
QUALIFY row_number() OVER (
    PARTITION BY company_id, source ORDER BY coalesce(source_reviews, -1) DESC, fetched_at DESC, source_company_id
) = 1;

-- name: batch_profiles_new
SELECT count(*) FROM batch_profiles AS b
WHERE NOT EXISTS (SELECT 1 FROM company_profiles AS p WHERE p.company_id = b.company_id AND p.source = b.source);

-- name: delete_outranked_profiles
-- A stored profile gives way to the batch's for its company and source when that is the same employer's copy
-- fetched no earlier, or another employer's with more reviews at the source (or as many, fetched no earlier).
DELETE FROM company_profiles AS p USING batch_profiles AS b
WHERE p.company_id = b.company_id AND p.source = b.source
  AND CASE WHEN p.source_company_id IS NOT DISTINCT FROM b.source_company_id THEN b.fetched_at >= p.fetched_at
           ELSE {'reviews': coalesce(b.source_reviews, -1), 'fetched_at': b.fetched_at}
                >= {'reviews': coalesce(p.source_reviews, -1), 'fetched_at': p.fetched_at}
      END;

-- name: insert_profiles
INSERT INTO company_profiles BY NAME
SELECT * FROM batch_profiles AS b
WHERE NOT EXISTS (SELECT 1 FROM company_profiles AS p WHERE p.company_id = b.company_id AND p.source = b.source);

-- name: drop_batch_tables
DROP TABLE IF EXISTS batch_reviews;
DROP TABLE IF EXISTS incoming_profiles;
DROP TABLE IF EXISTS batch_profiles;

-- name: upsert_reviews
INSERT OR REPLACE INTO reviews BY NAME
SELECT b.* EXCLUDE (alias_key), $loaded_at AS loaded_at, coalesce(r.first_loaded_at, $loaded_at) AS first_loaded_at
FROM batch_reviews AS b
LEFT JOIN reviews AS r USING (review_id);

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

-- name: aliased_profiles
-- Profiles stored under a name the directory now calls an alias: taken out, to go in again under its company
-- (batch_profiles, then the upsert: the company may hold a profile from that source already).
CREATE OR REPLACE TEMP TABLE incoming_profiles AS
SELECT p.* FROM company_profiles AS p JOIN company_aliases AS a ON a.alias_key = p.company_id
WHERE a.company_id <> p.company_id;

-- name: take_out_aliased_profiles
DELETE FROM company_profiles AS p USING company_aliases AS a
WHERE a.alias_key = p.company_id AND a.company_id <> p.company_id;

-- name: add_directory_companies
INSERT INTO companies BY NAME
SELECT d.company_id, d.name, min(r.fetched_at) AS first_seen, max(r.fetched_at) AS last_seen
FROM company_directory AS d JOIN reviews AS r USING (company_id)
WHERE d.company_id NOT IN (SELECT company_id FROM companies)
GROUP BY d.company_id, d.name;

-- name: drop_companies_without_reviews
DELETE FROM companies WHERE company_id NOT IN (SELECT company_id FROM reviews);

-- name: set_company_details
-- Sector, size and headquarters: the hand-edited directory's where it gives a value, else the company's profiles'
-- (from any source, the latest that gives it: arg_max skips NULL values).
UPDATE companies SET sector = details.sector, size = details.size, headquarters = details.headquarters
FROM (
    SELECT c.company_id,
           coalesce(any_value(d.sector), arg_max(p.sector, p.fetched_at)) AS sector,
           coalesce(any_value(d.size), arg_max(p.size, p.fetched_at)) AS size,
           arg_max(p.headquarters, p.fetched_at) AS headquarters
    FROM companies AS c
    LEFT JOIN company_directory AS d USING (company_id)
    LEFT JOIN company_profiles AS p USING (company_id)
    GROUP BY c.company_id
) AS details
WHERE companies.company_id = details.company_id
  AND (companies.sector IS DISTINCT FROM details.sector OR companies.size IS DISTINCT FROM details.size
       OR companies.headquarters IS DISTINCT FROM details.headquarters);

-- name: record_crawl_run
INSERT OR REPLACE INTO crawl_runs BY NAME
SELECT $run_id AS run_id, $source AS source, $started_at AS started_at, $finished_at AS finished_at,
       $pages AS pages, $reviews_written AS reviews_written, $reviews_new AS reviews_new,
       $reviews_updated AS reviews_updated, $reviews_dropped AS reviews_dropped, $malformed AS malformed,
       $canary_alerts AS canary_alerts, $seconds_crawl AS seconds_crawl, $seconds_tag AS seconds_tag,
       $seconds_load AS seconds_load, $stats AS stats;
