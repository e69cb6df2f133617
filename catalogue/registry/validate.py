"""Validation of canonical procedure records before anything is stored.

Every problem is collected with its location; nothing is fixed up silently. First every
field is type-checked (:func:`check_types`: text is text of bounded length without
control characters, integers fit their database column, numbers are finite), so that the
value checks after it, and the store, never meet a value of the wrong type.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analysis.limits import (
    DEADLINE_MAX,
    DOCUMENT_COUNT_MAX,
    FEE_MAX,
    FEE_PLACES,
    STAT_COUNT_MAX,
    YEAR_RANGE,
    out_of_range,
)
from catalogue.registry.errors import Problem
from catalogue.registry.records import PROCEDURE_KEYS, ProcedureRecord, identity_key
from catalogue.registry.vocab import (
    CHANNEL_CODES,
    CURRENCIES,
    DEADLINE_UNIT_CODES,
    FEE_KIND_CODES,
    LEVEL_CODES,
    STATUSES,
)
from catalogue.sources.limits import INT32, INT64, int_problem, number_problem, text_problem

COUNT_KEYS = ("originals", "copies", "certified_copies")
LIST_KEYS = ("levels", "subjects", "channels", "documents", "steps", "legal_bases", "volumes")
TEXT_KEYS = tuple(k for k in PROCEDURE_KEYS if k not in LIST_KEYS and k != "flags")
# Per nested item: its text keys and its number keys with the column range they go to.
ITEM_TEXT = {
    "channels": ("kind", "description", "raw"),
    "deadline": ("unit", "raw"),
    "fees": ("kind", "currency", "unit", "raw"),
    "documents": ("name", "template", "case", "raw"),
    "steps": ("text", "actor"),
    "legal_bases": ("number", "title", "raw"),
    "flags": ("kind", "field", "message", "raw"),
    "volumes": (),
}
ITEM_NUMBERS: dict[str, dict[str, Any]] = {
    "deadline": {"value": "float"},
    "fees": {"amount": "float"},
    "documents": dict.fromkeys(COUNT_KEYS, INT32),
    "steps": {"order": INT32},
    "volumes": {"year": INT32}
    | dict.fromkeys(
        ("received", "resolved_early", "resolved_on_time", "resolved_late", "pending", "online"),
        INT64,
    ),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _text(value: Any, where: str, bad) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        bad(where, f"must be text, got {_kind(value)}")
        return
    why = text_problem(value)
    if why:
        bad(where, why)


def _number(value: Any, where: str, bounds: Any, bad) -> None:
    if value is None:
        return
    if bounds == "float":
        if not _is_number(value):
            bad(where, f"must be a number, got {_kind(value)}")
            return
        why = number_problem(value)
    else:
        if not isinstance(value, int) or isinstance(value, bool):
            bad(where, f"must be a whole number, got {_kind(value)}")
            return
        why = int_problem(value, bounds)
    if why:
        bad(where, why)


def _item(item: Any, kind: str, where: str, bad) -> bool:
    """Type checks of one nested item; False when it is not even an object."""
    if not isinstance(item, dict):
        bad(where, f"must be an object, got {_kind(item)}")
        return False
    for key in ITEM_TEXT[kind]:
        _text(item.get(key), f"{where}.{key}", bad)
    for key, bounds in ITEM_NUMBERS.get(kind, {}).items():
        _number(item.get(key), f"{where}.{key}", bounds, bad)
    return True


def _list(value: Any, where: str, bad) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        bad(where, f"must be a list, got {_kind(value)}")
        return []
    return value


def check_types(rec: Any, bad) -> bool:
    """Type and size checks of every field; False when the value checks cannot run.

    ``bad(field, message)`` receives each problem.
    """
    if not isinstance(rec, dict):
        bad(None, f"a procedure must be an object, got {_kind(rec)}")
        return False
    before = bad.count()
    for key in TEXT_KEYS:
        _text(rec.get(key), key, bad)
    for key in ("levels", "subjects"):
        for i, item in enumerate(_list(rec.get(key), key, bad)):
            _text(item, f"{key}[{i}]", bad)
            if item is None:
                bad(f"{key}[{i}]", "must be text, got null")
    for ci, ch in enumerate(_list(rec.get("channels"), "channels", bad)):
        where = f"channels[{ci}]"
        if not _item(ch, "channels", where, bad):
            continue
        deadline = ch.get("deadline")
        if deadline is not None:
            _item(deadline, "deadline", f"{where}.deadline", bad)
        for fi, fee in enumerate(_list(ch.get("fees"), f"{where}.fees", bad)):
            if _item(fee, "fees", f"{where}.fees[{fi}]", bad):
                free = fee.get("free")
                if free is not None and not isinstance(free, bool):
                    bad(f"{where}.fees[{fi}].free", f"must be true or false, got {_kind(free)}")
    for key in ("documents", "steps", "legal_bases", "volumes", "flags"):
        for i, item in enumerate(_list(rec.get(key), key, bad)):
            _item(item, key, f"{key}[{i}]", bad)
    return bad.count() == before


class _Collector:
    """Collects problems of one record at one location."""

    def __init__(self, file: str, line: int | None) -> None:
        self.file, self.line = file, line
        self.problems: list[Problem] = []

    def __call__(self, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.line, field, message))

    def count(self) -> int:
        return len(self.problems)


def check_record(rec: ProcedureRecord, *, file: str, line: int | None) -> list[Problem]:
    """Problems of one record (empty list when it is valid)."""
    bad = _Collector(file, line)
    problems = bad.problems
    if not check_types(rec, bad):
        return problems

    if not isinstance(rec.get("name"), str) or not rec["name"].strip():
        bad("name", "required field is missing or empty")
    code = rec.get("code")
    if code is not None and not isinstance(code, str):
        bad("code", f"must be text, got {code!r}")
    for i, level in enumerate(rec.get("levels") or []):
        if level not in LEVEL_CODES:
            bad(f"levels[{i}]", f"unknown level {level!r} (known: {', '.join(LEVEL_CODES)})")
    status = rec.get("status") or "active"
    if status not in STATUSES:
        bad("status", f"unknown status {status!r} (known: {', '.join(STATUSES)})")
    for ci, ch in enumerate(rec.get("channels") or []):
        where = f"channels[{ci}]"
        if ch.get("kind") not in CHANNEL_CODES:
            bad(f"{where}.kind", f"unknown channel {ch.get('kind')!r}")
        deadline = ch.get("deadline") or {}
        unit = deadline.get("unit") or "unspecified"
        if unit not in DEADLINE_UNIT_CODES:
            bad(f"{where}.deadline.unit", f"unknown unit {unit!r}")
        value = deadline.get("value")
        if value is not None and (why := out_of_range(value, DEADLINE_MAX)):
            bad(f"{where}.deadline.value", why)
        for fi, fee in enumerate(ch.get("fees") or []):
            fwhere = f"{where}.fees[{fi}]"
            amount = fee.get("amount")
            currency = fee.get("currency") or "VND"
            if amount is not None and currency in FEE_MAX:
                why = out_of_range(amount, FEE_MAX[currency], FEE_PLACES[currency])
                if why:
                    bad(f"{fwhere}.amount", f"{why} ({currency})")
            if (fee.get("kind") or "unspecified") not in FEE_KIND_CODES:
                bad(f"{fwhere}.kind", f"unknown fee kind {fee.get('kind')!r}")
            if (fee.get("currency") or "VND") not in CURRENCIES:
                bad(f"{fwhere}.currency", f"unknown currency {fee.get('currency')!r}")
    unnamed_ok = any(f.get("kind") == "document_name_missing" for f in rec.get("flags") or [])
    for di, doc in enumerate(rec.get("documents") or []):
        name = doc.get("name")
        if name is None and unnamed_ok:
            continue  # the source row has no name; kept raw and flagged, never invented
        if not isinstance(name, str) or not name.strip():
            bad(f"documents[{di}].name", "required field is missing or empty")
        for key in COUNT_KEYS:
            value = doc.get(key)
            if value is not None and (
                not isinstance(value, int) or out_of_range(value, DOCUMENT_COUNT_MAX)
            ):
                bad(
                    f"documents[{di}].{key}",
                    f"must be an integer from 0 to {DOCUMENT_COUNT_MAX}, got {value!r}",
                )
    for si, step in enumerate(rec.get("steps") or []):
        if not isinstance(step.get("order"), int):
            bad(f"steps[{si}].order", f"must be an integer, got {step.get('order')!r}")
        if not isinstance(step.get("text"), str):
            bad(f"steps[{si}].text", "required field is missing")
    for vi, vol in enumerate(rec.get("volumes") or []):
        year = vol.get("year")
        if not isinstance(year, int) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            bad(f"volumes[{vi}].year", f"must be a year, got {year!r}")
        for key, value in vol.items():
            if (
                key != "year"
                and value is not None
                and (not isinstance(value, int) or out_of_range(value, STAT_COUNT_MAX))
            ):
                bad(
                    f"volumes[{vi}].{key}",
                    f"must be a whole number from 0 to {STAT_COUNT_MAX}, got {value!r}",
                )
    return problems


def _identity_typed(rec: Any) -> bool:
    return (
        isinstance(rec, dict)
        and all(isinstance(rec.get(k), str | None) for k in ("code", "name", "agency"))
        and isinstance(rec.get("levels") or [], list)
        and all(isinstance(x, str) for x in rec.get("levels") or [])
    )


def check_duplicate(
    rec: ProcedureRecord,
    seen: dict[tuple[str, str, str], int | None],
    *,
    file: str,
    line: int | None,
) -> list[Problem]:
    """A problem when the record's identity was already seen in this file (updates seen)."""
    if not _identity_typed(rec):
        return []  # its type problems are reported by check_record
    key = identity_key(rec)
    if key in seen:
        return [
            Problem(
                file,
                line,
                "code",
                f"duplicate procedure {key[0]!r} (levels {key[1] or '-'}, "
                f"agency {key[2] or '-'}); first at line/row {seen[key]}",
            )
        ]
    seen[key] = line
    return []


def check_records(
    located: Iterable[tuple[int | None, ProcedureRecord]], *, file: str
) -> list[Problem]:
    """Problems of every record of one file, including duplicate identities."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int | None] = {}
    for line, rec in located:
        problems.extend(check_record(rec, file=file, line=line))
        problems.extend(check_duplicate(rec, seen, file=file, line=line))
    return problems
