"""Fixtures for the dashboard tests: a prepared demo database copied per test, and AppTest.

The demo database (demo catalogue, demo users, one stored costing sheet) is built once per
session; every test gets its own copy through ``TTHC_DATABASE_URL``, so tests that change
data never see each other.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SHEET = ROOT / "data" / "sheets" / "tax-reporting.yaml"
# A demo procedure the tests cost with the published tax-reporting sheet.
SHEET_PROCEDURE_NAME = "Thủ tục đăng ký khai sinh"
DEMO_PASSWORDS = {
    "reviewer": "reviewer-demo",
    "chair": "chair-demo-1",
    "analyst": "analyst-demo",
    "admin": "admin-demo-1",
}


def _json_ready(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if hasattr(value, "is_finite"):  # Decimal
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def store_tax_sheet(engine) -> int:
    """Store the published tax-reporting sheet (without options) for a demo procedure."""
    from analysis.yamlio import load_yaml
    from catalogue.registry.models import CostingSheet, Procedure

    content = load_yaml(SHEET)
    content.pop("options", None)
    with Session(engine) as session:
        proc = session.exec(
            select(Procedure).where(Procedure.name == SHEET_PROCEDURE_NAME).order_by(Procedure.id)
        ).first()
        existing = session.exec(
            select(CostingSheet).where(CostingSheet.procedure_id == proc.id)
        ).first()
        if existing is None:
            session.add(
                CostingSheet(procedure_id=proc.id, content=_json_ready(content), author="test")
            )
            session.commit()
        return proc.id


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    """A migrated demo database with demo users and one stored costing sheet."""
    from catalogue.registry.demo_users import ensure_demo_users
    from catalogue.sources.service import load_demo_if_empty, open_catalogue

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = open_catalogue(f"sqlite:///{path}")
    load_demo_if_empty(engine)
    ensure_demo_users(engine)
    store_tax_sheet(engine)
    engine.dispose()
    return path


@pytest.fixture
def app_db(demo_db_file, tmp_path, monkeypatch) -> str:
    """A private copy of the demo database, configured through ``TTHC_DATABASE_URL``."""
    path = tmp_path / "tthc.sqlite"
    shutil.copy(demo_db_file, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("TTHC_DATABASE_URL", url)
    st.cache_data.clear()
    return url


@pytest.fixture
def sheet_procedure_id(app_db) -> int:
    """Id of the demo procedure that has the stored tax-reporting sheet."""
    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(app_db, migrate=False)
    try:
        return store_tax_sheet(engine)
    finally:
        engine.dispose()


@pytest.fixture
def app(app_db):
    """A fresh AppTest of the whole dashboard (not yet run)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=120)
