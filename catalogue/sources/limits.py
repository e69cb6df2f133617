"""Bounds on every input, and readers that enforce them before parsing (issues 14, 18).

Every importer reads through these, so that no file can exhaust memory or time and no
value reaches the database that SQLite or PostgreSQL cannot hold. Each refusal is a
:class:`~catalogue.registry.errors.Problem` naming file, line (or row) and field.

=====================================  ============  ======================================
limit                                  value         why
=====================================  ============  ======================================
:data:`MAX_UPLOAD_BYTES`               100 MiB       one file uploaded in the dashboard
:data:`MAX_TEXT_FILE_BYTES`            256 MiB       YAML, JSON, CSV (read whole)
:data:`MAX_STREAM_FILE_BYTES`          2 GiB         portal JSON lines on disk (streamed)
:data:`MAX_STREAM_DECOMPRESSED_BYTES`  8 GiB         the same, after gzip
:data:`MAX_LINE_BYTES`                 2 MiB         one JSON line (real maximum 112 KB)
:data:`MAX_JSON_DEPTH`                 64            nesting of one JSON value
:data:`MAX_FIELD_CHARS`                100.000       one text field (real maximum 56.222)
:data:`MAX_WORKBOOK_BYTES`             100 MiB       one .xlsx file as stored (zip)
:data:`MAX_WORKBOOK_UNZIPPED_BYTES`    512 MiB       its members once decompressed
:data:`MAX_WORKBOOK_ROWS`              300.000       rows of one worksheet
:data:`MAX_CSV_ROWS`                   2.000.000     rows of one CSV file
:data:`MAX_RECORDS`                    500.000       procedures in one file
=====================================  ============  ======================================

YAML bounds (depth, alias expansion, dates, integer digits) live in
:mod:`analysis.yamlio`, which the cost model also uses, and are re-exported here.

Integers must fit the column they go to on both databases: counts of copies, step
orders and years in 32 bits (PostgreSQL ``integer``), dossier counts in 64 bits
(``bigint``); amounts and deadlines (``float`` columns) at most 2⁵³, where a float still
holds every whole number exactly. Text may not contain NUL, other control characters
than tab, line feed and carriage return, or lone surrogates (PostgreSQL refuses NUL;
neither database can store a lone surrogate).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analysis.yamlio import (
    MAX_YAML_ALIAS_NODES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_INT_DIGITS,
    YamlSyntaxError,
    compose_yaml,
    parse_plain_yaml,
)
from catalogue.registry.errors import ImportFailed, Problem

__all__ = [
    "BAD_CHARS",
    "INT32",
    "INT64",
    "MAX_COUNT_DIGITS",
    "MAX_CSV_ROWS",
    "MAX_EXACT_FLOAT",
    "MAX_FIELD_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_LINE_BYTES",
    "MAX_RECORDS",
    "MAX_STREAM_DECOMPRESSED_BYTES",
    "MAX_STREAM_FILE_BYTES",
    "MAX_TEXT_FILE_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_WORKBOOK_BYTES",
    "MAX_WORKBOOK_ROWS",
    "MAX_WORKBOOK_UNZIPPED_BYTES",
    "MAX_YAML_ALIAS_NODES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_INT_DIGITS",
    "JsonInputError",
    "YamlSyntaxError",
    "check_file_size",
    "check_workbook",
    "compose_yaml",
    "entity_sheets",
    "read_csv_table",
    "int_problem",
    "loads_json",
    "RefusedNumber",
    "refused_numbers",
    "number_problem",
    "parse_plain_yaml",
    "read_text_file",
    "text_problem",
    "worksheet_rows",
]

MiB = 1024 * 1024
MAX_UPLOAD_BYTES = 100 * MiB
MAX_TEXT_FILE_BYTES = 256 * MiB
MAX_STREAM_FILE_BYTES = 2048 * MiB
MAX_STREAM_DECOMPRESSED_BYTES = 8192 * MiB
MAX_LINE_BYTES = 2 * MiB
MAX_JSON_DEPTH = 64
MAX_FIELD_CHARS = 100_000
MAX_WORKBOOK_BYTES = 100 * MiB
MAX_WORKBOOK_UNZIPPED_BYTES = 512 * MiB
MAX_WORKBOOK_ROWS = 300_000
MAX_CSV_ROWS = 2_000_000
MAX_RECORDS = 500_000
MAX_COUNT_DIGITS = 15  # dossier counts: below 10¹⁵, exact in the float64 of pandas

INT32 = (-(2**31), 2**31 - 1)  # PostgreSQL integer (SQLite holds more)
INT64 = (-(2**63), 2**63 - 1)  # bigint on both
MAX_EXACT_FLOAT = 2**53  # float columns: every whole number up to here is exact

# NUL and the other C0 controls except tab, LF, CR; DEL; lone UTF-16 surrogates.
# (BAD_CHARS is for UTF-8 text such as pandas' Arrow strings, which hold no surrogate.)
BAD_CHARS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A whole JSON string (unrolled, possibly unterminated) or one bracket.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)


class JsonInputError(ValueError):
    """JSON text refused before or while parsing; ``column`` is 1-based when known."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


