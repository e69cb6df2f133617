"""The one module holding cached resources: engine, frames and the search index.

The engine is opened once per database URL (migrated, demo catalogue and demo users
loaded when empty). Frames are cached per URL and *data version*; a page that changes
data calls :func:`data_changed` so every cached frame is rebuilt on the next run.
Calls that act as the signed-in user (workflow, sheet saving, imports) go through here
too, so pages never open sessions themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from catalogue.registry.settings import load_settings
from catalogue.sources import service as registry

log = logging.getLogger(__name__)


def database_url() -> str:
    """The configured database URL (``TTHC_DATABASE_URL`` or the per-user SQLite file)."""
    return load_settings().database_url


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    from catalogue.registry.demo_users import ensure_demo_users

    engine = registry.open_catalogue(url)
    if registry.load_demo_if_empty(engine) is not None:
        # A fresh demo database gets one account per role (credentials in the README).
        ensure_demo_users(engine)
    return engine


def engine() -> Engine:
    """The engine for the configured database, migrated and seeded with the demo data."""
    return _engine(database_url())


@st.cache_resource(show_spinner=False)
def _versions() -> dict[str, int]:
    return {}


def version() -> int:
    """The data version of the database, shared by every session: bumped on each change."""
    return _versions().get(database_url(), 0)


def data_changed() -> None:
    """After a page changed data (import, plan, decision), every session reloads frames."""
    versions = _versions()
    versions[database_url()] = versions.get(database_url(), 0) + 1
    st.cache_data.clear()


# Shared, not copied per call (a 100.000-row frame would be unpickled on every rerun):
# pages must treat it as read-only.
@st.cache_resource(show_spinner=False, max_entries=2)
def _procedures(url: str, data_version: int) -> pd.DataFrame:
    from catalogue.quality.search import load_search_frame

    return load_search_frame(_engine(url)).reset_index(drop=True)


def procedures() -> pd.DataFrame:
    """One row per procedure: id, code, name, field, agency, levels, status (read-only)."""
    return _procedures(database_url(), version())


@st.cache_resource(show_spinner=False, max_entries=2)
def _choices(url: str, data_version: int) -> dict[str, list]:
    frame = _procedures(url, data_version)
    return {
        "field": sorted(frame["field"].dropna().unique()),
        "agency": sorted(frame["agency"].dropna().unique()),
        "levels": ["ministry", "province", "district", "commune", "other"],
        "status": ["active", "amended", "replaced", "abolished", "draft"],
    }


def filter_choices() -> dict[str, list]:
    """The values each catalogue filter offers (fields, agencies, levels, statuses)."""
    return _choices(database_url(), version())


@st.cache_resource(show_spinner=False, max_entries=2)
def _by_id(url: str, data_version: int) -> pd.DataFrame:
    return _procedures(url, data_version).set_index("id", drop=False)


@st.cache_resource(show_spinner=False, max_entries=2)
def _search_index(url: str, data_version: int) -> Any:
    from catalogue.quality.search import SearchIndex

    return SearchIndex.build(_procedures(url, data_version))


def search_index() -> Any:
    """The search index over :func:`procedures`, built once per data version."""
    return _search_index(database_url(), version())


def search(query: str, filters: dict[str, list], limit: int = 1000) -> pd.DataFrame:
    """Rows of :func:`procedures` matching ``query`` best first, with a ``score`` column.

    Accents, typos and word order are ignored by the search service; ``filters`` maps
    field / agency / levels / status to the accepted values.
    """
    hits = search_index().search(query, limit=limit, filters=filters)
    by_id = _by_id(database_url(), version())
    rows = by_id.loc[[hit.id for hit in hits]].reset_index(drop=True)
    return rows.assign(score=[hit.score for hit in hits])


def filtered(filters: dict[str, list]) -> pd.DataFrame:
    """Rows of :func:`procedures` whose field / agency / levels / status are accepted."""
    rows = procedures()
    for name, wanted in filters.items():
        if not wanted:
            continue
        if name == "levels":
            accepted = set(wanted)
            rows = rows[[bool(accepted.intersection(levels)) for levels in rows["levels"]]]
        else:
            rows = rows[rows[name].isin(wanted)]
    return rows


def user() -> Any:
    """The signed-in user (as returned by ``catalogue.registry.auth``), or None."""
    return st.session_state.get("user")


def role() -> str | None:
    """The signed-in user's role (reviewer, chair, analyst, admin), or None."""
    current = user()
    if current is None:
        return None
    return current.get("role") if isinstance(current, dict) else getattr(current, "role", None)


