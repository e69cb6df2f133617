"""The embedded demo catalogue (data/demo/catalogue.yaml) is valid, varied and importable."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from catalogue.registry.records import PROCEDURE_KEYS
from catalogue.registry.vocab import LEVEL_CODES
from catalogue.sources.formats import read_catalogue_file
from catalogue.sources.service import import_files

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "catalogue.yaml"
CODE_RE = re.compile(r"[12]\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.H\d{2}|\.H\d{2})?")
COUNT_KEYS = ("resolved_early", "resolved_on_time", "resolved_late", "pending")


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [rec for _, rec in read_catalogue_file(DEMO)]


def test_file_is_utf8_nfc() -> None:
    text = DEMO.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text


def test_size_and_variety(records) -> None:
    assert len(records) >= 40
    assert len({rec["field"] for rec in records}) >= 8
    levels = {level for rec in records for level in rec["levels"]}
    assert levels == set(LEVEL_CODES)
    assert {rec["status"] for rec in records} >= {"active", "amended", "abolished"}


def test_every_key_present_and_codes_well_formed(records) -> None:
    raw_text = DEMO.read_text(encoding="utf-8")
    assert raw_text.count("\n- code:") == len(records)
    for rec in records:
        assert set(rec) == set(PROCEDURE_KEYS), rec["name"]
        assert rec["code"] and CODE_RE.fullmatch(rec["code"]), rec["code"]
        assert rec["name"].strip() and rec["agency"] and rec["levels"] and rec["channels"]
        assert rec["source_url"] is None


def test_volumes_consistent(records) -> None:
    for rec in records:
        assert rec["volumes"], rec["code"]
        years = [vol["year"] for vol in rec["volumes"]]
        assert len(years) == len(set(years)) and set(years) <= {2023, 2024, 2025}
        for vol in rec["volumes"]:
            where = f"{rec['code']} {vol['year']}"
            assert sum(vol[key] for key in COUNT_KEYS) <= vol["received"], where
            assert vol["online"] <= vol["received"], where


def test_import_creates_every_procedure_then_nothing_changes(sqlite_engine, records) -> None:
    first = import_files(sqlite_engine, [DEMO])
    assert first.read == len(records)
    assert first.created == len(records)
    second = import_files(sqlite_engine, [DEMO])
    assert second.created == 0 and second.updated == 0
    assert second.unchanged == len(records)
