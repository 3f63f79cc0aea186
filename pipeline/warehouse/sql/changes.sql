-- The nightly flow's questions to the warehouse (pipeline/warehouse/changes.py), by name.

-- name: stored_versions
-- What the reviews of a crawl said when last loaded, and the tagger that read them.
SELECT review_id, content_hash, tagged_with FROM reviews WHERE list_contains($review_ids, review_id);

-- name: data_state
-- What the site and the digest are built from: it changes with every load that changes a review, a mention or a
-- company's details, and with every erasure; not with a company merely seen again (last_seen: shown nowhere).
SELECT (SELECT count(*) FROM reviews), (SELECT max(loaded_at) FROM reviews), (SELECT count(*) FROM mentions),
       (SELECT hash(list(c ORDER BY c.company_id)) FROM (SELECT * EXCLUDE (last_seen) FROM companies) AS c);