def username() -> str | None:
    """The signed-in user's name, or None."""
    current = user()
    if current is None:
        return None
    if isinstance(current, dict):
        return current.get("username")
    return getattr(current, "username", None)


@st.cache_data(show_spinner=False, max_entries=64)
def _record(url: str, data_version: int, procedure_id: int) -> dict | None:
    from catalogue.registry.store import load_records

    with _engine(url).connect() as conn:
        return load_records(conn, ids=[procedure_id], with_ids=True).get(procedure_id)


def record(procedure_id: int) -> dict | None:
    """One procedure as a canonical record (channels, fees, documents, …), or None."""
    return _record(database_url(), version(), int(procedure_id))


def history(procedure_id: int) -> list[dict]:
    """The revision history of one procedure, oldest first."""
    from catalogue.registry.store import revision_history

    with engine().connect() as conn:
        return revision_history(conn, int(procedure_id))


def selected_procedure() -> int | None:
    """The procedure chosen in the catalogue (or by ``?id=`` in the address), or None."""
    chosen = st.session_state.get("procedure_id") or st.query_params.get("id")
    try:
        return int(chosen) if chosen is not None else None
    except ValueError:
        return None


def sign_in(name: str, password: str) -> dict | None:
    """Check a username and password against the users table; the user as a dict or None."""
    from catalogue.registry.auth import authenticate
    from catalogue.registry.db import session_scope

    with session_scope(engine()) as session:
        found = authenticate(session=session, username=name, password=password)
        if found is None:
            return None
        return {"username": found.username, "role": found.role, "full_name": found.full_name}


@st.cache_resource(show_spinner=False)
def parameters() -> Any:
    """The dated cost-model parameters (``data/parameters/cost.yaml``)."""
    from analysis.parameters import load_parameters

    return load_parameters()


@st.cache_resource(show_spinner=False, max_entries=64)
def _sheet(url: str, data_version: int, procedure_id: int, on: date, stored: int) -> Any:
    from catalogue.costing.burden import procedure_sheet

    with _engine(url).connect() as conn:
        return procedure_sheet(conn, procedure_id, params=parameters(), on=on)


def _stored_version(procedure_id: int) -> int:
    """Version of the procedure's stored sheet (0: none), read fresh on every call."""
    from sqlalchemy import select

    from catalogue.registry.models import CostingSheet

    table = CostingSheet.__table__
    with engine().connect() as conn:
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
    return _sheet(database_url(), version(), pid, date.today(), _stored_version(pid))


