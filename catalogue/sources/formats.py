"""The project's own catalogue formats: JSON, YAML, a workbook per entity, and flat CSV.

JSON/YAML documents are ``{"format": "tthc-catalogue/1", "procedures": [record, ...]}``.
The workbook has one sheet per entity (procedures, channels, fees, documents, steps,
legal_bases, volumes) linked by ``procedure_no`` and ``channel_no``; JSON, YAML and the
workbook round-trip losslessly into an empty database.

CSV is a flat, one-row-per-procedure template for editing the *main fields* only: its
records are marked main-fields-only, so an import keeps the stored children (seven child
tables make a poor flat template; the workbook carries them).

Spreadsheet cells are always written as text (never formulas); the CSV neutralises cells
beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return with a leading
apostrophe (:func:`neutralise`, the project's one definition), which the CSV reader
removes again.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from catalogue.registry import records as canonical
from catalogue.registry.errors import ImportFailed, Problem
from catalogue.registry.records import PROCEDURE_KEYS, ProcedureRecord, empty_record
from catalogue.registry.validate import check_records
from catalogue.sources.limits import (
    MAX_RECORDS,
    JsonInputError,
    YamlSyntaxError,
    check_workbook,
    compose_yaml,
    entity_sheets,
    loads_json,
    parse_plain_yaml,
    read_csv_table,
    read_text_file,
    refused_numbers,
)
from catalogue.sources.spreadsheet import (  # noqa: F401 - re-exported: the one neutraliser
    FORMULA_PREFIXES,
    neutralise,
    neutralise_frame,
    safe_csv_writer,
    unneutralise,
)

FORMAT_TAG = "tthc-catalogue/1"

SCALAR_KEYS = tuple(
    k
    for k in PROCEDURE_KEYS
    if k not in ("levels", "subjects", "channels", "documents", "steps", "legal_bases", "volumes")
    and k != "flags"
)

SHEETS: dict[str, tuple[str, ...]] = {
    "procedures": ("procedure_no", *SCALAR_KEYS, "levels", "subjects", "flags"),
    "channels": (
        "procedure_no",
        "channel_no",
        "kind",
        "deadline_value",
        "deadline_unit",
        "deadline_raw",
        "description",
        "raw",
    ),
    "fees": (
        "procedure_no",
        "channel_no",
        "kind",
        "amount",
        "currency",
        "free",
        "unit",
        "raw",
    ),
    "documents": (
        "procedure_no",
        "name",
        "originals",
        "copies",
        "certified_copies",
        "template",
        "case",
        "raw",
    ),
    "steps": ("procedure_no", "order", "text", "actor"),
    "legal_bases": ("procedure_no", "number", "title", "raw"),
    "volumes": (
        "procedure_no",
        "year",
        "received",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "pending",
        "online",
    ),
}

CSV_COLUMNS = (*SCALAR_KEYS, "levels", "subjects")


# --------------------------------------------------------------------------- export


def to_document(records: Iterable[ProcedureRecord]) -> dict[str, Any]:
    """The JSON/YAML document for a list of records."""
    return {"format": FORMAT_TAG, "procedures": [dict(r) for r in records]}


def dump_json(records: Iterable[ProcedureRecord]) -> str:
    """JSON text of the catalogue."""
    return json.dumps(to_document(records), ensure_ascii=False, indent=2, sort_keys=False)


def dump_yaml(records: Iterable[ProcedureRecord]) -> str:
    """YAML text of the catalogue (Unicode kept, keys in record order)."""
    return yaml.safe_dump(to_document(records), allow_unicode=True, sort_keys=False, width=100)


def workbook_rows(records: list[ProcedureRecord]) -> dict[str, list[list[Any]]]:
    """Rows per sheet of the workbook (header first)."""
    rows: dict[str, list[list[Any]]] = {name: [list(cols)] for name, cols in SHEETS.items()}
    for pno, rec in enumerate(records, start=1):
        flags = json.dumps(rec.get("flags") or [], ensure_ascii=False) if rec.get("flags") else None
        rows["procedures"].append(
            [pno]
            + [rec.get(k) for k in SCALAR_KEYS]
            + [",".join(rec.get("levels") or []) or None]
            + ["\n".join(rec.get("subjects") or []) or None, flags]
        )
        for cno, ch in enumerate(rec.get("channels") or [], start=1):
            dl = ch.get("deadline") or {}
            rows["channels"].append(
                [
                    pno,
                    cno,
                    ch.get("kind"),
                    dl.get("value"),
                    dl.get("unit"),
                    dl.get("raw"),
                    ch.get("description"),
                    ch.get("raw"),
                ]
            )
            for fee in ch.get("fees") or []:
                rows["fees"].append([pno, cno] + [fee.get(k) for k in SHEETS["fees"][2:]])
        for doc in rec.get("documents") or []:
            rows["documents"].append([pno] + [doc.get(k) for k in SHEETS["documents"][1:]])
        for step in rec.get("steps") or []:
            rows["steps"].append([pno] + [step.get(k) for k in SHEETS["steps"][1:]])
        for lb in rec.get("legal_bases") or []:
            rows["legal_bases"].append([pno] + [lb.get(k) for k in SHEETS["legal_bases"][1:]])
        for vol in rec.get("volumes") or []:
            rows["volumes"].append([pno] + [vol.get(k) for k in SHEETS["volumes"][1:]])
    return rows


def write_xlsx(records: list[ProcedureRecord], path: Path | io.BytesIO) -> None:
    """Write the one-sheet-per-entity workbook; text cells are never formulas."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in workbook_rows(records).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([_text_cell(ws, v) for v in row])
    wb.save(path)


