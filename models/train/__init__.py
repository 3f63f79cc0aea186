"""Training of the theme-and-polarity classifier: corpus assembly, spaCy config, evaluation, packaging."""
