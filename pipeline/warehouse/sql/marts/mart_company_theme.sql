-- Per company × theme: how many reviews raise the theme, how often negatively and positively (beside the
-- all-company shares), a negative share smoothed
-- toward the all-company baseline (so 2 of 3 reviews do not outrank 40 of 100), and the platforms' own
-- sub-rating for the theme next to the text-derived figures.
CREATE OR REPLACE TABLE mart_company_theme AS
WITH
tagged_reviews AS (
    SELECT * FROM stg_tagged_reviews
),
review_counts AS (
    SELECT company_id, count(*) AS reviews
    FROM tagged_reviews
    GROUP BY company_id
),
review_theme AS (
    SELECT r.company_id, m.review_id, m.theme,
           bool_or(m.polarity = 'negative') AS has_negative,
           bool_or(m.polarity = 'positive') AS has_positive,
           count(*) AS mentions
    FROM mentions AS m
    JOIN tagged_reviews AS r USING (review_id)
    GROUP BY ALL
),
company_theme AS (
    SELECT company_id, theme,
           sum(mentions)::INTEGER AS mentions,
           count(*) FILTER (WHERE has_negative)::INTEGER AS reviews_negative,
           count(*) FILTER (WHERE has_positive)::INTEGER AS reviews_positive
    FROM review_theme
    GROUP BY ALL
),
baseline AS (
    SELECT theme,
           sum(reviews_negative) / (SELECT count(*) FROM tagged_reviews) AS baseline_negative_share,
           sum(reviews_positive) / (SELECT count(*) FROM tagged_reviews) AS baseline_positive_share
    FROM company_theme
    GROUP BY theme
),
platform_ratings AS (
    SELECT r.company_id, s.theme, avg(s.rating) AS avg_platform_rating, count(*)::INTEGER AS reviews_rated
    FROM review_subratings AS s
    JOIN reviews AS r USING (review_id)
    GROUP BY ALL
)
SELECT ct.company_id,
       c.name AS company_name,
       c.sector,
       ct.theme,
       rc.reviews,
       ct.mentions,
       ct.reviews_negative,
       ct.reviews_positive,
       ct.reviews_negative / rc.reviews AS negative_share,
       b.baseline_negative_share,
       ct.reviews_positive / rc.reviews AS positive_share,
       b.baseline_positive_share,
       (ct.reviews_negative + $smoothing_weight * b.baseline_negative_share) / (rc.reviews + $smoothing_weight)
           AS smoothed_negative_share,
       pr.avg_platform_rating,
       coalesce(pr.reviews_rated, 0) AS reviews_rated
FROM company_theme AS ct
JOIN review_counts AS rc USING (company_id)
JOIN companies AS c USING (company_id)
JOIN baseline AS b USING (theme)
LEFT JOIN platform_ratings AS pr USING (company_id, theme);
