"""`make stress`: the product under hostile input, random kills, concurrent use and attacks, in one table."""
