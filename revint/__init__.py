"""revint: what employees keep raising about an employer, turned into reverse-interview questions.

The modules directly in this package are the product's contract, which every stage imports and which imports
no stage: the review record (record), the run folder (runfiles, archive), the taxonomy, company ids, settings,
shared constants and text folding. The stages are revint.spiders (fetch, parse), revint.models (tag) and
revint.pipeline (warehouse, insights, and the flows and command line that wire the stages together).
"""
