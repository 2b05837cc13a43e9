"""One search for the whole site (issue 20 §2): the index, the features' sources, /search."""
