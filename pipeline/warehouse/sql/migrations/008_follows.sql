-- Companies a candidate (or the nightly flow) follows, the digests `revint digest` produced, and what each company's
-- report showed at each digest (and when it was followed), so that the next digest says what changed since.
-- Snapshots hold counts only, never review text: `revint forget` has nothing to erase here.
CREATE TABLE follows (
    company_id   VARCHAR PRIMARY KEY,   -- canonical id (companies.company_id) of one entity
    followed_at  TIMESTAMPTZ NOT NULL   -- the first digest of the company covers what was loaded after this
);

CREATE TABLE digest_runs (
    digest_id          INTEGER PRIMARY KEY,   -- 1, 2, … in the order digests were produced
    produced_at        TIMESTAMPTZ NOT NULL,  -- the time of its snapshots: the next digest covers what came after
    companies          INTEGER NOT NULL,      -- companies followed
    companies_changed  INTEGER NOT NULL       -- of them, with a change to tell
);

CREATE TABLE digest_snapshots (
    company_id   VARCHAR NOT NULL,
    snapshot_at  TIMESTAMPTZ NOT NULL,   -- a digest's produced_at, or the company's followed_at
    digest_id    INTEGER,                -- the digest that took it; NULL for the one `revint follow` took
    theme        VARCHAR NOT NULL,       -- taxonomy id
    polarity     VARCHAR NOT NULL,       -- negative (criticised) or positive (praised)
    standing     VARCHAR NOT NULL,       -- as in the report: above, leaning_above, as_often, below; or not_shown
    raising      INTEGER,                -- reviews raising the theme with this polarity; NULL when not shown
    reviews      INTEGER NOT NULL,       -- the company's reviews the report counted
    share        DOUBLE                  -- raising / reviews; NULL when not shown
    -- key (company_id, snapshot_at, theme, polarity): see sql/checks.sql
);
