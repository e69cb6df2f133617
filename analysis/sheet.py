"""Reading a costing sheet (YAML) into a checked :class:`~analysis.model.Sheet`.

The format (one procedure's burden and the options to compare)::

    procedure: {code: "1.000123", name: "…"}
    date: 2026-01-01          # parameter date (default today)
    subject: enterprise       # citizen | enterprise: picks the hourly rate
    hourly_rate: 50000        # optional override, đồng per hour
    population: 325000        # subjects per year
    frequency: 12             # executions per subject per year (may be below 1)
    channels: {direct: 0.6, online: 0.4}
    deadline_days: {direct: 15, online: 15}
    documents: [{name: "Tờ khai"}]
    fees: [{name: "Lệ phí", amount: 100000, currency: VND, channels: [direct]}]
    activities:
      - {name: "Chuẩn bị tờ khai", hours: 2, people: 1, out_of_pocket: 0, document: "Tờ khai"}
    options:
      - {id: keep, action: keep}
      - id: quarterly
        action: amend
        changes: [{type: set_frequency, value: 4, reason: "…", legal_change: "…"}]
      - {id: bo, action: abolish, reason: "…"}

Any figure may be written ``{value: 2, source: "…", method: survey}``. Every problem
is reported with its key path, and the whole sheet (every option included) is checked
before anything is evaluated.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from analysis.changes import check_option, parse_change
from analysis.errors import ParameterError, SheetError, SheetProblem
from analysis.model import (
    ACTIONS,
    SUBJECTS,
    Activity,
    Document,
    Fee,
    Figure,
    Option,
    Sheet,
)
from analysis.parameters import ParameterSet
from analysis.reading import Reader, join_path
from analysis.vocab import CURRENCIES
from analysis.yamlio import YamlSyntaxError, load_yaml

__all__ = [
    "BASELINE_ID",
    "BASELINE_KEYS",
    "UNKNOWN_POPULATION",
    "load_sheet",
    "parse_sheet",
    "weighted_hourly_rate",
]

BASELINE_ID = "baseline"  # reserved option id of the current situation
# The source of an unknown population (``population: null``), the same in every sheet.
UNKNOWN_POPULATION = (
    "chưa có số liệu: không có thống kê, số hồ sơ nhập hoặc số liệu của người rà soát"
)

# Keys that describe the baseline (the current situation); the rest name the procedure,
# the parameter date, the options to compare and notes.
BASELINE_KEYS = (
    "subject",
    "hourly_rate",
    "population",
    "frequency",
    "channels",
    "deadline_days",
    "documents",
    "fees",
    "activities",
    "subject_shares",
)
_TOP_KEYS = ("procedure", "date", *BASELINE_KEYS, "options", "estimated", "notes")


def _parameter_rate(params: ParameterSet, subject: str, on: date) -> Figure:
    found = params.hourly_income(subject, on)
    return Figure(found.value, found.source, "default")


def weighted_hourly_rate(params: ParameterSet, shares: dict[str, Decimal], on: date) -> Figure:
    """The hourly rate weighted by the shares of citizens and enterprises (to 2 decimals).

    >>> from analysis.parameters import load_parameters
    >>> shares = {"citizen": Decimal("0.75"), "enterprise": Decimal("0.25")}
    >>> weighted_hourly_rate(load_parameters(), shares, date(2026, 1, 1)).value
    Decimal('48437.50')
    """
    total = Decimal(0)
    parts = []
    for subject in SUBJECTS:
        share = shares.get(subject, Decimal(0))
        if share:
            rate = params.hourly_income(subject, on).value
            total += share * rate
            parts.append(f"{share.normalize():f} × {rate} ({subject})")
    value = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    source = "bình quân theo tỷ lệ đối tượng: " + " + ".join(parts) + " (hourly_income.*)"
    return Figure(value, source, "default")


def _subject_shares(reader: Reader, raw: Any) -> dict[str, Decimal]:
    """``{citizen: 0.75, enterprise: 0.25}``: each share in [0, 1] to 4 decimals, sum 1."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        reader.problem("subject_shares", "must be a mapping of citizen / enterprise to shares")
        return {}
    shares = {}
    for key, value in raw.items():
        if key not in SUBJECTS:
            reader.problem(
                join_path("subject_shares", key), f"must be one of {', '.join(SUBJECTS)}"
            )
            continue
        number = reader.number(value, join_path("subject_shares", key), "share")
        if number is not None:
            if not 0 <= number <= 1:
                reader.problem(join_path("subject_shares", key), "must be between 0 and 1")
            shares[key] = Decimal(number)
    if shares and sum(shares.values()) != 1:
        reader.problem("subject_shares", f"shares must add up to 1, not {sum(shares.values())}")
    return shares


