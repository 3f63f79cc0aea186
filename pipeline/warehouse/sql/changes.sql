-- The nightly flow's questions to the warehouse (pipeline/warehouse/changes.py), by name.

-- name: stored_versions
-- What the reviews of a crawl said when last loaded, and the tagger that read them.
SELECT review_id, content_hash, tagged_with FROM reviews WHERE list_contains($review_ids, review_id);

-- name: data_state
-- What the site and the digest are built from: it changes with every load that changes a review, a mention or a
-- company, and with every erasure.
SELECT (SELECT count(*) FROM reviews), (SELECT max(loaded_at) FROM reviews), (SELECT count(*) FROM mentions),
       (SELECT count(*) FROM companies), (SELECT max(last_seen) FROM companies);
