-- What sources publish about employers (Glassdoor's overview pages: sector, size, headquarters …), one profile per
-- company and source, and the companies' headquarters, filled from them. A profile is kept even while its company
-- has no review: the company takes its details as soon as its first review is loaded.
ALTER TABLE companies ADD COLUMN headquarters VARCHAR;

CREATE TABLE company_profiles (
    company_id         VARCHAR NOT NULL,      -- canonical id (revint/companies.py, then company_aliases), as for reviews
    source             VARCHAR NOT NULL,
    company_name       VARCHAR NOT NULL,      -- as the source names it
    url                VARCHAR NOT NULL,
    fetched_at         TIMESTAMPTZ NOT NULL,
    source_company_id  VARCHAR,               -- the employer's own id at the source
    sector             VARCHAR,               -- values as published, in the source's language
    size               VARCHAR,
    headquarters       VARCHAR,
    founded            INTEGER,
    company_type       VARCHAR,
    revenue            VARCHAR,
    website            VARCHAR,
    source_reviews     INTEGER                -- reviews the source shows for the employer
    -- key (company_id, source): see sql/checks.sql (no constraint: a directory alias may move a profile's key)
);
