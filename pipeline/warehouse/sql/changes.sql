-- The nightly flow's questions to the warehouse (pipeline/warehouse/changes.py), by name.

-- name: stored_versions
-- What a review showed when last loaded, for the reviews of a crawl: a crawled review equal to it is not tagged or
-- loaded again. The columns are those `changes.review_version` reads from a record, in its order.
SELECT review_id, title, pros, cons, advice, body, rating, review_date, job_title, location, employment_status,
       is_current, tagged_with
FROM reviews
WHERE list_contains($review_ids, review_id);

-- name: data_state
-- What the site and the digest are built from: it changes with every load that changes a review, a mention or a
-- company, and with every erasure.
SELECT (SELECT count(*) FROM reviews), (SELECT max(loaded_at) FROM reviews), (SELECT count(*) FROM mentions),
       (SELECT count(*) FROM companies), (SELECT max(last_seen) FROM companies);