def _items(reader: Reader, raw: Any, path: str) -> list:
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.problem(path, "must be a list")
        return []
    return raw


def _unique(reader: Reader, items: list, path: str, what: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item is None:
            continue
        if item.name in seen:
            reader.problem(join_path(join_path(path, i), "name"), f"duplicate {what} {item.name!r}")
        seen.add(item.name)


def _document(reader: Reader, raw: Any, path: str) -> Document | None:
    if isinstance(raw, str):
        raw = {"name": raw}
    if reader.mapping(raw, path, ("name", "copies", "certified_copies", "note")) is None:
        return None
    name = reader.text(raw.get("name"), join_path(path, "name"))
    copies = reader.number(raw.get("copies", 0), join_path(path, "copies"), "count")
    certified = reader.number(
        raw.get("certified_copies", 0), join_path(path, "certified_copies"), "count"
    )
    if name is None or copies is None or certified is None:
        return None
    return Document(name, int(copies), int(certified))


def _fee(reader: Reader, raw: Any, path: str) -> Fee | None:
    allowed = ("name", "amount", "currency", "channels", "kind", "note")
    if reader.mapping(raw, path, allowed) is None:
        return None
    name = reader.text(raw.get("name"), join_path(path, "name"))
    amount = reader.figure(raw.get("amount"), join_path(path, "amount"), "money")
    currency = raw.get("currency", "VND")
    if currency not in CURRENCIES:
        reader.problem(join_path(path, "currency"), f"must be one of {', '.join(CURRENCIES)}")
    channels = reader.channel_list(raw.get("channels"), join_path(path, "channels"))
    if name is None or amount is None or currency not in CURRENCIES:
        return None
    return Fee(name, amount, currency, channels)


def _activity(reader: Reader, raw: Any, path: str, documents: set[str]) -> Activity | None:
    allowed = ("name", "hours", "people", "out_of_pocket", "channels", "document", "kind", "note")
    if reader.mapping(raw, path, allowed) is None:
        return None
    name = reader.text(raw.get("name"), join_path(path, "name"))
    hours = reader.figure(raw.get("hours"), join_path(path, "hours"), "hours")
    people = reader.figure(raw.get("people", 1), join_path(path, "people"), "count")
    out = reader.figure(raw.get("out_of_pocket", 0), join_path(path, "out_of_pocket"), "money")
    channels = reader.channel_list(raw.get("channels"), join_path(path, "channels"))
    document = reader.text(raw.get("document"), join_path(path, "document"), required=False)
    if document is not None and document not in documents:
        reader.problem(join_path(path, "document"), f"unknown document {document!r}")
    kind = reader.text(raw.get("kind"), join_path(path, "kind"), required=False)
    if None in (name, hours, people, out):
        return None
    return Activity(name, hours, people, out, channels, document, kind)


def _option(reader: Reader, raw: Any, path: str) -> Option | None:
    allowed = ("id", "action", "changes", "reason", "legal_change", "implementation_cost", "note")
    if reader.mapping(raw, path, allowed) is None:
        return None
    before = len(reader.problems)
    option_id = reader.text(raw.get("id"), join_path(path, "id"))
    if option_id == BASELINE_ID:
        reader.problem(
            join_path(path, "id"), f"{BASELINE_ID!r} is reserved for the current situation"
        )
    action = raw.get("action")
    if action not in ACTIONS:
        reader.problem(join_path(path, "action"), f"must be one of {', '.join(ACTIONS)}")
    reason = reader.text(raw.get("reason"), join_path(path, "reason"), required=action == "abolish")
    legal = reader.text(raw.get("legal_change"), join_path(path, "legal_change"), required=False)
    cost = None
    if "implementation_cost" in raw:
        cost = reader.figure(
            raw["implementation_cost"], join_path(path, "implementation_cost"), "money"
        )
    changes = []
    raw_changes = raw.get("changes")
    if action == "amend":
        if not isinstance(raw_changes, list) or not raw_changes:
            reader.problem(join_path(path, "changes"), "an amend option needs a list of changes")
        else:
            for i, item in enumerate(raw_changes):
                changes.append(parse_change(item, join_path(join_path(path, "changes"), i), reader))
    elif raw_changes:
        reader.problem(
            join_path(path, "changes"), f"only an amend option has changes, not {action}"
        )
    if len(reader.problems) > before:
        return None
    return Option(option_id, action, tuple(changes), reason, legal, cost, path)


def _header(reader: Reader, data: dict, today: date | None) -> tuple:
    """The procedure's code and name, the parameter date and the subject."""
    procedure = data.get("procedure") or {}
    code = name = None
    if reader.mapping(procedure, "procedure", ("code", "name")) is not None:
        code = reader.text(procedure.get("code"), "procedure.code", required=False)
        name = reader.text(procedure.get("name"), "procedure.name", required=False)
    on = data.get("date", today or date.today())
    if not isinstance(on, date):
        reader.problem("date", "must be a date YYYY-MM-DD")
        on = today or date.today()
    subject = data.get("subject", "citizen")
    if subject not in SUBJECTS:
        reader.problem("subject", f"must be one of {', '.join(SUBJECTS)}")
        subject = "citizen"
    return code, name, on, subject


def _hourly_rate(
    reader: Reader, data: dict, params: ParameterSet, on: date, subject: str, shares: dict
) -> Figure | None:
    """The sheet's rate, else the parameters' (weighted by the subject shares if given)."""
    given = data.get("hourly_rate")
    # a "default" rate is the parameters' one: with shares it follows the (corrected) shares
    derived = shares and isinstance(given, dict) and given.get("method") == "default"
    if "hourly_rate" in data and not derived:
        return reader.figure(data["hourly_rate"], "hourly_rate", "money")
    try:
        if shares:
            return weighted_hourly_rate(params, shares, on)
        return _parameter_rate(params, subject, on)
    except ParameterError as exc:
        reader.problem("hourly_rate", f"no parameter: {exc}")
        return None


def _usd_rate(reader: Reader, data: dict, params: ParameterSet, on: date, fees_raw: list):
    """The dated USD rate, read whatever the baseline's currencies (an option may set a
    fee in USD); its absence is a problem only when a fee is in USD."""
    options_raw = data.get("options")
    changes_raw = [
        c
        for o in (options_raw if isinstance(options_raw, list) else [])
        if isinstance(o, dict) and isinstance(o.get("changes"), list)
        for c in o["changes"]
        if isinstance(c, dict)
    ]  # malformed options are reported by the option reader; here only USD is looked for
    in_usd = any(isinstance(f, dict) and f.get("currency") == "USD" for f in fees_raw + changes_raw)
    usd_rate = Decimal(0)
    try:
        usd_rate = params.value("usd_rate", on)
    except ParameterError as exc:
        if in_usd:
            reader.problem("fees", f"a fee is in USD but {exc}")
    if usd_rate != int(usd_rate):
        reader.problem("fees", f"usd_rate {usd_rate} must be whole đồng")
    return usd_rate


def _parts(reader: Reader, data: dict, fees_raw: list) -> tuple[list, list, list, list]:
    """Documents, fees, activities and options, each list checked for duplicate names."""
    documents = [
        _document(reader, raw, join_path("documents", i))
        for i, raw in enumerate(_items(reader, data.get("documents"), "documents"))
    ]
    _unique(reader, documents, "documents", "document")
    doc_names = {d.name for d in documents if d is not None}
    fees = [_fee(reader, raw, join_path("fees", i)) for i, raw in enumerate(fees_raw)]
    _unique(reader, fees, "fees", "fee")
    activities = [
        _activity(reader, raw, join_path("activities", i), doc_names)
        for i, raw in enumerate(_items(reader, data.get("activities"), "activities"))
    ]
    _unique(reader, activities, "activities", "activity")
    options = [
        _option(reader, raw, join_path("options", i))
        for i, raw in enumerate(_items(reader, data.get("options"), "options"))
    ]
    ids = [o.id for o in options if o is not None]
    for i, option in enumerate(options):
        if option is not None and ids.count(option.id) > 1 and ids.index(option.id) != i:
            reader.problem(
                join_path(join_path("options", i), "id"), f"duplicate option id {option.id!r}"
            )
    return documents, fees, activities, options


def parse_sheet(
    data: Any, *, params: ParameterSet, file: str = "<sheet>", today: date | None = None
) -> Sheet:
    """Check and convert plain sheet data; raise :class:`SheetError` listing every problem.

    ``params`` supplies the hourly rate (unless overridden) and the USD rate at the
    sheet's ``date`` (default ``today``, itself defaulting to the current date).
    """
    reader = Reader()
    if reader.mapping(data, "", _TOP_KEYS) is None:
        raise SheetError(file, [SheetProblem("", "a costing sheet must be a YAML mapping")])
    code, name, on, subject = _header(reader, data, today)
    shares = _subject_shares(reader, data.get("subject_shares"))
    hourly_rate = _hourly_rate(reader, data, params, on, subject, shares)
    fees_raw = _items(reader, data.get("fees"), "fees")
    usd_rate = _usd_rate(reader, data, params, on, fees_raw)
    # population: null is an unknown population (an estimate without evidence)
    population_known = data.get("population", 0) is not None
    population = (
        reader.figure(data.get("population"), "population", "count")
        if population_known
        else Figure(Decimal(0), UNKNOWN_POPULATION, None)
    )
    frequency = reader.figure(data.get("frequency"), "frequency", "frequency")
    channels = reader.shares(data.get("channels"), "channels")
    deadlines = reader.deadlines(data.get("deadline_days"), "deadline_days")
    documents, fees, activities, options = _parts(reader, data, fees_raw)
    estimated = data.get("estimated", False)
    if not isinstance(estimated, bool):
        reader.problem("estimated", "must be true or false")
    if reader.problems:
        raise SheetError(file, reader.problems)

    sheet = Sheet(
        code=code,
        name=name,
        date=on,
        subject=subject,
        hourly_rate=hourly_rate,
        usd_rate=usd_rate,
        population=population,
        frequency=frequency,
        channels=channels,
        deadline_days=deadlines,
        documents=tuple(documents),
        fees=tuple(fees),
        activities=tuple(activities),
        options=tuple(options),
        estimated=bool(estimated),
        parameters=params.label(on),
        source_file=file,
        population_known=population_known,
        subject_shares=shares,
    )
    problems = [p for option in sheet.options for p in check_option(sheet, option)]
    if problems:
        raise SheetError(file, problems)
    return sheet


def load_sheet(path: str | Path, *, params: ParameterSet, today: date | None = None) -> Sheet:
    """Read a sheet file; malformed YAML is a :class:`SheetError` at ``line L, column C``."""
    file = str(path)
    try:
        data = load_yaml(path)
    except OSError as exc:
        raise SheetError(file, [SheetProblem("", f"cannot read: {exc.strerror}")]) from exc
    except YamlSyntaxError as exc:
        raise SheetError(file, [SheetProblem(exc.where, exc.message)]) from exc
    return parse_sheet(data, params=params, file=file, today=today)
