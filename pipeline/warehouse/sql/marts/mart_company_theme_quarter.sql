-- Per company × theme × quarter of the review date: the trend of each concern.
CREATE OR REPLACE TABLE mart_company_theme_quarter AS
WITH
dated_reviews AS (
    SELECT review_id, company_id, date_trunc('quarter', review_date)::DATE AS quarter
    FROM stg_tagged_reviews
    WHERE review_date IS NOT NULL
),
quarter_counts AS (
    SELECT company_id, quarter, count(*) AS reviews
    FROM dated_reviews
    GROUP BY ALL
),
review_theme AS (
    SELECT d.company_id, d.quarter, m.review_id, m.theme,
           bool_or(m.polarity = 'negative') AS has_negative,
           bool_or(m.polarity = 'positive') AS has_positive
    FROM mentions AS m
    JOIN dated_reviews AS d USING (review_id)
    GROUP BY ALL
)
SELECT rt.company_id,
       rt.theme,
       rt.quarter,
       qc.reviews,
       count(*) FILTER (WHERE rt.has_negative)::INTEGER AS reviews_negative,
       count(*) FILTER (WHERE rt.has_positive)::INTEGER AS reviews_positive,
       count(*) FILTER (WHERE rt.has_negative) / qc.reviews AS negative_share
FROM review_theme AS rt
JOIN quarter_counts AS qc USING (company_id, quarter)
GROUP BY rt.company_id, rt.theme, rt.quarter, qc.reviews;
