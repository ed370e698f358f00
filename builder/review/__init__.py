"""Editorial review: a desk at two git revisions, compared claim by claim."""
