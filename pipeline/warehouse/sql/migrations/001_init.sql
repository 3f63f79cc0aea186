-- Raw tables: one row per source review, its sub-ratings, its theme mentions, and one row per crawl run.
-- Tables that loads replace wholesale per review carry no PRIMARY KEY constraint (index upkeep would
-- dominate bulk loads); their keys are enforced by the checks that run before every load commits.

CREATE TABLE companies (
    company_id   VARCHAR PRIMARY KEY,   -- canonical id (spiders/companies.py)
    name         VARCHAR NOT NULL,      -- the name as a source last published it
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL
);

CREATE TABLE reviews (
    review_id          VARCHAR PRIMARY KEY,   -- source:source_review_id
    source             VARCHAR NOT NULL,
    source_review_id   VARCHAR NOT NULL,
    company_id         VARCHAR NOT NULL,
    company_name       VARCHAR NOT NULL,      -- as named by the source
    url                VARCHAR NOT NULL,
    lang               VARCHAR,               -- fr, en or other (detected when the source gives none)
    review_date        DATE,
    title              VARCHAR,
    pros               VARCHAR,
    cons               VARCHAR,
    advice             VARCHAR,
    body               VARCHAR,
    rating             DOUBLE,
    job_title          VARCHAR,
    location           VARCHAR,
    employment_status  VARCHAR,
    is_current         BOOLEAN,
    fetched_at         TIMESTAMPTZ NOT NULL,
    loaded_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE review_subratings (
    review_id  VARCHAR NOT NULL,
    theme      VARCHAR NOT NULL,   -- taxonomy id, through the platform crosswalk
    rating     DOUBLE NOT NULL      -- key (review_id, theme): see sql/checks.sql
);

CREATE TABLE mentions (
    review_id      VARCHAR NOT NULL,
    section        VARCHAR NOT NULL,   -- pros, cons, advice, body
    unit_index     INTEGER NOT NULL,   -- position of the unit (sentence or clause) in the section
    start_char     INTEGER NOT NULL,   -- unit span in the section text
    end_char       INTEGER NOT NULL,
    unit_text      VARCHAR NOT NULL,
    theme          VARCHAR NOT NULL,
    polarity       VARCHAR NOT NULL,   -- positive, negative
    score          DOUBLE NOT NULL,
    model_version  VARCHAR NOT NULL   -- key (review_id, section, unit_index, theme, polarity): see sql/checks.sql
);

CREATE TABLE crawl_runs (
    run_id           VARCHAR PRIMARY KEY,
    source           VARCHAR NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ NOT NULL,
    pages            INTEGER NOT NULL,
    reviews_written  INTEGER NOT NULL,
    reviews_dropped  INTEGER NOT NULL,
    malformed        INTEGER NOT NULL,
    canary_alerts    INTEGER NOT NULL,
    stats            JSON
);
