"""The generated test suite: example data and its table rows."""
