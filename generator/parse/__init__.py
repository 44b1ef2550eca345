"""Stage 3: the passes that decide every name and type of the package."""
