-- The contract's vocabularies (migration 004), rewritten by pipeline/warehouse/db.py from revint/.

-- name: clear_taxonomy_themes
DELETE FROM taxonomy_themes;

-- name: insert_taxonomy_theme
INSERT INTO taxonomy_themes VALUES (?, ?, ?);

-- name: clear_tagged_languages
DELETE FROM tagged_languages;

-- name: insert_tagged_language
INSERT INTO tagged_languages VALUES (?);
