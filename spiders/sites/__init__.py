"""One small spider per site."""
