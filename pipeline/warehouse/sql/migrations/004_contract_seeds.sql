-- The contract's vocabularies as tables (dbt's seeds), rewritten from revint/taxonomy.py and
-- revint/constants.py whenever a writer opens the warehouse: the key checks and the staging view read them,
-- and analysts join them for theme labels.
CREATE TABLE taxonomy_themes (
    theme     VARCHAR PRIMARY KEY,   -- taxonomy id (../shared/taxonomy.md)
    label_fr  VARCHAR NOT NULL,
    label_en  VARCHAR NOT NULL
);

CREATE TABLE tagged_languages (
    lang  VARCHAR PRIMARY KEY   -- a language the tagger reads: reviews in others raise no theme
);
