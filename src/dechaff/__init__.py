"""dechaff: web pages (or already-extracted text) in, clean articles out.

The public API is re-exported here; implementation lives in one module per pipeline stage
(decode → parse → metadata → blocks → classify → assemble → render).
"""

from __future__ import annotations

from dechaff.api import extract
from dechaff.article import Article, Comment, Metadata, Related
from dechaff.clean import Cleaned, Removed, clean_text
from dechaff.errors import DechaffError, FetchError, InputError

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Cleaned",
    "Comment",
    "DechaffError",
    "FetchError",
    "InputError",
    "Metadata",
    "Related",
    "Removed",
    "__version__",
    "clean_text",
    "extract",
]
