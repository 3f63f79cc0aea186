-- One row per tagged review and theme it raises (theme NULL for a review that raises none), with what a report
-- filters reviews on (role, location, date), and whether the mention has no calibrated evidence score (tagged
-- before revint_themes-1.2.0, or by a version in $raw_evidence_versions: it cannot be quoted until `revint retag`).
-- Reports count any set of reviews from it — a company, a group of entities, one job family — so that none of them
-- needs a mart of its own. Sorted by company, so that a
-- report's filter on company_id skips the other companies' row groups.
CREATE OR REPLACE TABLE mart_review_theme AS
WITH
review_theme AS (
    SELECT review_id, theme,
           bool_or(polarity = 'negative') AS negative,
           bool_or(polarity = 'positive') AS positive,
           bool_or(evidence IS NULL OR list_contains($raw_evidence_versions, model_version)) AS unscored
    FROM mentions
    GROUP BY ALL
)
SELECT r.company_id, r.review_id, r.review_date, r.job_title, r.location, r.is_current,
       rt.theme, coalesce(rt.negative, false) AS negative, coalesce(rt.positive, false) AS positive,
       coalesce(rt.unscored, false) AS unscored
FROM stg_tagged_reviews AS r
LEFT JOIN review_theme AS rt USING (review_id)
ORDER BY r.company_id, r.review_id, rt.theme;