def _text_cell(ws, value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_csv(records: Iterable[ProcedureRecord], out: io.TextIOBase) -> None:
    """Flat CSV, one row per procedure; formula-like cells neutralised."""
    writer = safe_csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for rec in records:
        row = [rec.get(k) for k in SCALAR_KEYS]
        row += [",".join(rec.get("levels") or []), "; ".join(rec.get("subjects") or [])]
        writer.writerow(["" if v is None else neutralise(v) for v in row])


def export_text(records: list[ProcedureRecord], fmt: str) -> str:
    """JSON, YAML or CSV text of the catalogue."""
    if fmt == "json":
        return dump_json(records)
    if fmt == "yaml":
        return dump_yaml(records)
    if fmt == "csv":
        buf = io.StringIO()
        write_csv(records, buf)
        return buf.getvalue()
    raise ValueError(f"unknown text format {fmt!r}")


# --------------------------------------------------------------------------- import


def _yaml_item_lines(text: str) -> list[int]:
    """1-based line of each item of the ``procedures`` list (best effort)."""
    try:
        node = compose_yaml(text)
    except YamlSyntaxError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "procedures" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _normalise(rec: dict[str, Any]) -> ProcedureRecord:
    out = empty_record()
    out.update({k: v for k, v in rec.items()})
    for key in ("levels", "subjects", "channels", "documents", "steps", "legal_bases"):
        out[key] = out.get(key) or []
    out["volumes"] = out.get("volumes") or []
    out["flags"] = out.get("flags") or []
    out["status"] = out.get("status") or "active"
    return out


def read_document(path: Path) -> list[tuple[int | None, ProcedureRecord]]:
    """Read a JSON or YAML catalogue file; raise ImportFailed with every problem."""
    name = str(path)
    text = read_text_file(path, "utf-8")
    try:
        is_json = path.suffix.lower() == ".json"
        doc = loads_json(text, mark=True) if is_json else parse_plain_yaml(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed([Problem(name, exc.lineno, None, f"cannot be parsed: {exc}")]) from exc
    except (JsonInputError, YamlSyntaxError) as exc:
        raise ImportFailed([Problem(name, None, None, f"cannot be parsed: {exc}")]) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("procedures"), list):
        raise ImportFailed(
            [Problem(name, 1, "procedures", "expected a mapping with a 'procedures' list")]
        )
    if len(doc["procedures"]) > MAX_RECORDS:
        message = f"{len(doc['procedures'])} procedures (at most {MAX_RECORDS} in one file)"
        raise ImportFailed([Problem(name, None, "procedures", message)])
    if doc.get("format") not in (None, FORMAT_TAG):
        raise ImportFailed([Problem(name, 1, "format", f"unknown format {doc.get('format')!r}")])
    lines = _yaml_item_lines(text) if path.suffix.lower() != ".json" else []
    located: list[tuple[int | None, ProcedureRecord]] = []
    problems: list[Problem] = []
    for i, item in enumerate(doc["procedures"]):
        line = lines[i] if i < len(lines) else i + 1
        if not isinstance(item, dict):
            problems.append(Problem(name, line, f"procedures[{i}]", "expected a mapping"))
            continue
        refused = refused_numbers(item)
        if refused:
            problems.extend(Problem(name, line, field, why) for field, why in refused)
            continue
        unknown = sorted(str(k) for k in set(item) - set(PROCEDURE_KEYS))
        if unknown:
            problems.append(
                Problem(name, line, f"procedures[{i}]", f"unknown keys: {', '.join(unknown)}")
            )
        located.append((line, _normalise(item)))
    problems.extend(check_records(located, file=name))
    if problems:
        raise ImportFailed(problems)
    return located


def read_xlsx(path: Path) -> list[tuple[int | None, ProcedureRecord]]:
    """Read the one-sheet-per-entity workbook written by :func:`write_xlsx`."""
    from openpyxl import load_workbook

    name = str(path)
    refused = check_workbook(path)
    if refused:
        raise ImportFailed(refused)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFailed([Problem(name, None, None, f"not a readable workbook: {exc}")]) from exc
    try:
        tables, problems = entity_sheets(wb, name, SHEETS)
    except ImportFailed:
        raise
    except Exception as exc:  # a broken sheet inside a readable zip
        raise ImportFailed([Problem(name, None, None, f"not a readable workbook: {exc}")]) from exc
    finally:
        wb.close()
    if problems:
        raise ImportFailed(problems)
    return _records_from_tables(tables, name)


def _records_from_tables(
    tables: dict[str, list[tuple[int, dict[str, Any]]]], name: str
) -> list[tuple[int | None, ProcedureRecord]]:
    """Procedure records from the entity sheets' rows, every problem with sheet, row, column.

    Long because one closure per kind of cell (whole number, number, owner row) shares
    the problem list, and each entity sheet is a few lines of its own.
    """
    problems: list[Problem] = []

    def int_or_problem(sheet: str, rno: int, col: str, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            if len(value.strip()) <= 20:  # longer is beyond 64 bits anyway
                return int(value.strip())
        problems.append(Problem(f"{name}#{sheet}", rno, col, f"must be a number, got {value!r}"))
        return None

    def number(sheet: str, rno: int, col: str, value: Any) -> Any:
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return int(value) if isinstance(value, float) and value.is_integer() else value
        try:
            parsed = float(str(value).replace(",", "."))
            if not math.isfinite(parsed):
                raise ValueError(value)
        except ValueError:
            problems.append(
                Problem(f"{name}#{sheet}", rno, col, f"must be a number, got {value!r}")
            )
            return None
        return int(parsed) if parsed.is_integer() else parsed

    records: dict[int, tuple[int, ProcedureRecord]] = {}
    for rno, row in tables["procedures"]:
        pno = int_or_problem("procedures", rno, "procedure_no", row["procedure_no"])
        rec = empty_record()
        for k in SCALAR_KEYS:
            rec[k] = row[k] if row[k] is None else str(row[k])
        rec["status"] = rec["status"] or "active"
        rec["levels"] = [x.strip() for x in str(row["levels"] or "").split(",") if x.strip()]
        rec["subjects"] = [x for x in str(row["subjects"] or "").split("\n") if x]
        if row["flags"]:
            try:
                rec["flags"] = loads_json(str(row["flags"]))
            except (json.JSONDecodeError, JsonInputError):
                problems.append(Problem(f"{name}#procedures", rno, "flags", "not valid JSON"))
        if pno is None:
            problems.append(Problem(f"{name}#procedures", rno, "procedure_no", "required"))
        elif pno in records:
            problems.append(
                Problem(f"{name}#procedures", rno, "procedure_no", f"duplicate number {pno}")
            )
        else:
            records[pno] = (rno, rec)

    def owner(sheet: str, rno: int, row: dict[str, Any]) -> ProcedureRecord | None:
        pno = int_or_problem(sheet, rno, "procedure_no", row["procedure_no"])
        if pno not in records:
            problems.append(
                Problem(f"{name}#{sheet}", rno, "procedure_no", f"no procedure number {pno}")
            )
            return None
        return records[pno][1]

    channel_index: dict[tuple[int, int], dict[str, Any]] = {}
    for rno, row in tables["channels"]:
        rec = owner("channels", rno, row)
        if rec is None:
            continue
        ch = {
            "kind": row["kind"],
            "deadline": {
                "value": number("channels", rno, "deadline_value", row["deadline_value"]),
                "unit": row["deadline_unit"] or "unspecified",
                "raw": row["deadline_raw"],
            },
            "fees": [],
            "description": row["description"],
            "raw": row["raw"],
        }
        rec["channels"].append(ch)
        cno = int_or_problem("channels", rno, "channel_no", row["channel_no"])
        channel_index[(int(row["procedure_no"]), cno)] = ch
    for rno, row in tables["fees"]:
        key = (
            int_or_problem("fees", rno, "procedure_no", row["procedure_no"]),
            int_or_problem("fees", rno, "channel_no", row["channel_no"]),
        )
        if key not in channel_index:
            problems.append(Problem(f"{name}#fees", rno, "channel_no", f"no channel {key}"))
            continue
        free = row["free"]
        channel_index[key]["fees"].append(
            {
                "kind": row["kind"] or "unspecified",
                "amount": number("fees", rno, "amount", row["amount"]),
                "currency": row["currency"] or "VND",
                "free": free in (True, 1, "TRUE", "True", "true", "1"),
                "unit": row["unit"],
                "raw": row["raw"],
            }
        )
    for rno, row in tables["documents"]:
        rec = owner("documents", rno, row)
        if rec is not None:
            doc = {k: row[k] for k in SHEETS["documents"][1:]}
            for k in ("originals", "copies", "certified_copies"):
                doc[k] = int_or_problem("documents", rno, k, doc[k])
            rec["documents"].append(doc)
    for rno, row in tables["steps"]:
        rec = owner("steps", rno, row)
        if rec is not None:
            rec["steps"].append(
                {
                    "order": int_or_problem("steps", rno, "order", row["order"]),
                    "text": "" if row["text"] is None else str(row["text"]),
                    "actor": row["actor"],
                }
            )
    for rno, row in tables["legal_bases"]:
        rec = owner("legal_bases", rno, row)
        if rec is not None:
            rec["legal_bases"].append({k: row[k] for k in SHEETS["legal_bases"][1:]})
    for rno, row in tables["volumes"]:
        rec = owner("volumes", rno, row)
        if rec is not None:
            rec["volumes"].append(
                {k: int_or_problem("volumes", rno, k, row[k]) for k in SHEETS["volumes"][1:]}
            )
    located = [(rno, rec) for _, (rno, rec) in sorted(records.items())]
    problems.extend(check_records(located, file=f"{name}#procedures"))
    if problems:
        raise ImportFailed(problems)
    return located


def read_csv(path: Path) -> list[tuple[int | None, ProcedureRecord]]:
    """Read the flat CSV template (one row per procedure, main fields only: see above)."""
    name = str(path)
    text = read_text_file(path, "utf-8-sig")
    fieldnames, rows = read_csv_table(text, name, max_rows=MAX_RECORDS)
    missing = [c for c in ("name",) if c not in fieldnames]
    if missing:
        raise ImportFailed([Problem(name, 1, ",".join(missing), "missing column(s)")])
    unknown = [c for c in fieldnames if c not in CSV_COLUMNS]
    if unknown:
        raise ImportFailed([Problem(name, 1, ",".join(unknown), "unknown column(s)")])
    located = []
    for line_num, row in rows:
        rec = empty_record()
        for k in SCALAR_KEYS:
            value = unneutralise(row.get(k) or "")
            rec[k] = value or None
        rec["status"] = rec["status"] or "active"
        rec["levels"] = [x.strip() for x in (row.get("levels") or "").split(",") if x.strip()]
        rec["subjects"] = [x.strip() for x in (row.get("subjects") or "").split(";") if x.strip()]
        rec[canonical.MAIN_FIELDS_ONLY_KEY] = True
        located.append((line_num, rec))
    problems = check_records(located, file=name)
    if problems:
        raise ImportFailed(problems)
    return located


def read_catalogue_file(path: Path) -> list[tuple[int | None, ProcedureRecord]]:
    """Read any of the project's own formats, chosen by extension."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise ImportFailed([Problem(str(path), None, None, "file not found")])
    if suffix in (".yaml", ".yml", ".json"):
        return read_document(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(path)
    raise ImportFailed(
        [Problem(str(path), None, None, f"unknown file type {suffix!r} (yaml, json, csv, xlsx)")]
    )
