-- Reviews in a language the tagger reads: the only ones that can raise a theme, so the only ones the marts count.
CREATE OR REPLACE VIEW stg_tagged_reviews AS
SELECT r.*
FROM reviews AS r
WHERE r.lang IN (SELECT lang FROM tagged_languages);
