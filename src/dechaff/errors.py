"""Exceptions raised by dechaff.

The hierarchy::

    DechaffError            base of everything dechaff raises on purpose
    ├── InputError          the input cannot be read as a page (wrong type, too large when refusing)
    └── FetchError          a URL could not be fetched (network, status, size, scheme)

``extract`` itself never raises on odd or broken markup: it returns an ``Article`` with empty
``text`` instead. It raises ``InputError`` only for inputs of the wrong type.
"""

from __future__ import annotations


class DechaffError(Exception):
    """Base class of every error dechaff raises on purpose."""


class InputError(DechaffError):
    """The input cannot be treated as a web page."""


class FetchError(DechaffError):
    """A URL could not be fetched."""
