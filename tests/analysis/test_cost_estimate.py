"""Estimated baselines from registry records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from analysis.estimate import estimate_sheet
from analysis.reference import evaluate_sheet
from analysis.report import estimated_figures
from catalogue.registry.records import empty_record

ON = date(2026, 1, 1)


def _record(**fields):
    record = empty_record()
    record.update(code="1.000123", name="Cấp phép", levels=["district"], subjects=["Công dân"])
    record.update(fields)
    return record


def _channel(kind, days=None, unit="working_days", fees=()):
    return {
        "kind": kind,
        "deadline": {"value": days, "unit": unit, "raw": ""},
        "fees": list(fees),
        "description": None,
        "raw": "",
    }


def _fee(amount, currency="VND", kind="le_phi", free=False):
    return {
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "free": free,
        "unit": None,
        "raw": "",
    }


def test_estimate_from_record(params):
    record = _record(
        channels=[
            _channel("direct", 10, fees=[_fee(50000)]),
            _channel("online", 7, "days", [_fee(50000)]),
        ],
        documents=[
            {
                "name": "Tờ khai",
                "originals": 1,
                "copies": 0,
                "certified_copies": 0,
                "template": "Mẫu 01",
            },
            {"name": "CCCD", "originals": 0, "copies": 1, "certified_copies": 1, "template": None},
        ],
        volumes=[
            {"year": 2023, "received": 900, "online": 100},
            {"year": 2024, "received": 1200, "online": 300},
        ],
    )
    sheet = estimate_sheet(record, params, on=ON)
    assert sheet.estimated and sheet.subject == "citizen"
    assert sheet.channels == {"direct": D("0.75"), "online": D("0.25")}
    assert sheet.deadline_days == {"direct": D(10), "online": D(5)}  # 7 calendar days × 5/7
    assert sheet.population.value == 1200 and sheet.population.method == "estimate"
    assert len(sheet.fees) == 1 and sheet.fees[0].channels is None  # same fee on both channels
    names = [a.name for a in sheet.activities]
    assert "Chứng thực bản sao: CCCD" in names and "Nộp hồ sơ trực tuyến" in names
    # every figure carries a method: default or estimate
    for a in sheet.activities:
        assert a.hours.method in ("default", "estimate")
    assert {f.path for f in estimated_figures(sheet)} >= {"hourly_rate", "population", "frequency"}
    result = evaluate_sheet(sheet)
    # 0,75 × direct + 0,25 × online; hourly 43.750 đ (7,7 triệu ÷ 22 ÷ 8)
    labour_common = (1 + 1 + D("0.5") + D("0.5") + 1) * 43750 + 2000 + 4000 + 50000
    direct = labour_common + 4 * 43750 + 60000
    online = labour_common + D("0.5") * 43750
    assert D("0.75") * direct + D("0.25") * online == D("412718.75")
    assert result.baseline.unit_cost == 412719  # rounded half-up
    assert result.baseline.deadline_days == D("8.75")


def test_defaults_without_volumes_or_channels(params):
    sheet = estimate_sheet(_record(subjects=["Doanh nghiệp"], levels=[]), params, on=ON)
    assert sheet.subject == "enterprise"
    assert sheet.channels == {"direct": 1}
    assert sheet.population.method == "default" and sheet.population.value == 1000
    assert any("travel" == a.kind for a in sheet.activities)


def test_volume_override_and_usd_fee(params):
    record = _record(channels=[_channel("postal", fees=[_fee(20, "USD"), _fee(None)])])
    sheet = estimate_sheet(record, params, volume=50, on=ON)
    assert sheet.population.value == 50
    assert (
        len(sheet.fees) == 1 and sheet.fees[0].currency == "USD"
    )  # the fee without amount is left out
    result = evaluate_sheet(sheet)
    assert result.baseline.unit_cost > 20 * 25450


def test_equal_shares_sum_to_one(params):
    record = _record(channels=[_channel("direct"), _channel("online"), _channel("postal")])
    sheet = estimate_sheet(record, params, on=ON)
    assert sum(sheet.channels.values()) == 1
    assert sheet.channels["direct"] == D("0.3334")
