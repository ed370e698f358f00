"""Stage 3, analyse: verdicts, statuses and the indexes every page is made from; pure."""
