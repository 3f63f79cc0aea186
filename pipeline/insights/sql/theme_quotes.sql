-- Quotes for one company, polarity and several themes, in one pass over the mentions: per theme, one unit
-- per review (its most confident), the most confident and recent first, at most $quotes.
WITH
candidates AS (
    SELECT m.theme, m.unit_text, m.score, r.review_date, r.source, r.review_id,
           row_number() OVER (
               PARTITION BY m.theme, m.review_id ORDER BY m.score DESC, length(m.unit_text) DESC
           ) AS nth
    FROM mentions AS m
    JOIN reviews AS r USING (review_id)
    WHERE r.company_id = $company_id
      AND list_contains($themes, m.theme)
      AND m.polarity = $polarity
      AND length(m.unit_text) BETWEEN 12 AND 280
),
ranked AS (
    SELECT *, row_number() OVER (
               PARTITION BY theme
               ORDER BY score DESC, length(unit_text) BETWEEN 30 AND 160 DESC, review_date DESC NULLS LAST, review_id
           ) AS rank
    FROM candidates
    WHERE nth = 1
)
SELECT theme, unit_text, review_date, source, review_id
FROM ranked
WHERE rank <= $quotes
ORDER BY theme, rank;
