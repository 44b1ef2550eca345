"""The API record of a package, API.md, and where `changes` finds a baseline."""
