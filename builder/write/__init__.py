"""Stage 5, write: the one place that writes the site, and whether the last build is still current."""
