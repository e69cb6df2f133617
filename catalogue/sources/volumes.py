"""Import of yearly volumes: how many dossiers a procedure received in a year, and the source.

A volume is the evidence of a procedure's yearly population (an estimate without one has
an unknown population and is left out of yearly totals). The file is CSV (UTF-8, with or
without BOM) or Excel (first sheet), one row per procedure and year, with the columns
(Vietnamese or English headers, any case)::

    mã TTHC | cấp | cơ quan | năm | số hồ sơ | nguồn
    code    | level | agency | year | received | source

``cấp`` and ``cơ quan`` are needed only where a code is shared by several procedures
(several levels or agencies). Every row is checked before anything is written; any
problem (named by file, row and column) leaves the database exactly as it was. A row
replaces the dossiers received of that procedure and year (other one-stop counts of the
year are kept); the source of each row is kept in the audit log.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from catalogue.registry.audit import write_audit
from catalogue.registry.db import session_scope
from catalogue.registry.models import Agency, Procedure, Volume
from catalogue.registry.vocab import UnknownSpelling, level_code

__all__ = ["COLUMNS", "VolumeImportError", "import_volumes", "read_volume_file"]

# canonical column → accepted header spellings (lower case, NFC, single spaces)
COLUMNS = {
    "code": ("mã tthc", "mã thủ tục", "mã số", "code"),
    "level": ("cấp", "cấp thực hiện", "level"),
    "agency": ("cơ quan", "cơ quan thực hiện", "agency"),
    "year": ("năm", "year"),
    "received": ("số hồ sơ", "số hồ sơ tiếp nhận", "received"),
    "source": ("nguồn", "nguồn số liệu", "source"),
}
REQUIRED = ("code", "year", "received")


class VolumeImportError(ValueError):
    """A volume file with problems; ``problems`` are ``file:row [column]: message`` texts."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _norm(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).strip().lower().split())


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _rows(path: Path) -> list[list[Any]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    text = path.read_bytes().decode("utf-8-sig")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def read_volume_file(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a volume file as ``{row, code, level, agency, year, received, source}``.

    Raises :class:`VolumeImportError` listing every problem.
    """
    path = Path(path)
    name = str(path)
    try:
        rows = _rows(path)
    except Exception as exc:  # csv, openpyxl and OS errors alike
        raise VolumeImportError([f"{name}: cannot read: {exc}"]) from exc
    if not rows:
        raise VolumeImportError([f"{name}: empty file"])
    spelled = {spelling: key for key, names in COLUMNS.items() for spelling in names}
    header = {spelled[_norm(h)]: i for i, h in enumerate(rows[0]) if _norm(h) in spelled}
    problems = [f"{name}:1: missing column {c!r}" for c in REQUIRED if c not in header]
    if problems:
        raise VolumeImportError(problems)
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values = {k: _cell(row[i]) if i < len(row) else None for k, i in header.items()}
        if not any(values.values()):
            continue
        item: dict[str, Any] = {"row": number, **{k: values.get(k) for k in COLUMNS}}
        for key in REQUIRED:
            if item[key] is None:
                problems.append(f"{name}:{number} [{key}]: required cell is empty")
        for key in ("year", "received"):
            text = (item[key] or "").replace(".", "").replace(",", "")
            if item[key] is not None:
                if not text.isdigit():
                    problems.append(f"{name}:{number} [{key}]: not a whole number: {item[key]!r}")
                else:
                    item[key] = int(text)
        if isinstance(item["year"], int) and not 1990 <= item["year"] <= 2100:
            problems.append(f"{name}:{number} [year]: implausible year {item['year']}")
        if item["level"] is not None:
            try:
                item["level"] = level_code(item["level"])
            except UnknownSpelling as exc:
                problems.append(f"{name}:{number} [level]: {exc}")
        out.append(item)
    if problems:
        raise VolumeImportError(problems)
    return out


def _match(candidates: list[tuple], item: dict[str, Any]) -> list[int]:
    """Procedure ids of a code narrowed by level and agency where given."""
    found = candidates
    if item["level"] is not None:
        found = [c for c in found if item["level"] in (c[1] or [])]
    if item["agency"] is not None:
        found = [c for c in found if _norm(c[2]) == _norm(item["agency"])]
    return [c[0] for c in found]


def import_volumes(engine: Engine, path: str | Path, *, actor: str | None = None) -> dict[str, Any]:
    """Check and store a volume file in one transaction; returns what was written.

    Returns ``{rows, procedures, years}``; raises :class:`VolumeImportError` (nothing
    written) when a row is malformed, names an unknown code, or a shared code without
    the level or agency that picks one procedure.
    """
    name = str(path)
    items = read_volume_file(path)
    with session_scope(engine) as session:
        codes = sorted({i["code"] for i in items})
        query = (
            select(Procedure.id, Procedure.levels, Agency.name, Procedure.code)
            .outerjoin(Agency, Agency.id == Procedure.agency_id)
            .where(Procedure.code.in_(codes))
        )
        by_code: dict[str, list[tuple]] = {}
        for pid, levels, agency, code in session.execute(query):
            by_code.setdefault(code, []).append((pid, levels, agency))
        problems, writes, seen = [], [], {}
        for item in items:
            where = f"{name}:{item['row']}"
            ids = _match(by_code.get(item["code"], []), item)
            if not by_code.get(item["code"]):
                problems.append(f"{where} [code]: {item['code']!r} is not in the catalogue")
            elif len(ids) != 1:
                what = "no procedure matches" if not ids else f"{len(ids)} procedures match"
                problems.append(f"{where} [code]: {item['code']!r}: {what}; give cấp / cơ quan")
            elif (ids[0], item["year"]) in seen:
                first = seen[(ids[0], item["year"])]
                problems.append(f"{where} [year]: same procedure and year as row {first}")
            else:
                seen[(ids[0], item["year"])] = item["row"]
                writes.append((ids[0], item))
        if problems:
            raise VolumeImportError(problems)
        for pid, item in writes:
            _store(session, pid, item, actor=actor, file=name)
    return {
        "rows": len(writes),
        "procedures": len({pid for pid, _ in writes}),
        "years": sorted({item["year"] for _, item in writes}),
    }


def _store(session, pid: int, item: dict[str, Any], *, actor: str | None, file: str) -> None:
    table = Volume.__table__
    existing = session.execute(
        select(table.c.id, table.c.received).where(
            table.c.procedure_id == pid, table.c.year == item["year"]
        )
    ).first()
    before = None if existing is None else {"received": existing.received}
    if existing is None:
        session.add(Volume(procedure_id=pid, year=item["year"], received=item["received"]))
    else:
        session.execute(
            update(table).where(table.c.id == existing.id).values(received=item["received"])
        )
    write_audit(
        session=session,
        actor=actor,
        action="volume.import",
        entity="volume",
        entity_id=f"{pid}:{item['year']}",
        before=before,
        after={"received": item["received"], "source": item["source"], "file": file},
    )
