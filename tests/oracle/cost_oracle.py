"""An independent cost oracle for costing sheets, written from the method's text.

Sources, and nothing else: Thông tư 02/2017/TT-VPCP Điều 27 (a Standard Cost Model) as
told in ``../shared/PROCESS.md`` §3 and ``../shared/DESIGN.md`` §4, the README's section
*The cost method and its sources* (the sheet format, the change types, the rounding
rule, the low average) and the worked examples in ``tests/scenarios``. It imports nothing
from ``analysis`` or ``catalogue``: it reads the raw sheet mapping (as written in YAML)
and the dated parameter file ``data/parameters/cost.yaml`` with PyYAML, and prices with
:class:`decimal.Decimal`.

The method, as the oracle applies it:

* cost of one execution (CPTT 01 lần) = Σ over channels c of share(c) × [Σ activities on
  c (hours × people × hourly rate + out-of-pocket) + Σ fees on c]; an activity or fee
  without ``channels`` is on every channel; a USD fee is converted at the ``usd_rate``
  in effect on the sheet's date (also when an option sets it in USD);
* annual cost = cost of one execution × frequency × population, from the exact cost of
  one execution; both are rounded half-up to whole đồng at the end only;
* savings = annual before − annual after (the rounded figures, so that a table adds up);
  cut rate = savings ÷ before × 100, half-up to 2 decimals (0 when before is 0);
* processing time = the share-weighted deadline over the channels that have one;
* the hourly rate: the sheet's own figure, else the subject's ``hourly_income`` of the
  parameters (monthly income ÷ working days ÷ hours per day, whole đồng), weighted by
  ``subject_shares`` when the sheet gives them;
* where sources disagree (``values: [...]``) the low average: the mean of the values at
  or below the overall mean;
* an option is a list of typed changes applied in order to a copy of the baseline; a
  change naming something that is not on the sheet refuses the whole sheet; ``abolish``
  makes every cost, the deadline and the counts zero.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_FILE = Path(__file__).resolve().parents[2] / "data" / "parameters" / "cost.yaml"
CHANNELS = ("direct", "online", "postal")  # trực tiếp, trực tuyến, bưu chính
HUNDRED = Decimal(100)


class Refused(ValueError):
    """The sheet cannot be priced: a change names something the sheet does not have."""


@dataclass
class Figures:
    """What the method reports for the baseline or one option."""

    unit_cost: int
    annual_cost: int | None
    deadline_days: Decimal | None
    documents: int
    activities: int
    savings: int | None = None
    cut_rate: Decimal | None = None
    deadline_cut_rate: Decimal | None = None
    data_reuse: list[tuple[str, str | None]] = field(default_factory=list)


def half_up(value: Decimal, places: int = 0) -> Decimal:
    """Round half-up (the rounding of money in Vietnamese practice and of the sheets)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# Decimal places a sheet holds for each figure (README, *Every number in range*: population
# and people whole, frequency 6 decimals, money 2, hours 3); a low average of several
# sources is a figure of the sheet too, so it is held, half-up, at that precision.
PLACES = {"count": 0, "frequency": 6, "money": 2, "hours": 3, "days": 2, "share": 4}


def number(raw: Any, kind: str = "money") -> Decimal:
    """A figure as written: a number, ``{value: …}`` or ``{values: […]}`` (low average)."""
    if isinstance(raw, dict):
        if "values" in raw:
            return half_up(low_average([number(v, kind) for v in raw["values"]]), PLACES[kind])
        return number(raw["value"], kind)
    if isinstance(raw, bool):
        raise TypeError(f"not a number: {raw!r}")
    return Decimal(str(raw))


def low_average(values: list[Decimal]) -> Decimal:
    """TT 02/2017 Điều 27: the mean of the values at or below the overall mean.

    >>> low_average([Decimal(100), Decimal(120), Decimal(200)])  # the README's example
    Decimal('110')
    """
    mean = sum(values, Decimal(0)) / len(values)
    low = [v for v in values if v <= mean]
    return sum(low, Decimal(0)) / len(low)


@lru_cache(maxsize=1)
def _parameters() -> dict[str, list[dict]]:
    with PARAMETERS_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {name: entry["values"] for name, entry in data["parameters"].items()}


