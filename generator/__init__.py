"""connector-codegen: a Swagger 2.0 to Python client generator.

The pipeline, one module per stage: loader -> validator -> parser -> render -> formatter -> writer.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("connector-codegen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
