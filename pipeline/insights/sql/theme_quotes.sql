-- Quote candidates for a report's themes (`$wanted`: 'theme/polarity' strings) in its scope, best first per
-- theme and polarity: higher evidence, then the most recent.
WITH
ranked AS (
    SELECT *,
           row_number() OVER (
               PARTITION BY theme, polarity
               ORDER BY round(evidence, 2) DESC, review_date DESC NULLS LAST, review_id, section, unit_index
           ) AS rank
    FROM mart_quotes
    WHERE company_id BETWEEN $first_id AND $last_id
      AND list_contains($company_ids, company_id)
      AND list_contains($wanted, theme || '/' || polarity)
      AND ($titles IS NULL OR list_contains($titles, job_title))
      AND ($location IS NULL OR contains(
          ' ' || regexp_replace(lower(strip_accents(coalesce(location, ''))), '[^a-z0-9]+', ' ', 'g') || ' ',
          ' ' || $location || ' '
      ))  -- whole words: "Aix" is not in "Roubaix"
)
SELECT theme, polarity, unit_text, review_date, job_title, is_current, source, review_id, section, start_char,
       end_char
FROM ranked
WHERE rank <= $candidates
ORDER BY theme, polarity, rank;