def parameter(name: str, on: date) -> Decimal:
    """The value of ``name`` in effect on ``on``: the latest one effective on or before it.

    A derived value (``formula: a / b / c``, ``round: n``) is computed from its parts at
    the same date, as the parameter file's header and its formulas say.
    """
    entries = [e for e in _parameters()[name] if e["effective"] <= on]
    if not entries:
        raise LookupError(f"no value of {name} on {on}")
    entry = max(entries, key=lambda e: e["effective"])
    if "formula" in entry:
        parts = [p.strip() for p in entry["formula"].split("/")]
        value = parameter(parts[0], on)
        for part in parts[1:]:
            value /= parameter(part, on)
        return half_up(value, int(entry.get("round", 0)))
    return Decimal(str(entry["value"]))


def hourly_rate(sheet: dict, on: date) -> Decimal:
    """The sheet's own rate, else the parameters' rate of its subject (or subjects)."""
    if sheet.get("hourly_rate") is not None:
        return number(sheet["hourly_rate"])
    shares = sheet.get("subject_shares")
    if shares:
        return sum(
            (number(s) * parameter(f"hourly_income.{who}", on) for who, s in shares.items()),
            Decimal(0),
        )
    return parameter(f"hourly_income.{sheet.get('subject', 'citizen')}", on)


# --- the working copy of a sheet ---------------------------------------------------------


def _on(item: dict, channel: str) -> bool:
    channels = item.get("channels")
    return not channels or channel in channels


def _deadlines(raw: Any) -> dict[str, Decimal]:
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return {c: number(v) for c, v in raw.items() if v is not None}
    return {c: number(raw) for c in CHANNELS}  # one figure: the same on every channel


def _working(sheet: dict) -> dict:
    """The baseline as plain numbers: what the changes act on."""
    return {
        "population": None
        if sheet.get("population") is None
        else number(sheet["population"], "count"),
        "frequency": number(sheet["frequency"], "frequency"),
        "channels": {c: number(s) for c, s in sheet["channels"].items()},
        "deadlines": _deadlines(sheet.get("deadline_days")),
        "documents": [d["name"] for d in sheet.get("documents") or []],
        "fees": [
            {
                "name": f["name"],
                "amount": number(f["amount"]),
                "currency": f.get("currency", "VND"),
                "channels": f.get("channels"),
            }
            for f in sheet.get("fees") or []
        ],
        "activities": [
            {
                "name": a["name"],
                "hours": number(a["hours"], "hours"),
                "people": number(a.get("people", 1), "count"),
                "out_of_pocket": number(a.get("out_of_pocket", 0)),
                "channels": a.get("channels"),
                "document": a.get("document"),
            }
            for a in sheet.get("activities") or []
        ],
        "data_reuse": [],
        "abolished": False,
    }


_KIND = {"hours": "hours", "people": "count", "out_of_pocket": "money"}


def _named(items: list[dict], name: str, what: str) -> dict:
    for item in items:
        if item["name"] == name:
            return item
    raise Refused(f"unknown {what} {name!r}")


def _drop_document(work: dict, document: str) -> None:
    """A document leaves the dossier with every activity done to prepare it."""
    if document not in work["documents"]:
        raise Refused(f"unknown document {document!r}")
    work["documents"].remove(document)
    work["activities"] = [a for a in work["activities"] if a["document"] != document]


def apply_change(work: dict, change: dict) -> None:
    """One typed change of an amend option (README: *Change types*), in place on a copy."""
    kind = change["type"]
    if kind == "set_frequency":
        work["frequency"] = number(change["value"], "frequency")
    elif kind == "set_population":
        work["population"] = number(change["value"], "count")
    elif kind == "set_channels":
        work["channels"] = {c: number(s) for c, s in change["value"].items()}
    elif kind == "set_deadline":
        where = change.get("channel", "all")
        for c in CHANNELS if where == "all" else (where,):
            work["deadlines"][c] = number(change["days"])
    elif kind == "set_fee":
        fee = _named(work["fees"], change["name"], "fee")
        fee["amount"] = number(change["amount"])
        fee["currency"] = change.get("currency", fee["currency"])
        if "channels" in change:
            fee["channels"] = change["channels"]
    elif kind == "remove_fee":
        work["fees"].remove(_named(work["fees"], change["name"], "fee"))
    elif kind == "remove_document":
        _drop_document(work, change["document"])
    elif kind == "replace_document_with_lookup":
        _drop_document(work, change["document"])
        work["data_reuse"].append((change["document"], change.get("database")))
    elif kind == "set_activity":
        activity = _named(work["activities"], change["name"], "activity")
        for key in ("hours", "people", "out_of_pocket"):
            if key in change:
                activity[key] = number(change[key], _KIND[key])
        if "channels" in change:
            activity["channels"] = change["channels"]
    elif kind == "remove_activity":
        work["activities"].remove(_named(work["activities"], change["name"], "activity"))
    elif kind == "add_activity":
        if any(a["name"] == change["name"] for a in work["activities"]):
            raise Refused(f"activity {change['name']!r} already on the sheet")
        if change.get("document") is not None and change["document"] not in work["documents"]:
            raise Refused(f"unknown document {change['document']!r}")
        work["activities"].append(
            {
                "name": change["name"],
                "hours": number(change["hours"], "hours"),
                "people": number(change.get("people", 1), "count"),
                "out_of_pocket": number(change.get("out_of_pocket", 0)),
                "channels": change.get("channels"),
                "document": change.get("document"),
            }
        )
    else:
        raise Refused(f"unknown change type {kind!r}")


