"""What every ``dechaff`` subcommand shares: exit statuses and argument types."""

from __future__ import annotations

import argparse

EXIT_OK = 0
EXIT_SOME_FAILED = 1
"""Some inputs (or records) failed; each was reported and the run went on."""
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as shells report it."""


def positive_int(value: str) -> int:
    """An ``argparse`` type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def positive_float(value: str) -> float:
    """An ``argparse`` type: a number above 0."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {value}")
    return number
