"""Loading dechaff's optional compiled extensions (``_speedups``, ``_line_speedups``).

Every compiled function has a pure-Python reference; callers fall back to it when the loader
returns None: the extension is missing, was built from another version (the name is absent),
or ``DECHAFF_PURE_PYTHON`` is set.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

PURE_PYTHON_ENV = "DECHAFF_PURE_PYTHON"
"""Set (to anything but empty) to run the pure-Python references only."""


def pure_python() -> bool:
    """Whether the compiled extensions are turned off."""
    return bool(os.environ.get(PURE_PYTHON_ENV))


def load(extension: str, name: str) -> Any:
    """The function ``name`` of ``dechaff.<extension>``, or None (see the module's text)."""
    if pure_python():
        return None
    try:
        module = importlib.import_module(f"dechaff.{extension}")
    except ImportError:
        return None
    return getattr(module, name, None)
