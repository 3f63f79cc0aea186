-- The reviews in a report's scope (some companies; optionally the reviews of some job titles, or of a place):
-- how many, their period, and per theme how many raise it negatively and positively, in the twelve months
-- up to the scope's latest review and before them. One row per theme raised (theme NULL when none is).
WITH
scope AS (
    SELECT *
    FROM mart_review_theme
    WHERE company_id BETWEEN $first_id AND $last_id  -- a range the sorted mart's zone maps can skip on
      AND list_contains($company_ids, company_id)
      AND ($titles IS NULL OR list_contains($titles, job_title))
      AND ($location IS NULL OR contains(
          ' ' || regexp_replace(lower(strip_accents(coalesce(location, ''))), '[^a-z0-9]+', ' ', 'g') || ' ',
          ' ' || $location || ' '
      ))  -- whole words: "Aix" is not in "Roubaix"
),
totals AS (
    SELECT count(DISTINCT review_id) AS reviews, min(review_date) AS first_date, max(review_date) AS last_date,
           max(review_date) - INTERVAL 1 YEAR AS recent_since,
           count(DISTINCT review_id) FILTER (WHERE unscored) AS unscored_reviews
    FROM scope
),
periods AS (
    SELECT count(DISTINCT review_id) FILTER (WHERE review_date > recent_since) AS recent_reviews,
           count(DISTINCT review_id) FILTER (WHERE review_date <= recent_since) AS earlier_reviews
    FROM scope, totals
),
themes AS (
    SELECT theme,
           count(*) FILTER (WHERE negative) AS negative,
           count(*) FILTER (WHERE positive) AS positive,
           count(*) FILTER (WHERE negative AND review_date > recent_since) AS recent_negative,
           count(*) FILTER (WHERE negative AND review_date <= recent_since) AS earlier_negative,
           count(*) FILTER (WHERE positive AND review_date > recent_since) AS recent_positive,
           count(*) FILTER (WHERE positive AND review_date <= recent_since) AS earlier_positive
    FROM scope, totals
    WHERE theme IS NOT NULL
    GROUP BY theme
)
SELECT totals.reviews, totals.first_date, totals.last_date, totals.unscored_reviews, periods.recent_reviews,
       periods.earlier_reviews,
       themes.*
FROM totals, periods
LEFT JOIN themes ON true
ORDER BY themes.theme;
