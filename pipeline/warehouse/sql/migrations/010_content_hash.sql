-- What each review said when loaded (ReviewRecord.content_hash): a nightly run tags and loads only the reviews whose
-- hash, or tagger version, differs. Reviews loaded before this column get their hash at their next load.
ALTER TABLE reviews ADD COLUMN content_hash VARCHAR;
