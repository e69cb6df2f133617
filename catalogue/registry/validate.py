"""Validation of canonical procedure records before anything is stored.

Every problem is collected with its location; nothing is fixed up silently.
"""

from __future__ import annotations

from collections.abc import Iterable

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
from catalogue.registry.records import ProcedureRecord, identity_key
from catalogue.registry.vocab import (
    CHANNEL_CODES,
    CURRENCIES,
    DEADLINE_UNIT_CODES,
    FEE_KIND_CODES,
    LEVEL_CODES,
    STATUSES,
)

COUNT_KEYS = ("originals", "copies", "certified_copies")


def check_record(rec: ProcedureRecord, *, file: str, line: int | None) -> list[Problem]:
    """Problems of one record (empty list when it is valid)."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(file, line, field, message))

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


def check_duplicate(
    rec: ProcedureRecord,
    seen: dict[tuple[str, str, str], int | None],
    *,
    file: str,
    line: int | None,
) -> list[Problem]:
    """A problem when the record's identity was already seen in this file (updates seen)."""
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
