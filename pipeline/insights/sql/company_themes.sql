-- The company's themes by how often reviews raise them with the given polarity, smoothed for small counts.
WITH
themes AS (
    SELECT *,
           CASE WHEN $polarity = 'negative' THEN reviews_negative ELSE reviews_positive END AS reviews_raising,
           CASE WHEN $polarity = 'negative' THEN smoothed_negative_share
                ELSE (reviews_positive + $smoothing_weight * 0.1) / (reviews + $smoothing_weight) END AS smoothed_share
    FROM mart_company_theme
    WHERE company_id = $company_id
)
SELECT theme, reviews, reviews_raising, reviews_raising / reviews AS share, baseline_negative_share, smoothed_share
FROM themes
WHERE reviews_raising >= $min_reviews
ORDER BY smoothed_share DESC, reviews_raising DESC, theme
LIMIT $top;
