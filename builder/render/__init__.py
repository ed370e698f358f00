"""Stage 4, render: the analysis made into the site's files (pages, data, feeds, search index), in memory."""
