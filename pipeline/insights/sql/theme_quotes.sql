-- Quotes for one company and theme: one unit per review, the most confident, recent ones first.
WITH
candidates AS (
    SELECT m.unit_text, m.score, m.section, r.review_date, r.source, r.review_id,
           row_number() OVER (PARTITION BY m.review_id ORDER BY m.score DESC, length(m.unit_text) DESC) AS nth
    FROM mentions AS m
    JOIN reviews AS r USING (review_id)
    WHERE r.company_id = $company_id
      AND m.theme = $theme
      AND m.polarity = $polarity
      AND length(m.unit_text) BETWEEN 12 AND 280
)
SELECT unit_text, review_date, source, review_id
FROM candidates
WHERE nth = 1
ORDER BY score DESC, length(unit_text) BETWEEN 30 AND 160 DESC, review_date DESC NULLS LAST, review_id
LIMIT $quotes;
