"""Change types of an amend option: one small pure function each, keyed by type name.

Every function takes the sheet and the change's parsed arguments and returns a new
sheet; it never mutates its input. A function raises :class:`ChangeRefused` naming
the argument when the sheet does not allow the change (an unknown document name, say).

:func:`check_option` runs a whole option on a throw-away copy and reports every problem;
:func:`apply_option` applies an already-checked option to a deep copy of the baseline.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from analysis.errors import SheetError, SheetProblem
from analysis.model import (
    Activity,
    Change,
    DataReuse,
    Option,
    Sheet,
)
from analysis.reading import Reader, join_path
from analysis.vocab import CHANNEL_CODES, CURRENCIES

__all__ = [
    "CHANGE_TYPES",
    "ChangeRefused",
    "ChangeType",
    "apply_option",
    "check_option",
    "parse_change",
]


class ChangeRefused(ValueError):
    """A change cannot be applied to the sheet; ``field`` names the offending argument."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _find(items: tuple, name: str, field: str, what: str) -> Any:
    for item in items:
        if item.name == name:
            return item
    known = ", ".join(repr(i.name) for i in items) or "none"
    raise ChangeRefused(field, f"unknown {what} {name!r} (known: {known})")


def _check_document(sheet: Sheet, name: str | None, field: str) -> None:
    if name is not None:
        _find(sheet.documents, name, field, "document")


def set_frequency(sheet: Sheet, args: dict) -> Sheet:
    """Executions per subject per year (tần suất), e.g. monthly 12 → quarterly 4."""
    return replace(sheet, frequency=args["value"])


def set_population(sheet: Sheet, args: dict) -> Sheet:
    """Subjects per year (số đối tượng); the population is then known."""
    return replace(sheet, population=args["value"], population_known=True)


def set_channels(sheet: Sheet, args: dict) -> Sheet:
    """New channel shares (e.g. open or push the online channel)."""
    return replace(sheet, channels=dict(args["value"]))


def set_deadline(sheet: Sheet, args: dict) -> Sheet:
    """Deadline in working days for one channel, or for all channels (``channel: all``)."""
    channel = args.get("channel", "all")
    if channel == "all":
        return replace(sheet, deadline_days=dict.fromkeys(CHANNEL_CODES, args["days"]))
    return replace(sheet, deadline_days={**sheet.deadline_days, channel: args["days"]})


def set_fee(sheet: Sheet, args: dict) -> Sheet:
    """Change an existing fee's amount (and optionally currency or channels)."""
    fee = _find(sheet.fees, args["name"], "name", "fee")
    if args.get("currency") == "USD" and not sheet.usd_rate:
        raise ChangeRefused("currency", "no usd_rate parameter at the sheet's date")
    new = replace(
        fee,
        amount=args["amount"],
        currency=args.get("currency", fee.currency),
        channels=args.get("channels", fee.channels),
    )
    return replace(sheet, fees=tuple(new if f is fee else f for f in sheet.fees))


def remove_fee(sheet: Sheet, args: dict) -> Sheet:
    """Abolish a fee or charge."""
    fee = _find(sheet.fees, args["name"], "name", "fee")
    return replace(sheet, fees=tuple(f for f in sheet.fees if f is not fee))


def remove_document(sheet: Sheet, args: dict) -> Sheet:
    """Drop a document from the dossier, with every activity linked to it."""
    doc = _find(sheet.documents, args["document"], "document", "document")
    return replace(
        sheet,
        documents=tuple(d for d in sheet.documents if d is not doc),
        activities=tuple(a for a in sheet.activities if a.document != doc.name),
    )


def replace_document_with_lookup(sheet: Sheet, args: dict) -> Sheet:
    """Replace a document by a lookup in a national database (data reuse)."""
    reduced = remove_document(sheet, args)
    reuse = DataReuse(args["document"], args.get("database"))
    return replace(reduced, data_reuse=(*sheet.data_reuse, reuse))


def set_activity(sheet: Sheet, args: dict) -> Sheet:
    """Change an activity's hours, people, out-of-pocket cost or channels."""
    activity = _find(sheet.activities, args["name"], "name", "activity")
    updates = {k: args[k] for k in ("hours", "people", "out_of_pocket", "channels") if k in args}
    new = replace(activity, **updates)
    return replace(sheet, activities=tuple(new if a is activity else a for a in sheet.activities))


def remove_activity(sheet: Sheet, args: dict) -> Sheet:
    """Remove (or merge away) a step of the procedure."""
    activity = _find(sheet.activities, args["name"], "name", "activity")
    return replace(sheet, activities=tuple(a for a in sheet.activities if a is not activity))


def add_activity(sheet: Sheet, args: dict) -> Sheet:
    """Add an activity (e.g. an online step replacing several visits)."""
    if any(a.name == args["name"] for a in sheet.activities):
        raise ChangeRefused("name", f"activity {args['name']!r} already exists")
    _check_document(sheet, args.get("document"), "document")
    fields = {k: args[k] for k in ("people", "out_of_pocket") if k in args}
    new = Activity(
        name=args["name"],
        hours=args["hours"],
        channels=args.get("channels"),
        document=args.get("document"),
        **fields,
    )
    return replace(sheet, activities=(*sheet.activities, new))


