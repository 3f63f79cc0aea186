-- Per theme, across every company: how many tagged reviews raise it negatively and positively. A report
-- compares a company with the others by taking its own counts out of these.
CREATE OR REPLACE TABLE mart_theme_baseline AS
WITH
all_reviews AS (
    SELECT count(*)::INTEGER AS reviews FROM stg_tagged_reviews
),
raised AS (
    SELECT theme,
           coalesce(sum(reviews_negative), 0)::INTEGER AS reviews_negative,
           coalesce(sum(reviews_positive), 0)::INTEGER AS reviews_positive
    FROM taxonomy_themes
    LEFT JOIN mart_company_theme USING (theme)
    GROUP BY theme
)
SELECT raised.theme, all_reviews.reviews, raised.reviews_negative, raised.reviews_positive,
       raised.reviews_negative / nullif(all_reviews.reviews, 0) AS negative_share,
       raised.reviews_positive / nullif(all_reviews.reviews, 0) AS positive_share
FROM raised, all_reviews;
