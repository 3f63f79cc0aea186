-- What `revint export parquet` writes (pipeline/warehouse/export.py), one query per exported table. Each carries
-- the review's source and year (or 'unknown'), the partitions of the export.

-- name: reviews
SELECT *, coalesce(CAST(year(review_date) AS VARCHAR), 'unknown') AS year FROM reviews;

-- name: mentions
SELECT m.*, r.source, coalesce(CAST(year(r.review_date) AS VARCHAR), 'unknown') AS year
FROM mentions AS m JOIN reviews AS r USING (review_id);

-- name: review_subratings
SELECT s.*, r.source, coalesce(CAST(year(r.review_date) AS VARCHAR), 'unknown') AS year
FROM review_subratings AS s JOIN reviews AS r USING (review_id);
