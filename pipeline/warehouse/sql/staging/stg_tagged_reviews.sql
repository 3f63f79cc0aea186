-- Reviews in a language the tagger reads: the only ones that can raise a theme, so the only ones the marts count.
-- (The languages as one list, read once: as fast as a literal list, where an IN subquery costs a join per mart.)
CREATE OR REPLACE VIEW stg_tagged_reviews AS
SELECT r.*
FROM reviews AS r
WHERE list_contains((SELECT list(lang) FROM tagged_languages), r.lang);
