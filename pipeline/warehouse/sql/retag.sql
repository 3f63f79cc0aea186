-- `revint retag`'s statements (pipeline/warehouse/retag.py), by name.

-- name: stale_reviews
-- The reviews last tagged by another tagger version (all of them with $everything), with what tagging reads; the
-- first $limit of them (all when NULL).
SELECT r.source, r.source_review_id, r.company_name, r.company_id, r.url, r.fetched_at, r.lang,
       r.title, r.pros, r.cons, r.advice, r.body,
       coalesce((SELECT map_from_entries(list((f.factor, f.text))) FROM review_factor_texts AS f
                 WHERE f.review_id = r.review_id), MAP {}) AS factor_texts
FROM reviews AS r
WHERE $everything OR r.tagged_with IS DISTINCT FROM $version
ORDER BY r.review_id
LIMIT $limit;

-- name: count_mentions
SELECT count(*) FROM mentions;

-- name: delete_mentions
DELETE FROM mentions WHERE list_contains($review_ids, review_id);

-- name: insert_retagged_mentions
INSERT INTO mentions BY NAME SELECT * FROM retagged_mentions;

-- name: mark_retagged
UPDATE reviews SET tagged_with = $version WHERE list_contains($review_ids, review_id);