def stored_sheet(procedure_id: int) -> tuple[dict, int] | None:
    """The reviewer's stored sheet data of a procedure and its version, or None.

    Read fresh (not cached): the version is what a later save is checked against.
    """
    from sqlalchemy import select

    from catalogue.costing.burden import from_json
    from catalogue.registry.models import CostingSheet

    table = CostingSheet.__table__
    with engine().connect() as conn:
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

    with session_scope(engine()) as session:
        stored = service(
            session=session,
            actor=username(),
            procedure_id=int(procedure_id),
            content=content,
            params=parameters(),
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


def workflow(name: str, /, **kwargs: Any) -> Any:
    """Call ``catalogue.cycle.<name>`` as the signed-in user, in one transaction.

    The service checks the role and raises ServiceError / PermissionDenied with a
    message for the user; reads return frames, actions the changed row.
    """
    from catalogue import cycle as services
    from catalogue.registry.db import session_scope

    with session_scope(engine()) as session:
        return getattr(services, name)(session=session, actor=username(), **kwargs)


def programmes() -> list[str]:
    """Programme tags a plan can count towards (``data/parameters/programmes.yaml``)."""
    from analysis.targets import load_programmes

    return list(dict.fromkeys(p.plan_tag for p in load_programmes()))


def decision_export(decision_id: int, fmt: str) -> bytes:
    """The decision's list as Excel (``xlsx``) or its Word draft (``docx``), as bytes."""
    from catalogue.documents.exports import export_decision
    from catalogue.registry.db import session_scope

    with session_scope(engine()) as session:
        return export_decision(session=session, actor=username(), decision_id=decision_id, fmt=fmt)


def expected_records(name: str, payload: bytes, *, portal: bool) -> int | None:
    """How many records an upload holds, when that is cheap to know: the portal's JSON
    lines (plain or gzip, one per non-empty line) and CSV (one per row after the header);
    None for documents and workbooks."""
    import gzip

    if payload[:2] == b"\x1f\x8b":
        try:
            payload = gzip.decompress(payload)
        except (OSError, EOFError):
            return None
    elif payload[:4] == b"PK\x03\x04":  # a workbook
        return None
    lines = sum(1 for line in payload.splitlines() if line.strip())
    if portal:
        return lines
    if name.lower().endswith(".csv"):
        return max(lines - 1, 0)
    return None


def import_upload(
    name: str,
    payload: bytes,
    *,
    portal: bool,
    progress: Callable[[int], None] | None = None,
) -> Any:
    """Import one uploaded file (own formats, or the national portal's) in one transaction,
    as the signed-in user, who must be allowed ``catalogue.import`` (admins).

    ``progress`` is called with the number of records read so far. Problems are reported
    against the uploaded file's name; ImportFailed lists them all and nothing is written.
    """
    import tempfile
    from pathlib import Path

    from catalogue.registry.auth import require
    from catalogue.registry.db import session_scope
    from catalogue.registry.errors import ImportFailed, Problem

    with session_scope(engine()) as session:
        require(session=session, actor=username(), action="catalogue.import")
    safe = Path(name).name or "upload"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe
        path.write_bytes(payload)
        try:
            if portal:
                return registry.import_portal_files(
                    engine(), [path], actor=username(), progress=progress
                )
            return registry.import_files(engine(), [path], actor=username(), progress=progress)
        except ImportFailed as exc:
            raise ImportFailed(
                [Problem(safe, p.line, p.field, p.message) for p in exc.problems]
            ) from None


def import_stats_upload(name: str, payload: bytes, *, accept_above: float | None = None) -> Any:
    """Import an uploaded one-stop statistics file (CSV or Excel) as the signed-in user,
    who must be allowed ``catalogue.import`` (admins): :func:`catalogue.onestop.stats.import_stats`.

    Returns its :class:`~catalogue.onestop.stats.StatsImport`. Problems are reported against the
    upload's name, a file that cannot be read at all as one problem of the file; then
    :class:`~catalogue.registry.errors.ImportFailed` lists them and nothing is written.
    """
    import tempfile
    from pathlib import Path

    from catalogue.onestop.stats import StatsError, import_stats
    from catalogue.registry.errors import ImportFailed, Problem

    safe = Path(name).name or "upload.csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe
        path.write_bytes(payload)
        try:
            return import_stats(engine(), path, actor=username(), accept_above=accept_above)
        except ImportFailed as exc:
            raise ImportFailed(
                [Problem(safe, p.line, p.field, p.message) for p in exc.problems]
            ) from None
        except StatsError as exc:
            message = str(exc).replace(str(path), safe)
            raise ImportFailed([Problem(safe, None, None, message)]) from None


@st.cache_data(show_spinner=False, max_entries=2)
def _sample_stats(url: str, data_version: int, year: int) -> bytes:
    import tempfile
    from pathlib import Path

    from catalogue.onestop.stats import generate_stats_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.csv"
        generate_stats_file(_engine(url), path, year=year)
        return path.read_bytes()


def sample_stats() -> tuple[str, Callable[[], bytes]]:
    """A sample statistics file for the current catalogue: its name and a function making it.

    Synthetic monthly counts of last year for every procedure in force
    (:func:`catalogue.onestop.stats.generate_stats_file`), as CSV. The file is made only when
    asked for (a national catalogue gives a large file), once per data version.
    """
    import functools

    year = date.today().year - 1
    make = functools.partial(_sample_stats, database_url(), version(), year)
    return f"thong-ke-mau-{year}.csv", make


@st.cache_data(show_spinner=False, max_entries=2)
def _flags(url: str, data_version: int) -> pd.DataFrame:
    from sqlalchemy import select

    from catalogue.registry.models import Procedure

    proc = Procedure.__table__
    with _engine(url).connect() as conn:
        rows = conn.execute(select(proc.c.id, proc.c.code, proc.c.name, proc.c.flags)).all()
    flat = [
        {"id": pid, "code": code, "name": name, **flag}
        for pid, code, name, flags in rows
        for flag in flags or []
    ]
    return pd.DataFrame(flat, columns=["id", "code", "name", "kind", "field", "message", "raw"])


def flags() -> pd.DataFrame:
    """Values the importers could not parse (kept raw and flagged), one row per flag."""
    return _flags(database_url(), version())


# The whole catalogue's baseline costs take a while at national scale (every procedure
# without a reviewer's sheet is estimated): computed once per data version and day and
# shared, read-only, by every session.
@st.cache_resource(show_spinner=False, max_entries=2)
def _costs(url: str, data_version: int, on: date) -> pd.DataFrame:
    from catalogue.costing.burden import catalogue_costs as service

    return service(_engine(url), params=parameters(), on=on)


def catalogue_costs() -> pd.DataFrame:
    """Baseline compliance cost of every procedure (``catalogue.costing.burden.catalogue_costs``):
    procedure_id, code, name, field, agency, level, status, unit_cost, annual_cost,
    deadline_days, documents, activities, estimated. Read-only."""
    return _costs(database_url(), version(), date.today())


@st.cache_resource(show_spinner=False, max_entries=16)
def _cost_totals(url: str, data_version: int, on: date, by: str) -> pd.DataFrame:
    from catalogue.costing.burden import cost_totals as service

    return service(_costs(url, data_version, on), by)


def cost_totals(by: str) -> pd.DataFrame:
    """Yearly burden summed by ``by`` (field, agency, level, status), largest first:
    the group, procedures, annual_cost and how many of its procedures are estimated."""
    return _cost_totals(database_url(), version(), date.today(), by)


@st.cache_resource(show_spinner=False, max_entries=2)
def _burden(url: str, data_version: int, on: date) -> dict[str, int]:
    costs = _costs(url, data_version, on)
    estimated = costs["estimated"].fillna(True).astype(bool)
    annual = costs["annual_cost"].fillna(0)
    return {
        "procedures": len(costs),
        "annual_cost": int(annual.sum()),
        "estimated_procedures": int(estimated.sum()),
        "estimated_annual_cost": int(annual[estimated].sum()),
    }


def burden() -> dict[str, int]:
    """The catalogue's yearly burden: procedures, annual_cost, and the part of both that
    is estimated (estimated_procedures, estimated_annual_cost)."""
    return _burden(database_url(), version(), date.today())


def savings_report() -> dict[str, pd.DataFrame]:
    """Savings of published decisions against the catalogue baseline and the targets
    (``catalogue.costing.reports.savings_overview``), for the signed-in user: frames ``adopted``,
    ``by_plan``, ``by_agency``, ``by_field``, ``by_level``, ``by_year``,
    ``by_programme``, ``programmes`` and ``catalogue``."""
    from catalogue.costing.reports import savings_overview
    from catalogue.registry.db import session_scope

    with session_scope(engine()) as session:
        return savings_overview(session=session, actor=username(), costs=catalogue_costs())


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per frame; text cells that could run as formulas
    (starting with = + - @) are neutralised."""
    import io

    from catalogue.sources.formats import neutralise

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, sheet_frame in sheets.items():
            safe = sheet_frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
            safe.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV table (UTF-8 with BOM, so that Excel shows Vietnamese); formula-like text
    cells (starting with = + - @) are neutralised."""
    from catalogue.sources.formats import neutralise

    safe = frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8-sig")


def chart_image(spec: dict, fmt: str) -> bytes:
    """A Vega-Lite chart rendered to PNG or SVG with vl-convert (no browser needed)."""
    import vl_convert as vlc

    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    return vlc.vegalite_to_png(spec, scale=2)


@st.cache_resource(show_spinner=False, max_entries=2)
def _stats_years(url: str, data_version: int) -> list[int]:
    from sqlalchemy import select, union

    from catalogue.registry.models import DossierStat, Volume

    stat, vol = DossierStat.__table__, Volume.__table__
    query = union(select(stat.c.year), select(vol.c.year).where(vol.c.received.is_not(None)))
    with _engine(url).connect() as conn:
        return sorted((int(y) for (y,) in conn.execute(query)), reverse=True)


def stats_years() -> list[int]:
    """Years with one-stop dossier counts (imported statistics or catalogue volumes),
    latest first."""
    return _stats_years(database_url(), version())


@st.cache_resource(show_spinner=False, max_entries=8)
def _onestop(url: str, data_version: int, year: int) -> dict[str, Any]:
    from catalogue.onestop.report import overview

    return overview(_engine(url), year=year)


def onestop(year: int) -> dict[str, Any]:
    """One-stop performance of one year (``catalogue.onestop.report.overview``): ``totals``,
    ``by_period``, ``by_level``, ``late_procedures``, ``late_agencies``. Read-only."""
    return _onestop(database_url(), version(), int(year))


# The factors gather the whole catalogue's costs: once per data version and day.
@st.cache_resource(show_spinner=False, max_entries=2)
def _priority_inputs(url: str, data_version: int, on: date) -> pd.DataFrame:
    from catalogue.onestop.priorities import priority_inputs

    return priority_inputs(_engine(url), params=parameters(), on=on)


@st.cache_resource(show_spinner=False, max_entries=16)
def _priorities(url: str, data_version: int, on: date, weights: tuple) -> pd.DataFrame:
    from catalogue.onestop.priorities import rank_priorities

    return rank_priorities(_priority_inputs(url, data_version, on), dict(weights))


def priorities(weights: dict[str, float]) -> pd.DataFrame:
    """Procedures in force ranked for review with these weights
    (``catalogue.onestop.priorities.rank_priorities``), best first; read-only. Raises ValueError
    for weights the service refuses (negative, or none positive)."""
    from catalogue.onestop.priorities import parse_weights

    checked = parse_weights(weights)
    return _priorities(database_url(), version(), date.today(), tuple(sorted(checked.items())))


@st.cache_resource(show_spinner=False, max_entries=8)
def _duplicates(url: str, data_version: int, threshold: float, same_code: bool) -> list[dict]:
    from catalogue.quality.duplicates import duplicate_report

    groups = duplicate_report(
        _engine(url),
        threshold=threshold,
        same_code=same_code,
        index=_search_index(url, data_version),
    )
    return [group.as_dict() for group in groups]


def duplicates(threshold: float, same_code: bool) -> list[dict]:
    """Near-duplicate groups of the catalogue (``catalogue.quality.duplicates.duplicate_report``),
    highest score first, each as its ``as_dict()``: score, members (code, name, field,
    agencies, levels) and the differences between them. Read-only."""
    return _duplicates(database_url(), version(), float(threshold), bool(same_code))


# A local list is read from a temporary copy of the upload; anything that makes it
# unreadable comes back as MatchError naming the upload, never the temporary path.
_UNREADABLE = (UnicodeDecodeError, ValueError, KeyError, OSError, IndexError)


def _local_copy(name: str, payload: bytes, folder: str) -> Any:
    from pathlib import Path

    from catalogue.quality.matching import EXCEL_SUFFIXES, MatchError

    safe = Path(name).name or "upload.csv"
    path = Path(folder) / safe
    if path.suffix.lower() not in (".csv", *EXCEL_SUFFIXES):
        raise MatchError(f"{safe}: not a CSV or Excel (.xlsx) file")
    path.write_bytes(payload)
    return path


def _unreadable(name: str, exc: Exception, path: Any) -> Exception:
    from pathlib import Path

    from catalogue.quality.matching import MatchError

    safe = Path(name).name or "upload.csv"
    message = str(exc).replace(str(path), safe)
    if not isinstance(exc, MatchError):
        message = f"{safe}: cannot be read as CSV or Excel ({type(exc).__name__}: {message})"
    return MatchError(message)


def upload_columns(name: str, payload: bytes) -> list[str]:
    """The column names of an uploaded CSV or Excel list: the cells of the fullest row
    among the first rows (a portal export puts a banner above its header).

    Raises :class:`catalogue.quality.matching.MatchError` when the file cannot be read.
    """
    import csv
    import tempfile
    import zipfile

    from catalogue.quality.matching import EXCEL_SUFFIXES, HEADER_SEARCH_ROWS, MatchError

    with tempfile.TemporaryDirectory() as folder:
        path = _local_copy(name, payload, folder)
        try:
            if path.suffix.lower() in EXCEL_SUFFIXES:
                from openpyxl import load_workbook

                workbook = load_workbook(path, read_only=True, data_only=True)
                sheet = workbook.worksheets[0]
                rows = [
                    list(r) for r in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
                ]
                workbook.close()
            else:
                text = path.read_text(encoding="utf-8-sig")
                try:
                    dialect: Any = csv.Sniffer().sniff(text[:4096], ",;\t")
                except csv.Error:
                    dialect = csv.excel
                rows = list(csv.reader(text.splitlines()[:HEADER_SEARCH_ROWS], dialect))
        except (*_UNREADABLE, zipfile.BadZipFile, csv.Error) as exc:
            raise _unreadable(name, exc, path) from None
    header = max(rows, key=lambda r: sum(1 for v in r if v not in (None, "")), default=[])
    columns = [str(v).strip() for v in header if v not in (None, "") and str(v).strip()]
    if not columns:
        raise MatchError(f"{name}: no column names in the first {HEADER_SEARCH_ROWS} rows")
    return list(dict.fromkeys(columns))


def match_upload(name: str, payload: bytes, column: str, *, top_k: int = 5) -> list:
    """Match the names in ``column`` of an uploaded list to national codes
    (``catalogue.quality.matching.match_names`` against the cached search index); results are
    labelled with sheet row numbers. Raises MatchError when the file cannot be read."""
    import tempfile
    import zipfile

    from catalogue.quality.matching import match_names, read_local_list

    with tempfile.TemporaryDirectory() as folder:
        path = _local_copy(name, payload, folder)
        try:
            local = read_local_list(path, column)
        except (*_UNREADABLE, zipfile.BadZipFile) as exc:
            raise _unreadable(name, exc, path) from None
    return match_names(local.names, search_index(), rows=local.rows, top_k=top_k)


def matched_file(name: str, payload: bytes, column: str, codes: dict[int, str | None]) -> bytes:
    """The uploaded list with the accepted codes in a new column ``ma_tthc_de_xuat``
    (``catalogue.quality.matching.write_back`` on a temporary copy), as bytes of the same kind."""
    import tempfile
    import zipfile
    from pathlib import Path

    from catalogue.quality.matching import write_back

    with tempfile.TemporaryDirectory() as folder:
        source = _local_copy(name, payload, folder)
        target = Path(folder) / f"out{source.suffix}"
        try:
            return write_back(source, target, column, codes).read_bytes()
        except (*_UNREADABLE, zipfile.BadZipFile) as exc:
            raise _unreadable(name, exc, source) from None
