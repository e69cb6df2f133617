"""Fuzz: hostile records fed to every importer end in a named problem, never a traceback.

Importers: the portal's JSON lines and its Excel list; the project's own JSON, YAML,
CSV and Excel workbook; one-stop statistics files; costing sheets. Inputs are valid
ones with one to three fields replaced by random types, sizes and values, plus
whole-file nasties (:mod:`tests.fuzz_support_inputs`).

Two stages, to keep the module within about four minutes of CI on two cores:

- **parse/validate** (``test_parse_stage``): ``TTHC_FUZZ_CASES`` cases per importer
  (default 1.000) through the reader and the validation an import runs before storing
  (statistics validation reads a small SQLite catalogue, and writes nothing). Asserted:
  the only exception is the project's own (ImportFailed, StatsError, SheetError), and a
  refusal lists at least one problem with file and message.
- **end to end** (``test_end_to_end``): ``TTHC_FUZZ_E2E_CASES`` cases per importer
  (default 40, so 320 per database) through the import services on SQLite and on the
  real PostgreSQL server. Asserted as above, and: after a refusal the full dump of the
  database (every row of every table) is exactly the one taken before.

Hypothesis is derandomised (the same cases on every run, so CI is reproducible); set
``TTHC_FUZZ_RANDOM=1`` to draw new ones.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import SheetError, load_parameters, parse_sheet
from analysis.yamlio import YamlSyntaxError, load_yaml
from catalogue.costing.burden import from_json, save_sheet, to_json
from catalogue.onestop.stats import StatsError, import_stats, validate_stats
from catalogue.registry.db import make_engine, session_scope, upgrade
from catalogue.registry.errors import ImportFailed
from catalogue.registry.store import import_records
from catalogue.registry.validate import check_record, check_records
from catalogue.sources.formats import read_catalogue_file
from catalogue.sources.portal import iter_portal_jsonl, read_portal_excel
from catalogue.sources.service import import_files, import_portal_files
from catalogue.sources.stats_file import read_stats_file
from tests import fuzz_support_inputs as inp
from tests.factories import add_users, make_record
from tests.fuzz_support import dump

ROOT = Path(__file__).resolve().parents[1]
PARSE_CASES = int(os.environ.get("TTHC_FUZZ_CASES", "1000"))
E2E_CASES = int(os.environ.get("TTHC_FUZZ_E2E_CASES", "40"))
TODAY = date(2026, 6, 1)
IMPORTERS = (
    "portal_jsonl",
    "portal_excel",
    "own_json",
    "own_yaml",
    "own_csv",
    "own_xlsx",
    "stats",
    "sheet",
)
OWN_ERRORS = (ImportFailed, StatsError, SheetError)
SHEET_BASE = load_yaml(ROOT / "data" / "sheets" / "tax-reporting.yaml")


def _settings(cases: int):
    return settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=os.environ.get("TTHC_FUZZ_RANDOM") != "1",
        suppress_health_check=list(HealthCheck),
    )


def expect_named(run) -> str:
    """Run one import; "problem" when refused with named problems, else "accepted"."""
    try:
        run()
    except ImportFailed as exc:
        assert exc.problems
        assert all(p.file and p.message for p in exc.problems), exc.problems
        return "problem"
    except (StatsError, SheetError) as exc:
        assert str(exc).strip()
        return "problem"
    return "accepted"


def _rare(whole: list):
    """Usually None; one case in ten a whole-file nasty."""
    return st.integers(0, 9).flatmap(lambda i: st.sampled_from(whole) if i == 0 else st.none())


def _input(importer: str):
    """The strategy of one importer's hostile input."""
    if importer == "portal_jsonl":
        return st.tuples(inp.portal_objects(), _rare(inp.WHOLE_LINES))
    if importer == "portal_excel":
        return st.tuples(st.lists(inp.values, min_size=1, max_size=6), st.booleans())
    if importer == "own_json":
        return st.tuples(inp.records(), _rare(inp.WHOLE_JSON))
    if importer == "own_yaml":
        return st.tuples(inp.records(), _rare(inp.WHOLE_YAML))
    if importer in ("own_csv", "own_xlsx"):
        return st.tuples(inp.records(), st.none())
    if importer == "stats":
        return st.tuples(inp.stats_rows(), st.sampled_from(["csv", "csv", "xlsx"]))
    return st.tuples(inp.sheets(SHEET_BASE), st.none())