# ---------------------------------------------------------------- values


def text_problem(value: str) -> str | None:
    """Why a text value cannot be stored, or None when it can.

    >>> text_problem("Sở Tư pháp") is None, text_problem("a\\x00b")
    (True, 'contains control character U+0000 at position 2')
    """
    if len(value) > MAX_FIELD_CHARS:
        return f"text of {len(value)} characters (at most {MAX_FIELD_CHARS})"
    bad = _BAD_CHARS.search(value)
    if bad is not None:
        return f"contains control character U+{ord(bad.group()):04X} at position {bad.start() + 1}"
    return None


def int_problem(value: int, bounds: tuple[int, int] = INT64) -> str | None:
    """Why an integer does not fit a column of ``bounds``, or None.

    >>> int_problem(2**63) is not None, int_problem(5, INT32)
    (True, None)
    """
    low, high = bounds
    if value < low or value > high:
        return f"{value} is outside the range a database column holds ({low} … {high})"
    return None


def number_problem(value: int | float) -> str | None:
    """Why a number cannot go to a float column (amounts, deadlines), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {value!r}"
    if abs(value) > MAX_EXACT_FLOAT:
        return f"{value} is beyond the largest amount stored exactly ({MAX_EXACT_FLOAT})"
    return None


# ---------------------------------------------------------------- files


def check_file_size(path: Path, limit: int) -> Problem | None:
    """A problem when the file on disk is larger than ``limit`` bytes."""
    size = Path(path).stat().st_size
    if size > limit:
        return Problem(str(path), None, None, f"file of {size} bytes (at most {limit})")
    return None


def read_text_file(path: Path, encoding: str = "utf-8", limit: int = MAX_TEXT_FILE_BYTES) -> str:
    """A whole text file, refused (ImportFailed) when too large, not text, or empty."""
    name = str(path)
    too_big = check_file_size(path, limit)
    if too_big is not None:
        raise ImportFailed([too_big])
    raw = Path(path).read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed([Problem(name, line, None, "not valid UTF-8 text")]) from exc
    if not text.strip():
        raise ImportFailed([Problem(name, None, None, "the file is empty")])
    return text


# ---------------------------------------------------------------- JSON


def json_depth(text: str, stop_above: int | None = None) -> tuple[int, int]:
    """Deepest nesting of JSON text and the 1-based column where it is reached.

    With ``stop_above``, the scan stops as soon as the depth exceeds it.

    Strings are skipped whole by one regular expression, so brackets inside text do not
    count and ordinary text costs one pass in C.

    >>> json_depth('{"a": [1, {"b": "[[[\\"]"}]}')
    (3, 11)
    """
    depth = deepest = where = 0
    for match in _JSON_TOKENS.finditer(text):
        ch = match.group()
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start() + 1
                if stop_above is not None and depth > stop_above:
                    break
        elif ch in "]}":
            depth -= 1
    return deepest, where


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_YAML_INT_DIGITS:
        raise JsonInputError(f"integer of {len(text.lstrip('-'))} digits")
    return int(text)


def _no_constant(name: str) -> Any:
    raise JsonInputError(f"non-finite number {name} not allowed")


class RefusedNumber(str):
    """A number JSON text holds that no field may take (NaN, infinity, an endless integer).

    :func:`loads_json` with ``mark=True`` leaves one in place of the value, so that the
    reader can name the field it sits in; :func:`refused_numbers` finds them.
    """


def _marked_int(text: str) -> int | RefusedNumber:
    digits = len(text.lstrip("-"))
    if digits > MAX_YAML_INT_DIGITS:
        return RefusedNumber(f"integer of {digits} digits")
    return int(text)


def _marked_constant(name: str) -> RefusedNumber:
    return RefusedNumber(f"non-finite number {name} not allowed")


def refused_numbers(value: Any, path: str = "") -> list[tuple[str, str]]:
    """``(key path, reason)`` of every :class:`RefusedNumber` inside a parsed value.

    >>> refused_numbers({"a": [1, {"b": RefusedNumber("x")}]})
    [('a[1].b', 'x')]
    """
    if isinstance(value, RefusedNumber):
        return [(path, str(value))]
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += refused_numbers(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += refused_numbers(item, f"{path}[{i}]")
    return found


def loads_json(text: str, max_depth: int = MAX_JSON_DEPTH, *, mark: bool = False) -> Any:
    """Parse JSON with bounded depth, integer length and finite numbers only.

    Raises :class:`JsonInputError` (bounds) or :class:`json.JSONDecodeError` (syntax).
    With ``mark``, a refused number is left in place as a :class:`RefusedNumber` for the
    caller to report with its field, instead of ending the parse.
    """
    if text.count("[") + text.count("{") > max_depth:  # cheap: most lines have few
        deepest, column = json_depth(text, max_depth)
        if deepest > max_depth:
            raise JsonInputError(f"nested more than {max_depth} levels deep", column)
    if mark:
        return json.loads(text, parse_int=_marked_int, parse_constant=_marked_constant)
    return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)


# ---------------------------------------------------------------- CSV


def read_csv_table(
    text: str, file: str, *, max_rows: int = MAX_CSV_ROWS
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows of CSV text (each row with its line number), bounded.

    A field longer than :data:`MAX_FIELD_CHARS`, a malformed row or more than
    ``max_rows`` rows end the reading with ImportFailed naming the line; the csv
    module's own error would name nothing.
    """
    reader = csv.DictReader(io.StringIO(text))
    old = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_CHARS)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = list(reader.fieldnames or [])
        for row in reader:
            if len(rows) >= max_rows:
                message = f"more than {max_rows} rows"
                raise ImportFailed([Problem(file, reader.line_num, None, message)])
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a field is longer than {MAX_FIELD_CHARS} characters"
        raise ImportFailed([Problem(file, reader.reader.line_num or 1, None, message)]) from exc
    finally:
        csv.field_size_limit(old)
    return header, rows


