-- Review fields beyond the first schema, company details and aliases, crawl run counts, and takedowns.

ALTER TABLE reviews ADD COLUMN recommends BOOLEAN;
ALTER TABLE reviews ADD COLUMN ceo_approval VARCHAR;        -- approve, disapprove, no_opinion
ALTER TABLE reviews ADD COLUMN business_outlook VARCHAR;    -- positive, neutral, negative
ALTER TABLE reviews ADD COLUMN employer_responses INTEGER;

CREATE TABLE review_platform_ratings (
    review_id  VARCHAR NOT NULL,
    label      VARCHAR NOT NULL,   -- the platform's own rating category, as published
    rating     DOUBLE NOT NULL      -- key (review_id, label): see sql/checks.sql
);

CREATE TABLE review_factor_texts (
    review_id  VARCHAR NOT NULL,
    factor     VARCHAR NOT NULL,   -- the platform's rating factor the text was written under (Kununu)
    text       VARCHAR NOT NULL     -- key (review_id, factor): see sql/checks.sql
);

ALTER TABLE companies ADD COLUMN sector VARCHAR;
ALTER TABLE companies ADD COLUMN size VARCHAR;

-- The hand-edited company directory (data/company_directory.csv) as last applied.
CREATE TABLE company_directory (
    company_id  VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    sector      VARCHAR,
    size        VARCHAR
);

CREATE TABLE company_aliases (
    alias_key   VARCHAR PRIMARY KEY,   -- canonical form of the alias (spiders/companies.py)
    alias       VARCHAR NOT NULL,      -- a name as some source, or the company directory, spells it
    company_id  VARCHAR NOT NULL,
    source      VARCHAR NOT NULL       -- the review source, or 'directory' for data/company_directory.csv
);

ALTER TABLE crawl_runs ADD COLUMN reviews_new INTEGER;
ALTER TABLE crawl_runs ADD COLUMN reviews_updated INTEGER;
ALTER TABLE crawl_runs ADD COLUMN seconds_crawl DOUBLE;
ALTER TABLE crawl_runs ADD COLUMN seconds_tag DOUBLE;
ALTER TABLE crawl_runs ADD COLUMN seconds_load DOUBLE;

-- Reviews removed on request (takedown, GDPR): never loaded again.
CREATE TABLE forgotten_reviews (
    review_id     VARCHAR PRIMARY KEY,
    forgotten_at  TIMESTAMPTZ NOT NULL
);

-- Where `revint export` wrote, so that `revint forget` can rewrite those exports too.
CREATE TABLE exports (
    path         VARCHAR PRIMARY KEY,
    format       VARCHAR NOT NULL,
    exported_at  TIMESTAMPTZ NOT NULL
);