# --- pricing -----------------------------------------------------------------------------


def _exact_unit_cost(work: dict, rate: Decimal, usd: Decimal | None) -> Decimal:
    if work["abolished"]:
        return Decimal(0)
    total = Decimal(0)
    for channel, share in work["channels"].items():
        on_channel = Decimal(0)
        for a in work["activities"]:
            if _on(a, channel):
                on_channel += a["hours"] * a["people"] * rate + a["out_of_pocket"]
        for f in work["fees"]:
            if _on(f, channel):
                if f["currency"] == "USD":
                    if usd is None:
                        raise Refused("a fee in USD but no usd_rate on the sheet's date")
                    on_channel += f["amount"] * usd
                else:
                    on_channel += f["amount"]
        total += share * on_channel
    return total


def _deadline(work: dict) -> Decimal | None:
    if work["abolished"]:
        return Decimal(0)
    weighted = [
        (s, work["deadlines"][c]) for c, s in work["channels"].items() if c in work["deadlines"]
    ]
    total_share = sum((s for s, _ in weighted), Decimal(0))
    if not weighted or total_share == 0:
        return None
    return half_up(sum((s * d for s, d in weighted), Decimal(0)) / total_share, 2)


def _price(work: dict, rate: Decimal, usd: Decimal | None) -> Figures:
    exact = _exact_unit_cost(work, rate, usd)
    annual = None
    if work["population"] is not None:
        annual = int(half_up(exact * work["frequency"] * work["population"]))
    return Figures(
        unit_cost=int(half_up(exact)),
        annual_cost=annual,
        deadline_days=_deadline(work),
        documents=0 if work["abolished"] else len(work["documents"]),
        activities=0 if work["abolished"] else len(work["activities"]),
        data_reuse=list(work["data_reuse"]),
    )


def _rate(cut: Decimal | int, before: Decimal | int) -> Decimal:
    # The method's text leaves a zero base undefined; the product's one rate rule
    # (analysis.rates, as documented) reports a cost cut of 0 % then.
    if before == 0:
        return Decimal(0)
    return half_up(Decimal(cut) / Decimal(before) * HUNDRED, 2)


def price_sheet(sheet: dict) -> tuple[Figures, dict[str, Figures]]:
    """The baseline's figures and each option's, keyed by option id.

    Raises :class:`Refused` when any option cannot be applied (the whole sheet is
    refused, as the README says: every option is checked before anything is priced).
    """
    on = sheet["date"]
    rate = hourly_rate(sheet, on)
    try:
        usd = parameter("usd_rate", on)
    except LookupError:
        usd = None
    baseline_work = _working(sheet)
    baseline = _price(baseline_work, rate, usd)
    options: dict[str, Figures] = {}
    for option in sheet.get("options") or []:
        work = copy.deepcopy(baseline_work)
        for change in option.get("changes") or []:
            apply_change(work, change)
        if option["action"] == "abolish":
            work["abolished"] = True
        after = _price(work, rate, usd)
        if baseline.annual_cost is not None and after.annual_cost is not None:
            after.savings = baseline.annual_cost - after.annual_cost
            after.cut_rate = _rate(after.savings, baseline.annual_cost)
        # a zero deadline has nothing to cut: its rate is left undefined (the product's
        # convention for deadlines, unlike money; the method's text says neither)
        if baseline.deadline_days and after.deadline_days is not None:
            after.deadline_cut_rate = _rate(
                baseline.deadline_days - after.deadline_days, baseline.deadline_days
            )
        options[option["id"]] = after
    return baseline, options
