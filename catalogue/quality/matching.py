"""Match a local list of procedure names (CSV / Excel, no codes) to national codes.

For each row the best catalogue procedures come back with code, name and a score 0–100;
a row whose two best codes score within ``margin`` of each other is marked *ambiguous*
for a person to decide. The reviewer's choices are data (:class:`ReviewDecision`): accept
a code for a row or reject the row; :func:`write_back` then writes the accepted codes into
a new column of a *copy* of the input file (the input is never modified).

Matching quality is measured with slips written independently of these tables
(``tests/people_typing.py``), so that the measure cannot agree with itself.
"""

from __future__ import annotations

import csv
import logging
import shutil
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from catalogue.quality.ranking import collector_paused
from catalogue.quality.scoring import coverage
from catalogue.quality.search import SearchIndex
from catalogue.quality.textnorm import fold, normalise_name

log = logging.getLogger(__name__)

Status = Literal["matched", "ambiguous", "no_match"]
DEFAULT_MARGIN = 3.0
# Below this a name has no good candidate and says so ("no_match"): on the 2.039 real
# names typed with people's slips (tests/people_typing.py), 6 of 16.705 right answers
# score under 75 while unrelated names ("… người ngoài hành tinh") score 70–73.
DEFAULT_MIN_SCORE = 75.0
# A best candidate explaining less than this share of the typed words (weighted by
# rarity) is no good candidate: the name says "no_match" instead of proposing it.
MIN_COVERAGE = 0.75
CODE_COLUMN = "ma_tthc_de_xuat"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# A header row is looked for in the first rows (portal exports put a banner in row 1).
HEADER_SEARCH_ROWS = 10


class MatchError(ValueError):
    """A local list cannot be read or written as asked (file, sheet, column)."""


class Candidate(NamedTuple):
    """A catalogue procedure proposed for a local row."""

    code: str
    name: str
    score: float
    id: Any


@dataclass
class MatchResult:
    """The candidates proposed for one local row, best first, and what to do with them."""

    row: int
    query: str
    candidates: list[Candidate] = field(default_factory=list)
    status: Status = "no_match"

    @property
    def best(self) -> Candidate | None:
        """The best candidate, if any."""
        return self.candidates[0] if self.candidates else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "row": self.row,
            "name": self.query,
            "status": self.status,
            "candidates": [c._asdict() for c in self.candidates],
        }


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's decision on one row: accept ``code`` or reject the row."""

    row: int
    action: Literal["accept", "reject"]
    code: str | None = None
    reviewer: str | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        if self.action not in ("accept", "reject"):
            raise ValueError(f"row {self.row}: unknown action {self.action!r}")
        if self.action == "accept" and not self.code:
            raise ValueError(f"row {self.row}: accepting needs a code")


def _status(candidates: list[Candidate], margin: float, min_score: float) -> Status:
    if not candidates or candidates[0].score < min_score:
        return "no_match"
    if len(candidates) > 1 and candidates[0].score - candidates[1].score <= margin:
        return "ambiguous"
    return "matched"


def match_names(
    names: Sequence[str],
    index: SearchIndex,
    *,
    rows: Sequence[int] | None = None,
    top_k: int = 5,
    margin: float = DEFAULT_MARGIN,
    min_score: float = DEFAULT_MIN_SCORE,
    prefilter: int = 40,
) -> list[MatchResult]:
    """For each local name, the ``top_k`` best national codes with scores 0–100.

    Identical names are matched once. A catalogue name shared by several codes (the same
    procedure published at several levels) yields one candidate per code. Procedures
    without a code cannot be proposed. ``rows`` labels the results (default 0, 1, …).
    """
    rows = list(rows) if rows is not None else list(range(len(names)))
    if len(rows) != len(names):
        raise ValueError("rows and names differ in length")
    with collector_paused():
        return _match(names, index, rows, top_k, margin, min_score, prefilter)


def _match(
    names: Sequence[str],
    index: SearchIndex,
    rows: list[int],
    top_k: int,
    margin: float,
    min_score: float,
    prefilter: int,
) -> list[MatchResult]:
    """:func:`match_names` with the collector paused (see :func:`collector_paused`)."""
    distinct: dict[str, int] = {}
    for name in names:
        distinct.setdefault(name or "", len(distinct))
    known_names = index.name_norms  # a catalogue name typed as it is: normalised already
    normalised = [known_names.get(n) or normalise_name(n) for n in distinct]
    nearest = index.nearest_units(normalised, k=top_k * 2, prefilter=prefilter)
    unit_codes = index.unit_codes
    # (unit, score) pairs repeat across names: their candidates are made once
    made: dict[tuple[int, float], tuple[Candidate, ...]] = {}
    per_name: list[list[Candidate]] = []
    poor: list[bool] = []  # the best candidate leaves the typed name's words unexplained
    done: dict[tuple[str, tuple[str, ...]], tuple[list[Candidate], bool]] = {}  # once each
    for norm, units in zip(normalised, nearest, strict=True):
        key = (norm.core, norm.notes)
        known = done.get(key)
        if known is None:
            seen: set[str] = set()
            cands: list[Candidate] = []
            if norm.core:
                for unit, score in units:
                    of_unit = made.get((unit, score))
                    if of_unit is None:
                        shown = round(score, 1)
                        of_unit = made[unit, score] = tuple(
                            Candidate(code, name, shown, ident)
                            for code, name, ident in unit_codes[unit]
                        )
                    for cand in of_unit:
                        if cand.code not in seen:
                            seen.add(cand.code)
                            cands.append(cand)
                    if len(cands) >= top_k:
                        break
            is_poor = bool(units) and coverage(index, norm.core, units[0][0]) < MIN_COVERAGE
            known = done[key] = (cands[:top_k], is_poor)
        cands_of_name, is_poor = known
        per_name.append(cands_of_name)
        poor.append(is_poor)
    results = []
    for row, name in zip(rows, names, strict=True):
        pos = distinct[name or ""]
        cands = per_name[pos]
        status = "no_match" if poor[pos] else _status(cands, margin, min_score)
        results.append(MatchResult(row, name, list(cands), status))
    return results


