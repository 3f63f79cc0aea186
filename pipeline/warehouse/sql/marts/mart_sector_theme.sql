-- Cross-company benchmark: per sector × theme, the share of reviews raising the theme negatively (and positively),
-- next to the all-company figure. Companies without a known sector count under 'unknown'.
CREATE OR REPLACE TABLE mart_sector_theme AS
WITH
company_theme AS (
    SELECT coalesce(sector, 'unknown') AS sector, company_id, theme, reviews, reviews_negative, reviews_positive,
           baseline_negative_share, baseline_positive_share
    FROM mart_company_theme
),
sector_reviews AS (
    SELECT coalesce(c.sector, 'unknown') AS sector, count(DISTINCT c.company_id)::INTEGER AS companies,
           count(*)::INTEGER AS reviews
    FROM stg_tagged_reviews AS r
    JOIN companies AS c USING (company_id)
    GROUP BY ALL
)
SELECT ct.sector,
       ct.theme,
       sr.companies,
       sr.reviews,
       sum(ct.reviews_negative)::INTEGER AS reviews_negative,
       sum(ct.reviews_negative) / sr.reviews AS negative_share,
       any_value(ct.baseline_negative_share) AS all_companies_negative_share,
       sum(ct.reviews_positive)::INTEGER AS reviews_positive,
       sum(ct.reviews_positive) / sr.reviews AS positive_share,
       any_value(ct.baseline_positive_share) AS all_companies_positive_share
FROM company_theme AS ct
JOIN sector_reviews AS sr USING (sector)
GROUP BY ct.sector, ct.theme, sr.companies, sr.reviews;