def _write(importer: str, folder: Path, case) -> Path | dict:
    """The file (or, for sheets, the data) of one case."""
    first, second = case
    if importer == "portal_jsonl":
        return inp.write_portal(folder / "p", first, second)
    if importer == "portal_excel":
        rows = inp.portal_list_rows(first, header_ok=second)
        return inp.write_workbook(folder / "list.xlsx", {"Danh sách": rows})
    if importer.startswith("own_"):
        return inp.write_own(folder / "c", importer[4:], first, second)
    if importer == "stats":
        if second == "xlsx":
            rows = [inp.STATS_HEADER, *first]
            return inp.write_workbook(folder / "s.xlsx", {"Thống kê": rows})
        return inp.write_csv_cells(folder / "s.csv", inp.STATS_HEADER, first)
    return first


# ---------------------------------------------------------------- parse/validate stage


@pytest.fixture(scope="module")
def catalogue_for_stats():
    """A small SQLite catalogue the statistics validation looks codes up in (read only)."""
    engine = make_engine("sqlite://")
    upgrade(engine)
    import_records(engine, [make_record()], source="fuzz")
    yield engine
    engine.dispose()


def _parse(importer: str, subject, stats_engine) -> None:
    """What an import does before it stores anything."""
    if importer == "portal_jsonl":
        problems = []
        for line, rec, found in iter_portal_jsonl(subject):
            problems += found
            if rec is not None and not found:
                problems += check_record(rec, file=str(subject), line=line)
        if problems:
            raise ImportFailed(problems)
    elif importer == "portal_excel":
        problems = check_records(read_portal_excel(subject), file=str(subject))
        if problems:
            raise ImportFailed(problems)
    elif importer.startswith("own_"):
        read_catalogue_file(subject)
    elif importer == "stats":
        frame, headers = read_stats_file(subject)
        with stats_engine.connect() as conn:
            found = validate_stats(
                frame, conn=conn, engine=stats_engine, file=str(subject), headers=headers,
                today=TODAY,
            )[3]  # fmt: skip
        if found:
            raise ImportFailed(found)
    else:
        parse_sheet(from_json(to_json(subject)), params=PARAMS, file="fuzz", today=TODAY)


PARAMS = load_parameters()


@pytest.mark.parametrize("importer", IMPORTERS)
def test_parse_stage(importer, catalogue_for_stats):
    outcomes: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        @_settings(PARSE_CASES)
        @given(case=_input(importer))
        def one(case):
            subject = _write(importer, folder, case)
            outcomes[expect_named(lambda: _parse(importer, subject, catalogue_for_stats))] += 1

        one()
    print(f"fuzz parse {importer}: {sum(outcomes.values())} cases {dict(outcomes)}")
    assert sum(outcomes.values()) >= PARSE_CASES
    # The inputs really are hostile (CSV cells hold only text, so fewer are refused there).
    assert outcomes["problem"] > PARSE_CASES // 10


# ---------------------------------------------------------------- end to end


def _import(importer: str, engine, subject, procedure_id: int) -> None:
    if importer.startswith("portal"):
        import_portal_files(engine, [subject], actor="admin")
    elif importer.startswith("own_"):
        import_files(engine, [subject], actor="admin")
    elif importer == "stats":
        import_stats(engine, subject, actor="admin", today=TODAY)
    else:
        with session_scope(engine) as session:
            save_sheet(session=session, actor="ruth", procedure_id=procedure_id, content=subject)


@pytest.mark.parametrize("importer", IMPORTERS)
def test_end_to_end(importer, engine):
    import_records(engine, [make_record()], source="fuzz")
    add_users(engine, {"admin": "admin", "ruth": "reviewer"})
    procedure_id = 1
    outcomes: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        @_settings(E2E_CASES)
        @given(case=_input(importer))
        def one(case):
            subject = _write(importer, folder, case)
            before = dump(engine)
            outcome = expect_named(lambda: _import(importer, engine, subject, procedure_id))
            if outcome == "problem":
                assert dump(engine) == before, "a refused import changed the database"
            outcomes[outcome] += 1

        one()
    print(f"fuzz e2e {importer} {engine.dialect.name}: {dict(outcomes)}")
    assert sum(outcomes.values()) >= E2E_CASES


def test_yaml_errors_are_the_projects_own():
    # The sheet editor and `tthc sheet save` read YAML text: its failures are
    # YamlSyntaxError (a ValueError naming line and column), never PyYAML's own.
    from analysis.yamlio import parse_yaml

    for text in inp.WHOLE_YAML:
        try:
            parse_yaml(text)
        except YamlSyntaxError as exc:
            assert exc.where