# ---------------------------------------------------------------- workbooks

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:?[A-Z]*(\d*)"')


def check_workbook(path: Path, *, max_rows: int = MAX_WORKBOOK_ROWS) -> list[Problem]:
    """Problems that make an .xlsx too large to open, found from its zip directory.

    The declared sizes bound what Python's zipfile will decompress (a member that
    lies ends in a CRC error), so a zip bomb is refused here, before openpyxl reads
    anything; a worksheet that declares more than ``max_rows`` rows is refused too.
    """
    name = str(path)
    too_big = check_file_size(path, MAX_WORKBOOK_BYTES)
    if too_big is not None:
        return [too_big]
    try:
        with zipfile.ZipFile(path) as book:
            members = book.infolist()
            unzipped = sum(m.file_size for m in members)
            if unzipped > MAX_WORKBOOK_UNZIPPED_BYTES:
                limit = MAX_WORKBOOK_UNZIPPED_BYTES
                message = f"decompresses to {unzipped} bytes (at most {limit})"
                return [Problem(name, None, None, message)]
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(
                    ".xml"
                ):
                    with book.open(member) as sheet:
                        head = sheet.read(4096)
                    found = _DIMENSION.search(head)
                    if found and found.group(1) and int(found.group(1)) > max_rows:
                        message = f"a worksheet of {int(found.group(1))} rows (at most {max_rows})"
                        return [Problem(name, None, None, message)]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        return [Problem(name, None, None, f"not a readable workbook: {exc}")]
    return []


def worksheet_rows(
    worksheet, file: str, *, max_rows: int = MAX_WORKBOOK_ROWS, first_row: int = 1
) -> Iterator[tuple]:
    """Rows of an openpyxl worksheet (values only), refusing too many rows or long text.

    The declared dimension can lie; this counts rows as they are read, so memory stays
    bounded by ``max_rows`` whatever the file says.
    """
    for number, row in enumerate(worksheet.iter_rows(values_only=True), start=first_row):
        if number - first_row + 1 > max_rows:
            raise ImportFailed([Problem(file, number, None, f"more than {max_rows} rows")])
        for col, cell in enumerate(row, start=1):
            if isinstance(cell, str) and len(cell) > MAX_FIELD_CHARS:
                message = f"cell of {len(cell)} characters (at most {MAX_FIELD_CHARS})"
                raise ImportFailed([Problem(file, number, f"column {col}", message)])
        yield row


def _blank_none(row: tuple, index: int) -> Any:
    value = row[index] if index < len(row) else None
    return None if value == "" else value


def entity_sheets(
    wb, name: str, sheets: dict[str, tuple[str, ...]]
) -> tuple[dict[str, list[tuple[int, dict[str, Any]]]], list[Problem]]:
    """Rows of every entity sheet of a workbook (bounded), keyed by column name, each with
    its row number; blank cells are None. A sheet without its columns is a problem."""
    problems: list[Problem] = []
    if "procedures" not in wb.sheetnames:
        raise ImportFailed([Problem(name, None, "procedures", "sheet 'procedures' is missing")])
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for sheet, cols in sheets.items():
        tables[sheet] = []
        if sheet not in wb.sheetnames:
            continue
        rows = worksheet_rows(wb[sheet], f"{name}#{sheet}")
        header = [str(h) if h is not None else "" for h in next(rows, ())]
        missing = [c for c in cols if c not in header]
        if missing:
            problems.append(Problem(f"{name}#{sheet}", 1, ",".join(missing), "missing column(s)"))
            continue
        idx = {c: header.index(c) for c in cols}
        tables[sheet] = [
            (rno, {c: _blank_none(row, idx[c]) for c in cols})
            for rno, row in enumerate(rows, start=2)
            if any(v not in (None, "") for v in row)
        ]
    return tables, problems