@dataclass(frozen=True)
class ChangeType:
    """A change type: its arguments ``{name: (kind, required)}`` and its pure function."""

    apply: Callable[[Sheet, dict], Sheet]
    fields: dict[str, tuple[str, bool]]


# Argument kinds are read by ``_read_arg`` below.
CHANGE_TYPES: dict[str, ChangeType] = {
    "set_frequency": ChangeType(set_frequency, {"value": ("frequency", True)}),
    "set_population": ChangeType(set_population, {"value": ("count", True)}),
    "set_channels": ChangeType(set_channels, {"value": ("shares", True)}),
    "set_deadline": ChangeType(
        set_deadline, {"days": ("days", True), "channel": ("channel_or_all", False)}
    ),
    "set_fee": ChangeType(
        set_fee,
        {
            "name": ("text", True),
            "amount": ("money", True),
            "currency": ("currency", False),
            "channels": ("channels", False),
        },
    ),
    "remove_fee": ChangeType(remove_fee, {"name": ("text", True)}),
    "remove_document": ChangeType(remove_document, {"document": ("text", True)}),
    "replace_document_with_lookup": ChangeType(
        replace_document_with_lookup, {"document": ("text", True), "database": ("text", False)}
    ),
    "set_activity": ChangeType(
        set_activity,
        {
            "name": ("text", True),
            "hours": ("hours", False),
            "people": ("count", False),
            "out_of_pocket": ("money", False),
            "channels": ("channels", False),
        },
    ),
    "remove_activity": ChangeType(remove_activity, {"name": ("text", True)}),
    "add_activity": ChangeType(
        add_activity,
        {
            "name": ("text", True),
            "hours": ("hours", True),
            "people": ("count", False),
            "out_of_pocket": ("money", False),
            "channels": ("channels", False),
            "document": ("text", False),
        },
    ),
}


def _read_arg(reader: Reader, kind: str, raw: Any, path: str) -> Any:
    if kind == "text":
        return reader.text(raw, path)
    if kind == "shares":
        return reader.shares(raw, path)
    if kind == "channels":
        return reader.channel_list(raw, path)
    if kind == "channel_or_all":
        if raw != "all" and raw not in CHANNEL_CODES:
            reader.problem(path, f"must be 'all' or one of {', '.join(CHANNEL_CODES)}")
            return None
        return raw
    if kind == "currency":
        if raw not in CURRENCIES:
            reader.problem(path, f"must be one of {', '.join(CURRENCIES)}")
            return None
        return raw
    if kind == "days":
        return reader.number(raw, path, kind)
    return reader.figure(raw, path, kind)


def parse_change(raw: Any, path: str, reader: Reader) -> Change | None:
    """Read one change ``{type, reason, legal_change, ...}``; problems go to ``reader``."""
    if not isinstance(raw, dict):
        reader.problem(path, "must be a mapping with a type")
        return None
    kind = raw.get("type")
    if kind is None:
        reader.problem(join_path(path, "type"), "missing")
        return None
    if not isinstance(kind, str) or kind not in CHANGE_TYPES:  # a list cannot be looked up
        known = ", ".join(CHANGE_TYPES)
        reader.problem(join_path(path, "type"), f"unknown change type {kind!r} (known: {known})")
        return None
    spec = CHANGE_TYPES[kind]
    before = len(reader.problems)
    reader.mapping(raw, path, ("type", "reason", "legal_change", *spec.fields))
    reason = reader.text(raw.get("reason"), join_path(path, "reason"))
    legal_change = reader.text(
        raw.get("legal_change"), join_path(path, "legal_change"), required=False
    )
    args = {}
    for name, (arg_kind, required) in spec.fields.items():
        if name not in raw:
            if required:
                reader.problem(join_path(path, name), "missing")
            continue
        args[name] = _read_arg(reader, arg_kind, raw[name], join_path(path, name))
    if kind == "set_activity" and len(args) == 1 and "name" in args:
        reader.problem(
            path, "set_activity needs at least one of hours, people, out_of_pocket, channels"
        )
    if len(reader.problems) > before:
        return None
    return Change(kind, args, reason or "", legal_change, path)


def check_option(sheet: Sheet, option: Option) -> list[SheetProblem]:
    """Every problem of applying ``option`` to ``sheet``, found on a throw-away copy."""
    problems = []
    working = copy.deepcopy(sheet)
    for change in option.changes:
        try:
            working = CHANGE_TYPES[change.type].apply(working, change.args)
        except ChangeRefused as refused:
            problems.append(SheetProblem(join_path(change.path, refused.field), refused.message))
    return problems


def apply_option(baseline: Sheet, option: Option) -> Sheet:
    """The sheet after ``option``: changes applied in order to a deep copy of the baseline.

    ``abolish`` yields an abolished sheet (every cost zero); ``keep`` an unchanged copy.
    The returned sheet has no options of its own. Raises :class:`SheetError` (nothing
    applied) if any change is refused.
    """
    problems = check_option(baseline, option)
    if problems:
        raise SheetError(baseline.source_file, problems)
    working = copy.deepcopy(baseline)
    if option.action == "abolish":
        return replace(working, abolished=True, options=())
    for change in option.changes:
        working = CHANGE_TYPES[change.type].apply(working, change.args)
    return replace(working, options=())
