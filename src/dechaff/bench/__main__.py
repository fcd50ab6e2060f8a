"""``python -m dechaff.bench ...`` (same as ``dechaff bench ...``)."""

from __future__ import annotations

import sys

from dechaff.bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
