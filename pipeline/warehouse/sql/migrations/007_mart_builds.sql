-- Which definition of the marts (a fingerprint of sql/staging and sql/marts and the constants they read) built
-- the mart tables: a warehouse whose marts another revint version built is refreshed when opened for writing,
-- and refused with a clear message when opened read-only.
CREATE TABLE mart_builds (
    fingerprint  VARCHAR NOT NULL,
    built_at     TIMESTAMPTZ NOT NULL
);
