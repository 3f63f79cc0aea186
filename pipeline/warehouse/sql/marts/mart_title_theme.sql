-- Per job title as reviews give it, across every company: how many reviews carry it, and per theme how many
-- raise the theme negatively and positively (theme NULL: the title's reviews that raise none). A report on one
-- job family sums the family's titles to compare a company's cashiers with other companies' cashiers.
CREATE OR REPLACE TABLE mart_title_theme AS
WITH
titled AS (
    SELECT * FROM mart_review_theme WHERE job_title IS NOT NULL
),
title_reviews AS (
    SELECT job_title, count(DISTINCT review_id)::INTEGER AS reviews FROM titled GROUP BY ALL
)
SELECT t.job_title, t.theme, any_value(tr.reviews) AS reviews,
       count(*) FILTER (WHERE t.negative)::INTEGER AS reviews_negative,
       count(*) FILTER (WHERE t.positive)::INTEGER AS reviews_positive
FROM titled AS t
JOIN title_reviews AS tr USING (job_title)
GROUP BY t.job_title, t.theme;
