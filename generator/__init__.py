"""connector-codegen: a Swagger 2.0 to Python client generator.

The pipeline (`pipeline.py`), one sub-package per stage:

    source/  load, bundle and validate a spec; read the document (`document.py`)
    parse/   three passes into the intermediate model (`model.py`): names, schemas, operations
    render/  views of the model, type spellings, docstrings, escaping, the printer, the templates
    formatter.py  every rendered file black-stable
    write/   the manifest and journal, the crash-safe swap, the file-system boundary

beside them `testgen/` (the generated test suite's example data and rows), `api_record/` (the
public API record, API.md and `changes`' baselines) and `static/` (files copied as they are);
at the top the command line (`cli.py`), its configuration, `check.py` and the memo.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("connector-codegen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
