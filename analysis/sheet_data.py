"""Writing a :class:`~analysis.model.Sheet` back as plain costing-sheet data.

:func:`sheet_to_data` is the inverse of :func:`analysis.sheet.parse_sheet`: with the same
parameters, ``parse_sheet(sheet_to_data(sheet))`` equals ``sheet`` (pass
``file=sheet.source_file`` for the source file to match too). The data follows the format
of :mod:`analysis.sheet`; numbers stay :class:`~decimal.Decimal` and the date a
:class:`~datetime.date`, so the caller chooses how to serialise them
(``catalogue.costing.burden.to_json`` for JSON or YAML).

Written as it is in the sheet, so the data needs nothing else to be read back:

* a figure with a source or method is ``{value, source, method}`` (absent parts left
  out), a bare figure a plain number;
* the hourly rate is always written, even when it came from the parameters (method
  ``default``): the reader then sees the rate the figures were computed with (with
  ``subject_shares``, a ``default`` rate is derived from the shares again when read);
* an unknown population is written ``population: null``;
* defaults of the format are left out: one person and no out-of-pocket cost per
  activity, no copies of a document, fees in VND, every channel (``channels`` absent);
* ``estimated: true`` only for an estimated sheet; ``options`` only when there are some.

The sheet after an option (:func:`analysis.changes.apply_option`) is not a sheet of
the format when it is abolished or reuses data; it is refused with a ValueError.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from analysis.model import Activity, Change, Document, Fee, Figure, Option, Sheet

__all__ = ["sheet_to_data"]

_ONE = Figure(Decimal(1))
_ZERO = Figure(Decimal(0))


def _figure(figure: Figure) -> Decimal | dict[str, Any]:
    """A plain number, or ``{value, source, method}`` when the figure says where it is from."""
    if figure.source is None and figure.method is None:
        return figure.value
    data: dict[str, Any] = {"value": figure.value}
    if figure.source is not None:
        data["source"] = figure.source
    if figure.method is not None:
        data["method"] = figure.method
    return data


def _value(value: Any) -> Any:
    """A change argument as data: figures, channel tuples and share mappings."""
    if isinstance(value, Figure):
        return _figure(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def _document(document: Document) -> dict[str, Any]:
    data: dict[str, Any] = {"name": document.name}
    if document.copies:
        data["copies"] = document.copies
    if document.certified_copies:
        data["certified_copies"] = document.certified_copies
    return data


def _fee(fee: Fee) -> dict[str, Any]:
    data: dict[str, Any] = {"name": fee.name, "amount": _figure(fee.amount)}
    if fee.currency != "VND":
        data["currency"] = fee.currency
    if fee.channels is not None:
        data["channels"] = list(fee.channels)
    return data


def _activity(activity: Activity) -> dict[str, Any]:
    data: dict[str, Any] = {"name": activity.name, "hours": _figure(activity.hours)}
    if activity.people != _ONE:
        data["people"] = _figure(activity.people)
    if activity.out_of_pocket != _ZERO:
        data["out_of_pocket"] = _figure(activity.out_of_pocket)
    if activity.channels is not None:
        data["channels"] = list(activity.channels)
    if activity.document is not None:
        data["document"] = activity.document
    if activity.kind is not None:
        data["kind"] = activity.kind
    return data


def _change(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {"type": change.type}
    data.update((name, _value(value)) for name, value in change.args.items())
    data["reason"] = change.reason
    if change.legal_change is not None:
        data["legal_change"] = change.legal_change
    return data


def _option(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {"id": option.id, "action": option.action}
    if option.changes:
        data["changes"] = [_change(c) for c in option.changes]
    if option.reason is not None:
        data["reason"] = option.reason
    if option.legal_change is not None:
        data["legal_change"] = option.legal_change
    if option.implementation_cost is not None:
        data["implementation_cost"] = _figure(option.implementation_cost)
    return data


def sheet_to_data(sheet: Sheet) -> dict[str, Any]:
    """Plain costing-sheet data of ``sheet``, which :func:`parse_sheet` reads back equal.

    >>> from datetime import date
    >>> sheet = Sheet(
    ...     code="1.000123", name=None, date=date(2026, 1, 1), subject="citizen",
    ...     hourly_rate=Figure(Decimal(40000), "TCTK", "statistics"), usd_rate=Decimal(0),
    ...     population=Figure(Decimal(1000)), frequency=Figure(Decimal(1)),
    ...     channels={"direct": Decimal(1)},
    ...     activities=(Activity("Nộp hồ sơ", Figure(Decimal(2))),),
    ... )
    >>> sheet_to_data(sheet)["hourly_rate"]
    {'value': Decimal('40000'), 'source': 'TCTK', 'method': 'statistics'}
    >>> sheet_to_data(sheet)["activities"]
    [{'name': 'Nộp hồ sơ', 'hours': Decimal('2')}]
    """
    if sheet.abolished or sheet.data_reuse:
        raise ValueError(
            f"{sheet.source_file}: the outcome of an option (abolished or reusing data) "
            "is not a costing sheet"
        )
    data: dict[str, Any] = {}
    procedure = {k: v for k, v in (("code", sheet.code), ("name", sheet.name)) if v is not None}
    if procedure:
        data["procedure"] = procedure
    data["date"] = sheet.date
    if sheet.estimated:
        data["estimated"] = True
    data["subject"] = sheet.subject
    if sheet.subject_shares:
        data["subject_shares"] = dict(sheet.subject_shares)
    data["hourly_rate"] = _figure(sheet.hourly_rate)
    data["population"] = _figure(sheet.population) if sheet.population_known else None
    data["frequency"] = _figure(sheet.frequency)
    data["channels"] = dict(sheet.channels)
    if sheet.deadline_days:
        data["deadline_days"] = dict(sheet.deadline_days)
    if sheet.documents:
        data["documents"] = [_document(d) for d in sheet.documents]
    if sheet.fees:
        data["fees"] = [_fee(f) for f in sheet.fees]
    if sheet.activities:
        data["activities"] = [_activity(a) for a in sheet.activities]
    if sheet.options:
        data["options"] = [_option(o) for o in sheet.options]
    return data
