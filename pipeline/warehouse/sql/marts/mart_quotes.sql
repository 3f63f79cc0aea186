-- The units a report may quote: those that carry one theme, which the tagger is sure they state with their
-- polarity on their own (calibrated `evidence` at or above $quote_evidence, stricter than tagging; raw evidence
-- of a version in $raw_evidence_versions waits for `revint retag`), and that have
-- substance: four words or more, not a phrase cut short (ending on "pour", "de…", "and", a hyphen, a colon
-- or an open bracket; brackets and « » balanced). Units of several themes are left out: on out-of-fold
-- scores they are right less often (0.91 against 0.97 at this bar). The report picks among these (spread over
-- time and roles, no near-duplicates).
CREATE OR REPLACE TABLE mart_quotes AS
WITH
units AS (
    SELECT m.*, count(DISTINCT m.theme) OVER (PARTITION BY m.review_id, m.section, m.unit_index) AS unit_themes
    FROM mentions AS m
),
quotable AS (
    SELECT *
    FROM units
    WHERE evidence >= $quote_evidence
      AND NOT list_contains($raw_evidence_versions, model_version)
      AND unit_themes = 1
      AND length(unit_text) BETWEEN 20 AND 280
      AND len(regexp_extract_all(unit_text, '[\p{L}\p{N}]+')) >= 4
      AND NOT regexp_matches(
          lower(unit_text),
          '(^|\P{L})(pour|de|des|du|d|le|la|les|l|et|ou|à|au|aux|avec|sans|par|sur|en|que|qui|mais|donc|car|dont|'
          || 'un|une|leur|leurs|son|sa|ses|ce|cette|the|and|or|of|to|for|with|a|an|but|in|on|at|by|from|as|their|its)'
          || '[^\p{L}\p{N}!?)»"]*$'  -- "pour", "de…", "à...." end a phrase cut short
      )
      AND NOT regexp_matches(unit_text, '[-–/(\[«:]\s*$')  -- nor a hyphen, an open bracket or a colon
      AND length(unit_text) - length(replace(unit_text, '(', '')) = length(unit_text) - length(replace(unit_text, ')', ''))
      AND length(unit_text) - length(replace(unit_text, '«', '')) = length(unit_text) - length(replace(unit_text, '»', ''))
      AND length(unit_text) - length(replace(unit_text, '[', '')) = length(unit_text) - length(replace(unit_text, ']', ''))
)
SELECT r.company_id, q.theme, q.polarity, q.review_id, q.section, q.unit_index, q.start_char, q.end_char,
       q.unit_text, q.evidence, r.review_date, r.job_title, r.is_current, r.employment_status,
       r.location, r.source
FROM quotable AS q
JOIN stg_tagged_reviews AS r USING (review_id)
ORDER BY r.company_id, q.theme, q.polarity;
