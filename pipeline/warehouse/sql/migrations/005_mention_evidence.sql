-- How sure the tagger is that a mention's unit, read alone, states its theme with its polarity: the report's
-- quotes need it. NULL for mentions tagged before revint_themes-1.2.0 (`revint retag` fills it).
ALTER TABLE mentions ADD COLUMN evidence DOUBLE;
