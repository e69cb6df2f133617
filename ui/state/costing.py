"""Costing as the pages see it: a procedure's sheet (stored or estimated), saving a
reviewer's sheet, evaluating options and their sensitivity, and the catalogue's yearly
burden and cost totals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from ui.state import core, session


@st.cache_resource(show_spinner=False, max_entries=64)
def _sheet(url: str, data_version: int, procedure_id: int, on: date, stored: int) -> Any:
    from catalogue.costing.burden import procedure_sheet

    with core.engine_at(url).connect() as conn:
        return procedure_sheet(conn, procedure_id, params=core.parameters(), on=on)


def _stored_version(procedure_id: int) -> int:
    """Version of the procedure's stored sheet (0: none), read fresh on every call."""
    from sqlalchemy import select

    from catalogue.registry.models import CostingSheet

    table = CostingSheet.__table__
    with core.engine().connect() as conn:
        found = conn.execute(
            select(table.c.version).where(table.c.procedure_id == procedure_id)
        ).scalar()
    return int(found or 0)


def sheet(procedure_id: int) -> Any:
    """The costing sheet of a procedure: the reviewer's stored one, else an estimate.

    Served by :func:`catalogue.costing.burden.procedure_sheet` (an estimate is flagged
    ``estimated``); None when the procedure does not exist. Raises
    :class:`analysis.errors.SheetError` when a stored sheet is invalid. Sheets are
    immutable, so one copy per data version, day and stored-sheet version is shared by
    every session (a sheet saved elsewhere, e.g. by the CLI, shows at once).
    """
    pid = int(procedure_id)
    return _sheet(core.database_url(), core.version(), pid, core.today(), _stored_version(pid))


def stored_sheet(procedure_id: int) -> tuple[dict, int] | None:
    """The reviewer's stored sheet data of a procedure and its version, or None.

    Read fresh (not cached): the version is what a later save is checked against.
    """
    from sqlalchemy import select

    from catalogue.costing.burden import from_json
    from catalogue.registry.models import CostingSheet

    table = CostingSheet.__table__
    with core.engine().connect() as conn:
        row = conn.execute(
            select(table.c.content, table.c.version).where(
                table.c.procedure_id == int(procedure_id)
            )
        ).first()
    return None if row is None else (from_json(row.content), int(row.version))


def sheet_text(data: Any) -> str:
    """Sheet data as the YAML a reviewer edits (exact numbers, ISO dates, UTF-8 text)."""
    import yaml

    from catalogue.costing.burden import to_json

    return yaml.safe_dump(to_json(data), allow_unicode=True, sort_keys=False, width=100)


def save_sheet(procedure_id: int, content: Any, *, expected_version: int) -> int:
    """Store a reviewer's sheet as the signed-in user; returns the stored version.

    ``expected_version`` is the version the reviewer started from (0: there was no
    stored sheet). Raises :class:`analysis.errors.SheetError` when the sheet is
    invalid and :class:`catalogue.registry.errors.ConcurrentEdit` when someone saved first.
    """
    from catalogue.costing.burden import save_sheet as service
    from catalogue.registry.db import session_scope

    with session_scope(core.engine()) as db:
        stored = service(
            session=db,
            actor=session.username(),
            procedure_id=int(procedure_id),
            content=content,
            params=core.parameters(),
            expected_version=expected_version,
        )
        return int(stored.version)


def evaluate(baseline: Any, changes: list[dict], *, reason: str, abolish_reason: str) -> Any:
    """Evaluate the baseline against keep, abolish and (with changes) a custom amend option.

    Changes are plain change data (``{type, reason, legal_change, ...}``) read by the cost
    model; an invalid one raises :class:`analysis.errors.SheetError` and nothing is applied.
    """
    from analysis.reference import evaluate_sheet

    return evaluate_sheet(
        with_options(baseline, changes, reason=reason, abolish_reason=abolish_reason)
    )