def auto_decisions(
    results: Iterable[MatchResult], *, min_score: float = 90.0, reviewer: str = "auto"
) -> list[ReviewDecision]:
    """Accept the best code of every unambiguous row scoring at least ``min_score``."""
    return [
        ReviewDecision(r.row, "accept", r.best.code, reviewer)
        for r in results
        if r.status == "matched" and r.best is not None and r.best.score >= min_score
    ]


def accepted_codes(
    results: Iterable[MatchResult], decisions: Iterable[ReviewDecision]
) -> dict[int, str | None]:
    """Row → accepted code (None when rejected); the last decision on a row wins.

    A decision about a row that is not in ``results`` raises ``ValueError``: it was meant
    for another file.
    """
    known = {r.row for r in results}
    out: dict[int, str | None] = {}
    for d in decisions:
        if d.row not in known:
            raise ValueError(f"decision for row {d.row}, which is not in the matched list")
        out[d.row] = d.code if d.action == "accept" else None
    return out


# -- files -------------------------------------------------------------------------------


@dataclass
class LocalList:
    """Names read from one column of a local list, with their spreadsheet row numbers."""

    path: Path
    column: str
    header_row: int
    column_index: int
    rows: list[int]
    names: list[str]


def _is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def _find_header(rows: Iterable[Sequence[Any]], column: str) -> tuple[int, int]:
    wanted = fold(column)
    for row_no, values in enumerate(rows, start=1):
        if row_no > HEADER_SEARCH_ROWS:
            break
        for col_no, value in enumerate(values):
            if value is not None and fold(str(value)) == wanted:
                return row_no, col_no
    raise MatchError(f"column {column!r} not found in the first {HEADER_SEARCH_ROWS} rows")


def _read_csv_rows(path: Path) -> tuple[list[list[str]], csv.Dialect | type[csv.Dialect]]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect: csv.Dialect | type[csv.Dialect] = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(text.splitlines(), dialect)), dialect


def read_local_list(path: Path, column: str, *, sheet: str | None = None) -> LocalList:
    """Read the names in ``column`` of a CSV or Excel file (header within the first rows)."""
    path = Path(path)
    if not path.exists():
        raise MatchError(f"{path}: file not found")
    if _is_excel(path):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb[sheet] if sheet else wb.worksheets[0]
        except KeyError:
            raise MatchError(f"{path}: no sheet {sheet!r}") from None
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        values, _ = _read_csv_rows(path)
    header_row, col = _find_header(values, column)
    rows, names = [], []
    for row_no, row in enumerate(values[header_row:], start=header_row + 1):
        value = row[col] if col < len(row) else None
        text = unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""
        if text:
            rows.append(row_no)
            names.append(text)
    return LocalList(path, column, header_row, col, rows, names)


def match_file(
    path: Path,
    column: str,
    index: SearchIndex,
    *,
    sheet: str | None = None,
    top_k: int = 5,
    margin: float = DEFAULT_MARGIN,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[MatchResult]:
    """Match every non-empty row of ``column`` in a CSV or Excel file; rows are sheet rows."""
    local = read_local_list(path, column, sheet=sheet)
    log.info("matching %d rows of %s", len(local.names), path)
    return match_names(
        local.names, index, rows=local.rows, top_k=top_k, margin=margin, min_score=min_score
    )


def _safe_cell(value: str | None) -> str | None:
    """Neutralise text a spreadsheet would run as a formula (the one shared rule)."""
    from catalogue.sources.formats import neutralise

    return neutralise(value)


def write_back(
    source: Path,
    target: Path,
    column: str,
    codes: Mapping[int, str | None],
    *,
    new_column: str = CODE_COLUMN,
    sheet: str | None = None,
) -> Path:
    """Copy ``source`` to ``target`` with the accepted codes in a new column.

    ``codes`` maps sheet row numbers (as in :class:`MatchResult`) to the accepted code;
    rows without an accepted code get an empty cell. The source file is never modified;
    ``target`` must be another path with the same kind of file (CSV or Excel).
    """
    source, target = Path(source), Path(target)
    if target.resolve() == source.resolve():
        raise MatchError("write-back target must differ from the input file")
    if _is_excel(source) != _is_excel(target):
        raise MatchError("write-back target must be the same kind of file as the input")
    local = read_local_list(source, column, sheet=sheet)
    if _is_excel(source):
        from openpyxl import load_workbook

        wb = load_workbook(source)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        col = ws.max_column + 1
        ws.cell(row=local.header_row, column=col, value=new_column)
        for row in local.rows:
            ws.cell(row=row, column=col, value=_safe_cell(codes.get(row)))
        tmp = target.with_name(target.name + ".tmp")
        wb.save(tmp)
        wb.close()
    else:
        values, dialect = _read_csv_rows(source)
        width = max(len(r) for r in values)
        tmp = target.with_name(target.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, dialect)
            for row_no, row in enumerate(values, start=1):
                padded = row + [""] * (width - len(row))
                if row_no == local.header_row:
                    extra = new_column
                elif row_no > local.header_row:
                    extra = _safe_cell(codes.get(row_no)) or ""
                else:
                    extra = ""
                writer.writerow(padded + [extra])
    shutil.move(tmp, target)
    return target
