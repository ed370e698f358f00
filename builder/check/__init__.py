"""Stage 2, check: the desk's data read into the model, every figure, unit, date and quote checked."""
