"""The theme-and-polarity tagger: language id, unit segmentation, themes, polarity."""
