"""Stage 1, read: the desk's files as text and YAML with positions, and git."""
