"""What a spreadsheet cell may hold: the project's one rule against formula injection.

Every Excel and CSV writer passes text through :func:`neutralise`; CSV writers use
:func:`safe_csv_writer`. Re-exported by :mod:`catalogue.sources.formats`.
"""

from __future__ import annotations

import csv
from typing import Any

# Leading characters that make a spreadsheet run a cell as a formula (tab and carriage
# return too: some spreadsheets skip them and then read the "=" behind).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula: the one definition, used by
    every Excel and CSV writer of the project.

    >>> neutralise("=1+1"), neutralise("-5 ngày"), neutralise("\\t=2"), neutralise(12)
    ("'=1+1", "'-5 ngày", "'\\t=2", 12)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo :func:`neutralise` on text read back from CSV."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def neutralise_frame(frame):
    """A copy of a pandas frame with every text cell neutralised."""
    return frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)


def safe_csv_writer(out: Any):
    """A csv writer for exports: CRLF row ends, so that a field holding a carriage return
    or a line feed is always quoted (with ``\\n`` alone, a lone ``\\r`` was written bare
    and a spreadsheet started a new row there). Values still go through :func:`neutralise`.
    """
    return csv.writer(out, lineterminator="\r\n")