def sensitivity(
    baseline: Any, changes: list[dict], *, percent: int, reason: str, abolish_reason: str
) -> pd.DataFrame:
    """Savings of keep / amend / abolish with hourly rate, population and hours at ±percent."""
    from analysis.sensitivity import sensitivity as spread

    sheet = with_options(baseline, changes, reason=reason, abolish_reason=abolish_reason)
    return spread(sheet, percent=percent)


def with_options(baseline: Any, changes: list[dict], *, reason: str, abolish_reason: str) -> Any:
    """The baseline sheet with keep, abolish and (with changes) a custom amend option."""
    from dataclasses import replace

    from analysis.changes import check_option, parse_change
    from analysis.errors import SheetError
    from analysis.model import Option
    from analysis.reading import Reader

    reader = Reader()
    parsed = [parse_change(raw, f"changes[{i}]", reader) for i, raw in enumerate(changes)]
    if reader.problems:
        raise SheetError(baseline.source_file, reader.problems)
    options = [Option("keep", "keep")]
    if parsed:
        options.append(Option("amend", "amend", tuple(parsed), reason=reason))
    options.append(Option("abolish", "abolish", reason=abolish_reason))
    problems = [p for option in options for p in check_option(baseline, option)]
    if problems:
        raise SheetError(baseline.source_file, problems)
    return replace(baseline, options=tuple(options))


def costing(procedure_id: int) -> Any:
    """The evaluated costing sheet of a procedure (baseline, keep and abolish), or None."""
    baseline = sheet(procedure_id)
    if baseline is None:
        return None
    return evaluate(baseline, [], reason="", abolish_reason="abolish")


# The whole catalogue's baseline costs take a while at national scale (every procedure
# without a reviewer's sheet is estimated): computed once per data version and day and
# shared, read-only, by every session.
@st.cache_resource(show_spinner=False, max_entries=2)
def _costs(url: str, data_version: int, on: date) -> pd.DataFrame:
    from catalogue.costing.burden import catalogue_costs as service

    return service(core.engine_at(url), params=core.parameters(), on=on)


def catalogue_costs() -> pd.DataFrame:
    """Baseline compliance cost of every procedure (``catalogue.costing.burden.catalogue_costs``):
    procedure_id, code, name, field, agency, level, status, unit_cost, annual_cost,
    deadline_days, documents, activities, estimated. Read-only."""
    return _costs(core.database_url(), core.version(), core.today())


@st.cache_resource(show_spinner=False, max_entries=16)
def _cost_totals(url: str, data_version: int, on: date, by: str) -> pd.DataFrame:
    from catalogue.costing.burden import cost_totals as service

    return service(_costs(url, data_version, on), by)


def cost_totals(by: str) -> pd.DataFrame:
    """Yearly burden summed by ``by`` (field, agency, level, status), largest first:
    the group, procedures, annual_cost and how many of its procedures are estimated."""
    return _cost_totals(core.database_url(), core.version(), core.today(), by)


@st.cache_resource(show_spinner=False, max_entries=2)
def _burden(url: str, data_version: int, on: date) -> dict[str, int]:
    from catalogue.costing.burden import burden_summary

    costs = _costs(url, data_version, on)
    summary = burden_summary(costs)  # only procedures in force with a known population
    counted = costs[costs["counted"]]
    estimated = counted["estimated"].fillna(True).astype(bool)
    annual = counted["annual_cost"].fillna(0)
    return {
        "procedures": summary["procedures"],
        "annual_cost": summary["annual_cost"],
        "estimated_procedures": int(estimated.sum()),
        "estimated_annual_cost": int(annual[estimated].sum()),
        "unknown_population": summary["unknown_population"],
    }


def burden() -> dict[str, int]:
    """The catalogue's yearly burden: procedures, annual_cost, and the part of both that
    is estimated (estimated_procedures, estimated_annual_cost)."""
    return _burden(core.database_url(), core.version(), core.today())
