-- `revint follow`, `revint unfollow` and `revint digest`'s statements (pipeline/warehouse/follows.py), by name.
-- A snapshot is one company's rows of `digest_snapshots` taken at one time (one per theme and polarity).

-- name: follow
-- Following a company already followed changes nothing (its followed_at stays); returns the ones newly followed.
INSERT INTO follows VALUES ($company_id, $followed_at) ON CONFLICT (company_id) DO NOTHING RETURNING company_id;

-- name: unfollow
-- Returns the companies that were followed.
DELETE FROM follows WHERE list_contains($company_ids, company_id) RETURNING company_id;

-- name: forget_snapshots
DELETE FROM digest_snapshots WHERE list_contains($company_ids, company_id);

-- name: followed
-- The companies followed, with their names (NULL for one whose reviews have all been forgotten since).
SELECT f.company_id, c.name, f.followed_at
FROM follows AS f
LEFT JOIN companies AS c USING (company_id)
ORDER BY c.name COLLATE NOCASE.NOACCENT, f.company_id;

-- name: latest_snapshot
-- A company's latest snapshot taken at or before $at: its time and its rows.
SELECT snapshot_at, theme, polarity, standing, raising, reviews, share
FROM digest_snapshots
WHERE company_id = $company_id
  AND snapshot_at = (SELECT max(snapshot_at) FROM digest_snapshots WHERE company_id = $company_id AND snapshot_at <= $at)
ORDER BY theme, polarity;

-- name: insert_snapshot_row
INSERT INTO digest_snapshots VALUES (
    $company_id, $snapshot_at, $digest_id, $theme, $polarity, $standing, $raising, $reviews, $share
);

-- name: record_digest
INSERT INTO digest_runs
SELECT coalesce(max(digest_id), 0) + 1, $produced_at, $companies, $companies_changed FROM digest_runs
RETURNING digest_id;

-- name: new_reviews
-- The company's reviews in a language the tagger reads (those its report counts) loaded after $since.
SELECT count(*) FROM stg_tagged_reviews WHERE company_id = $company_id AND first_loaded_at > $since;

-- name: loaded_since
-- Which of these reviews were loaded after $since.
SELECT review_id FROM reviews WHERE list_contains($review_ids, review_id) AND first_loaded_at > $since;
