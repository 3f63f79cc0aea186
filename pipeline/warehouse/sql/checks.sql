-- Key checks run before every load commits, on the tables and on the freshly rebuilt marts. Each query returns
-- the offending rows; the load fails if any does.

-- name: reviews_key_unique
SELECT review_id, count(*) AS n FROM reviews GROUP BY review_id HAVING n > 1;

-- name: reviews_company_known
SELECT review_id FROM reviews WHERE company_id NOT IN (SELECT company_id FROM companies);

-- name: reviews_rating_in_range
SELECT review_id, rating FROM reviews WHERE rating IS NOT NULL AND NOT rating BETWEEN 1 AND 5;

-- name: mentions_key_unique
SELECT review_id, section, unit_index, theme, polarity, count(*) AS n FROM mentions GROUP BY ALL HAVING n > 1;

-- name: subratings_key_unique
SELECT review_id, theme, count(*) AS n FROM review_subratings GROUP BY ALL HAVING n > 1;

-- name: platform_ratings_key_unique
SELECT review_id, label, count(*) AS n FROM review_platform_ratings GROUP BY ALL HAVING n > 1;

-- name: factor_texts_key_unique
SELECT review_id, factor, count(*) AS n FROM review_factor_texts GROUP BY ALL HAVING n > 1;

-- name: mentions_review_known
SELECT review_id FROM mentions WHERE review_id NOT IN (SELECT review_id FROM reviews);

-- name: mentions_theme_accepted
SELECT review_id, theme FROM mentions WHERE theme NOT IN (SELECT theme FROM taxonomy_themes);

-- name: mentions_polarity_accepted
SELECT review_id, polarity FROM mentions WHERE polarity NOT IN ('positive', 'negative');

-- name: mentions_score_in_range
SELECT review_id, score FROM mentions WHERE NOT score BETWEEN 0 AND 1;

-- name: subratings_theme_accepted
SELECT review_id, theme FROM review_subratings WHERE theme NOT IN (SELECT theme FROM taxonomy_themes);

-- name: subratings_in_range
SELECT review_id, rating FROM review_subratings WHERE NOT rating BETWEEN 1 AND 5;

-- name: mart_company_theme_key_unique
SELECT company_id, theme, count(*) AS n FROM mart_company_theme GROUP BY ALL HAVING n > 1;

-- name: mart_company_theme_key_not_null
SELECT * FROM mart_company_theme WHERE company_id IS NULL OR theme IS NULL OR company_name IS NULL;

-- name: mart_company_theme_shares_in_range
SELECT company_id, theme, negative_share, smoothed_negative_share FROM mart_company_theme
WHERE NOT negative_share BETWEEN 0 AND 1 OR NOT smoothed_negative_share BETWEEN 0 AND 1
   OR reviews_negative > reviews OR reviews_positive > reviews;

-- name: mart_company_theme_theme_accepted
SELECT company_id, theme FROM mart_company_theme WHERE theme NOT IN (SELECT theme FROM taxonomy_themes);

-- name: mart_company_theme_quarter_key_unique
SELECT company_id, theme, quarter, count(*) AS n FROM mart_company_theme_quarter GROUP BY ALL HAVING n > 1;

-- name: mart_company_theme_quarter_key_not_null
SELECT * FROM mart_company_theme_quarter
WHERE company_id IS NULL OR theme IS NULL OR quarter IS NULL OR company_name IS NULL;

-- name: mart_sector_theme_key_unique
SELECT sector, theme, count(*) AS n FROM mart_sector_theme GROUP BY ALL HAVING n > 1;

-- name: mart_sector_theme_share_in_range
SELECT sector, theme, negative_share FROM mart_sector_theme WHERE NOT negative_share BETWEEN 0 AND 1;

-- name: mart_company_theme_quarter_one_row_per_theme
SELECT company_id, quarter, count(*) AS n FROM mart_company_theme_quarter GROUP BY ALL
HAVING n <> (SELECT count(*) FROM taxonomy_themes);

-- name: mart_review_theme_key_unique
SELECT review_id, theme, count(*) AS n FROM mart_review_theme GROUP BY ALL HAVING n > 1;

-- name: mart_review_theme_key_not_null
SELECT * FROM mart_review_theme WHERE company_id IS NULL OR review_id IS NULL;

-- name: mart_quotes_key_unique
SELECT review_id, section, unit_index, theme, polarity, count(*) AS n FROM mart_quotes GROUP BY ALL HAVING n > 1;

-- name: mart_quotes_meet_the_bar
SELECT review_id, theme, evidence FROM mart_quotes WHERE evidence IS NULL OR evidence < $quote_evidence;

-- name: mart_theme_baseline_one_row_per_theme
SELECT theme FROM taxonomy_themes EXCEPT SELECT theme FROM mart_theme_baseline;

-- name: company_profiles_key_unique
SELECT company_id, source, count(*) AS n FROM company_profiles GROUP BY ALL HAVING n > 1;

-- name: mart_title_theme_key_unique
SELECT job_title, theme, count(*) AS n FROM mart_title_theme GROUP BY ALL HAVING n > 1;

-- name: mart_title_theme_counts_in_range
SELECT job_title, theme FROM mart_title_theme WHERE reviews_negative > reviews OR reviews_positive > reviews;

-- name: follows_key_unique
SELECT company_id, count(*) AS n FROM follows GROUP BY company_id HAVING n > 1;

-- name: digest_runs_key_unique
SELECT digest_id, count(*) AS n FROM digest_runs GROUP BY digest_id HAVING n > 1;

-- name: digest_snapshots_key_unique
SELECT company_id, snapshot_at, theme, polarity, count(*) AS n FROM digest_snapshots GROUP BY ALL HAVING n > 1;

-- name: digest_snapshots_digest_known
SELECT company_id, snapshot_at, digest_id FROM digest_snapshots
WHERE digest_id IS NOT NULL AND digest_id NOT IN (SELECT digest_id FROM digest_runs);

-- name: digest_snapshots_theme_accepted
SELECT company_id, theme FROM digest_snapshots WHERE theme NOT IN (SELECT theme FROM taxonomy_themes);

-- name: digest_snapshots_values_accepted
SELECT company_id, polarity, standing FROM digest_snapshots
WHERE polarity NOT IN ('positive', 'negative')
   OR standing NOT IN ('above', 'leaning_above', 'as_often', 'below', 'not_shown');

-- name: digest_snapshots_counts_in_range
-- A theme the report shows has its figures, one it does not show has none.
SELECT company_id, theme, polarity, raising, reviews, share FROM digest_snapshots
WHERE reviews < 0 OR (standing = 'not_shown') <> (raising IS NULL) OR (raising IS NULL) <> (share IS NULL)
   OR raising > reviews OR NOT share BETWEEN 0 AND 1;
