-- Per company × theme × quarter of the review date: the trend of each concern. Every quarter in which the
-- company has dated reviews has a row for every theme, zeros included, so that a chart shows the quarters a
-- theme was not raised.
CREATE OR REPLACE TABLE mart_company_theme_quarter AS
WITH
dated_reviews AS (
    SELECT review_id, company_id, date_trunc('quarter', review_date)::DATE AS quarter
    FROM stg_tagged_reviews
    WHERE review_date IS NOT NULL
),
quarter_counts AS (
    SELECT company_id, quarter, count(*)::INTEGER AS reviews
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
),
raised AS (
    SELECT company_id, quarter, theme,
           count(*) FILTER (WHERE has_negative)::INTEGER AS reviews_negative,
           count(*) FILTER (WHERE has_positive)::INTEGER AS reviews_positive
    FROM review_theme
    GROUP BY ALL
)
SELECT qc.company_id,
       c.name AS company_name,
       t.theme,
       qc.quarter,
       qc.reviews,
       coalesce(raised.reviews_negative, 0) AS reviews_negative,
       coalesce(raised.reviews_positive, 0) AS reviews_positive,
       coalesce(raised.reviews_negative, 0) / qc.reviews AS negative_share
FROM quarter_counts AS qc
JOIN companies AS c USING (company_id)
CROSS JOIN taxonomy_themes AS t
LEFT JOIN raised USING (company_id, quarter, theme);
