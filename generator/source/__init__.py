"""Stage 1 and 2: load, bundle and validate a spec, and read the document."""
