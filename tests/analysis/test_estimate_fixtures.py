"""Real records (and demo records named in issue 13) → the readings an estimate must take.

Each ``tests/fixtures/estimates/*.yaml`` holds a record (a portal record excerpt, read by
the importer's parser, or a canonical demo record) and figures computed by hand in its
``computation`` text: hourly rate, the kind of each document, the fees (amount in đồng,
channels, number of alternatives listed), consultant cost, hours and the cost of one
execution. None is produced by the estimator.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analysis.document_kinds import document_kind
from analysis.estimate import estimate_sheet
from analysis.reference import evaluate_sheet
from analysis.yamlio import load_yaml
from catalogue.registry.records import empty_record
from catalogue.sources.portal import parse_portal_record

ON = date(2026, 1, 1)
FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "estimates").glob("*.yaml"))


def _record(fixture: dict) -> dict:
    if "portal" in fixture:
        return parse_portal_record(fixture["portal"])
    record = empty_record()
    record.update(fixture["record"])
    return record


def test_the_named_records_are_all_there():
    names = " ".join(p.stem for p in FIXTURES)
    for word in ("thi-thuc", "chung-thuc", "ly-lich-tu-phap", "xay-dung-cap-i-ii", "moi-truong"):
        assert word in names


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_reading(path, params):
    fixture = load_yaml(path)
    expect = fixture["expect"]
    record = _record(fixture)
    sheet = estimate_sheet(record, params, on=ON)
    assert sheet.hourly_rate.value == Decimal(str(expect["hourly_rate"]))
    assert sheet.population_known is expect["population_known"]
    kinds = [
        document_kind(d.get("name"), template=bool(d.get("template"))) for d in record["documents"]
    ]
    assert kinds == expect["document_kinds"]
    fees = [
        {
            "amount_vnd": sheet.fee_vnd(f),
            "channels": list(f.channels) if f.channels else None,
            "alternatives": len(f.alternatives),
        }
        for f in sheet.fees
    ]
    for got, want in zip(fees, expect["fees"], strict=True):
        assert got["amount_vnd"] == Decimal(str(want["amount_vnd"]))
        assert got["channels"] == want["channels"]
        assert got["alternatives"] == want["alternatives"]
    for fee, want in zip(sheet.fees, expect["fees"], strict=True):
        if "currency" in want:
            assert fee.currency == want["currency"]
        if "amount" in want:
            assert fee.amount.value == Decimal(str(want["amount"]))
        assert fee.rule  # every fee states how it was read
    if "consultant" in expect:
        consultant = sum(a.out_of_pocket.value for a in sheet.activities if a.kind == "consultant")
        assert consultant == expect["consultant"]
    if "hours" in expect:
        direct = sum(a.hours.value for a in sheet.activities if a.applies_to("direct"))
        assert direct == Decimal(str(expect["hours"]))
    for channel, days in expect.get("deadline_days", {}).items():
        assert sheet.deadline_days[channel] == Decimal(str(days))
    result = evaluate_sheet(sheet)
    assert result.baseline.unit_cost == expect["unit_cost"]
    if not expect["population_known"]:
        # no population, no yearly cost ("chưa có số liệu"), not a cost of 0
        assert result.baseline.annual_cost is None and sheet.population.value == 0
