"""Stage 4: views, annotations, docstrings, escaping, templates and the printer."""
