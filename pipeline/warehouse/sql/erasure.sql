-- `revint forget`'s statements in the warehouse (pipeline/warehouse/erasure.py), by name: each deletes the
-- given reviews' rows of one table and returns them, so that the erasure report counts what went.

-- name: forget_reviews
DELETE FROM reviews WHERE list_contains($review_ids, review_id) RETURNING review_id;

-- name: forget_review_subratings
DELETE FROM review_subratings WHERE list_contains($review_ids, review_id) RETURNING review_id;

-- name: forget_review_platform_ratings
DELETE FROM review_platform_ratings WHERE list_contains($review_ids, review_id) RETURNING review_id;

-- name: forget_review_factor_texts
DELETE FROM review_factor_texts WHERE list_contains($review_ids, review_id) RETURNING review_id;

-- name: forget_mentions
DELETE FROM mentions WHERE list_contains($review_ids, review_id) RETURNING review_id;

-- name: add_to_takedown_list
INSERT INTO forgotten_reviews VALUES (?, ?) ON CONFLICT DO NOTHING;

-- name: forgotten_among
SELECT review_id FROM forgotten_reviews WHERE list_contains($review_ids, review_id);

-- name: known_among
SELECT review_id FROM reviews WHERE list_contains($review_ids, review_id);
