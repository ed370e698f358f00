"""The stages run in order: a one-off build, and the live session of `serve` that reuses it."""
