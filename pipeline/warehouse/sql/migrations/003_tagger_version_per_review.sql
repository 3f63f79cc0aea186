-- The tagger version each review was last tagged with, so that `revint retag` finds reviews tagged by an
-- older version even when they have no mention at all.
ALTER TABLE reviews ADD COLUMN tagged_with VARCHAR;
UPDATE reviews SET tagged_with = (
    SELECT any_value(m.model_version) FROM mentions AS m WHERE m.review_id = reviews.review_id
);
