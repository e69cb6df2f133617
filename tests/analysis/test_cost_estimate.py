"""Estimated baselines from registry records: figures worked out by hand from the method."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from analysis.document_kinds import document_kind
from analysis.estimate import estimate_sheet, subject_shares
from analysis.fee_reading import read_channel_fees
from analysis.reference import evaluate_sheet
from analysis.report import estimated_figures
from catalogue.registry.records import empty_record

ON = date(2026, 1, 1)


def _record(**fields):
    record = empty_record()
    record.update(code="1.000123", name="Cấp phép", levels=["district"], subjects=["Công dân"])
    record.update(fields)
    return record


def _channel(kind, days=None, unit="working_days", fees=(), description=None):
    return {
        "kind": kind,
        "deadline": {"value": days, "unit": unit, "raw": ""},
        "fees": list(fees),
        "description": description,
        "raw": "",
    }


def _fee(amount, currency="VND", kind="le_phi", free=False, unit=None, raw=""):
    return {
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "free": free,
        "unit": unit,
        "raw": raw,
    }


def test_estimate_from_record(params):
    record = _record(
        channels=[
            _channel("direct", 10, fees=[_fee(50000)]),
            _channel("online", 7, "days", [_fee(50000)]),
        ],
        documents=[
            {"name": "Tờ khai", "copies": 0, "certified_copies": 0, "template": "Mẫu 01"},
            {"name": "CCCD", "copies": 1, "certified_copies": 1, "template": None},
        ],
        volumes=[
            {"year": 2023, "received": 900, "online": 100},
            {"year": 2024, "received": 1200, "online": 300},
        ],
    )
    sheet = estimate_sheet(record, params, on=ON)
    assert sheet.estimated and sheet.subject == "citizen" and sheet.population_known
    assert sheet.channels == {"direct": D("0.75"), "online": D("0.25")}
    assert sheet.deadline_days == {"direct": D(10), "online": D(5)}  # 7 calendar days × 5/7
    assert sheet.population.value == 1200 and sheet.population.method == "estimate"
    assert len(sheet.fees) == 1 and sheet.fees[0].channels is None  # same fee on both channels
    for a in sheet.activities:
        assert a.hours.method in ("default", "estimate")
    assert {f.path for f in estimated_figures(sheet)} >= {"hourly_rate", "population", "frequency"}
    result = evaluate_sheet(sheet)
    # common: learn 1 + form 1 + other paper 0,5 + certification 1 = 3,5 h; copy 2.000,
    # certification 4.000, fee 50.000; direct (district): 2 trips 4 h + 60.000, resubmission
    # 0,2 × (1 + 2) h + 0,2 × 30.000; online: resubmission 0,2 h + submission 0,5 h.
    rate = D(43750)
    common = D("3.5") * rate + 56000
    direct = D("4.6") * rate + 66000
    online = D("0.7") * rate
    assert common + D("0.75") * direct + D("0.25") * online == D("417218.75")
    assert result.baseline.unit_cost == 417219  # rounded half-up
    assert result.baseline.annual_cost == 417219 * 1200 - 300  # 417.218,75 × 1.200 exactly
    assert result.baseline.deadline_days == D("8.75")


def test_no_evidence_no_population(params):
    sheet = estimate_sheet(_record(subjects=["Doanh nghiệp"], levels=[]), params, on=ON)
    assert sheet.subject == "enterprise" and sheet.hourly_rate.value == 62500
    assert sheet.channels == {"direct": 1}
    assert not sheet.population_known and sheet.population.value == 0
    assert "chưa có số liệu" in sheet.population.source
    # no population, no yearly cost (README: "chưa có số liệu"), not a cost of 0
    assert evaluate_sheet(sheet).baseline.annual_cost is None
    assert evaluate_sheet(sheet).baseline.unit_cost > 0
    assert any("travel" == a.kind for a in sheet.activities)


def test_volume_override_and_usd_fee(params):
    record = _record(channels=[_channel("postal", fees=[_fee(20, "USD"), _fee(None)])])
    sheet = estimate_sheet(record, params, volume=50, on=ON)
    assert sheet.population.value == 50 and sheet.population_known
    assert len(sheet.fees) == 1 and sheet.fees[0].currency == "USD"  # no amount: left out
    assert sheet.fee_vnd(sheet.fees[0]) == 20 * 25450


def test_equal_shares_sum_to_one(params):
    record = _record(channels=[_channel("direct"), _channel("online"), _channel("postal")])
    sheet = estimate_sheet(record, params, on=ON)
    assert sum(sheet.channels.values()) == 1
    assert sheet.channels["direct"] == D("0.3334")


def test_nearest_level_prices_the_trip(params):
    record = _record(levels=["ministry", "province", "commune"], channels=[_channel("direct")])
    sheet = estimate_sheet(record, params, on=ON)
    travel = next(a for a in sheet.activities if a.kind == "travel")
    assert travel.hours.value == 2 and travel.out_of_pocket.value == 20000  # 2 × commune


@pytest.mark.parametrize(
    ("levels", "agency", "hours", "fare"),
    [
        # a customs branch filed under "Cấp xã": the trip is to an "other" agency (4 h, 60.000 đ)
        (["commune"], "Chi cục Hải quan khu vực", 8, 120000),
        (["ministry", "province", "commune"], "Chi cục Hải quan khu vực, Cục Hải quan", 8, 120000),
        # a commune body among the agencies: the commune trip stays (1 h, 10.000 đ)
        (["commune"], "Chi cục Hải quan khu vực, UBND cấp xã", 2, 20000),
        (["commune"], "Thuế cơ sở", 2, 20000),
        (["commune"], None, 2, 20000),
    ],
)
def test_regional_offices_are_not_commune_trips(params, levels, agency, hours, fare):
    record = _record(levels=levels, agency=agency, channels=[_channel("direct")])
    travel = next(a for a in estimate_sheet(record, params, on=ON).activities if a.kind == "travel")
    assert (travel.hours.value, travel.out_of_pocket.value) == (hours, fare)


def test_fee_set_under_the_fee_law_is_not_read_as_free(params):
    raw = "Miễn phí(Theo quy định của Luật phí và lệ phí và các văn bản quy phạm pháp luật.)"
    (reading,) = _read([_fee(0, kind="unspecified", free=True, raw=raw)], params=params)
    assert reading.amount_vnd == 0 and "Luật Phí và lệ phí" in reading.rule
    (free,) = _read([_fee(0, kind="unspecified", free=True, raw="Miễn phí")], params=params)
    assert "Luật" not in free.rule


def test_alternative_cases_take_the_low_average(params):
    # case A: a form (1 h); case B: drawings (40 h + 30.000.000 đ): the mean is above A, so
    # only A is kept, with weight 1
    docs = [
        {"name": "Đơn đề nghị", "case": "Trường hợp A"},
        {"name": "Bản vẽ thiết kế", "case": "Trường hợp B"},
    ]
    sheet = estimate_sheet(_record(documents=docs), params, on=ON)
    prepared = {a.document: a.hours.value for a in sheet.activities if a.document}
    assert prepared == {"Đơn đề nghị": 1}


@pytest.mark.parametrize(
    ("subjects", "enterprise"),
    [
        (["Công dân Việt Nam"], "0"),
        (["Tổ chức (không bao gồm doanh nghiệp, HTX)"], "0"),  # not an enterprise
        (["Doanh nghiệp", "Hợp tác xã"], "1"),
        (
            ["Công dân Việt Nam", "Doanh nghiệp", "Tổ chức (không bao gồm doanh nghiệp, HTX)"],
            "0.3333",
        ),
        (["Nhà đầu tư", "Cá nhân"], "0.5"),
        ([], "0"),
    ],
)
def test_subject_shares(subjects, enterprise):
    shares = subject_shares(subjects)
    assert shares["enterprise"] == D(enterprise)
    assert shares["citizen"] + shares["enterprise"] == 1


@pytest.mark.parametrize(
    ("name", "template", "kind"),
    [
        ("Tờ khai đăng ký thuế", False, "form"),
        ("Đơn đề nghị cấp giấy phép xây dựng theo Mẫu số 1", False, "form"),
        ("Văn bản đề nghị thẩm định báo cáo đánh giá tác động môi trường", False, "form"),
        ("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", False, "copy"),
        ("Bản chụp giấy tờ tùy thân", False, "copy"),
        ("Bản sao có chứng thực hợp đồng thuê đất", False, "certified_copy"),
        ("Văn bản chấp thuận của Sở Xây dựng", False, "confirmation"),
        ("Giấy xác nhận của Ủy ban nhân dân cấp xã", False, "confirmation"),
        ("Báo cáo kết quả quan trắc môi trường lao động", False, "technical_report"),
        ("Thuyết minh quy trình công nghệ", False, "technical_report"),
        ("02 bộ bản vẽ thiết kế xây dựng", False, "drawings"),
        ("Báo cáo đánh giá tác động môi trường của dự án", False, "environmental_report"),
        ("Hồ sơ dự án đầu tư xây dựng", False, "project_dossier"),
        ("Báo cáo tài chính năm gần nhất đã được kiểm toán", False, "financial_statements"),
        ("Hộ chiếu (xuất trình bản chính để đối chiếu)", False, "shown"),
        ("CCCD", False, "other"),
        ("CCCD", True, "form"),
        # a surveyed cadastral extract or a parcel split drawing is a surveyor's product
        ("Mảnh trích đo bản đồ địa chính thửa đất đối với trường hợp có nhu cầu", False,
         "cadastral_survey"),
        ("Bản vẽ tách thửa đất, hợp thửa đất theo Mẫu số 22", False, "cadastral_survey"),
        ("Bản sao mảnh trích đo bản đồ địa chính", False, "copy"),
        ("Trích lục bản đồ địa chính thửa đất", False, "other"),  # an extract, not a survey
        # the result of a specialised inspection, from another agency: not a "bản chụp"
        ("Giấy chứng nhận kiểm tra chuyên ngành: 01 bản chính. Trường hợp … nộp bản chụp", False,
         "confirmation"),
    ],
)  # fmt: skip
def test_document_kind_vocabulary(name, template, kind):
    assert document_kind(name, template=template) == kind


def _read(fees, description=None, flags=(), params=None):
    return read_channel_fees(
        [_channel("direct", fees=fees, description=description)], list(flags), params, ON
    )


def test_tiers_and_cap_give_one_execution(params):
    fees = [
        _fee(2000, kind="phi", unit="/trang", raw="Phí 2.000 đồng/trang"),
        _fee(1000, kind="phi", unit="/trang", raw="Từ trang thứ ba trở lên thu 1.000 đồng/trang"),
        _fee(200000, kind="phi", unit="/bản", raw="Tối đa không quá 200.000 đồng/bản"),
    ]
    (reading,) = _read(fees, params=params)
    assert reading.amount_vnd == 4000  # 2 typical pages × 2.000 đ; the tier starts at page 3
    assert reading.rule.startswith("2 trang × 2.000 đ")


def test_alternatives_of_one_kind_take_the_low_average(params):
    fees = [_fee(100000, raw="a"), _fee(300000, raw="b"), _fee(200000, raw="c")]
    (reading,) = _read(fees, params=params)
    assert reading.amount_vnd == 150000  # mean 200.000; (100.000 + 200.000) / 2
    assert len(reading.alternatives) == 3


def test_fees_of_different_kinds_add_up(params):
    fees = [_fee(50000, kind="le_phi", unit="/lần"), _fee(300000, kind="phi", unit="/hồ sơ")]
    assert sorted(r.amount_vnd for r in _read(fees, params=params)) == [50000, 300000]


def test_reduction_suspect_and_unknown_unit_are_left_out(params):
    fees = [
        _fee(200000, kind="phi", raw="Phí 200.000 đồng/lần/người", unit="/lần/người"),
        _fee(100000, kind="phi", raw="Phí 100.000 đồng đối với sinh viên", unit="/lần"),
        _fee(50, kind="le_phi", raw="50 Việt Nam Đồng"),
        _fee(5000, kind="unspecified", raw="5.000 đồng/tấn", unit="/tấn"),
    ]
    flags = [{"kind": "fee_amount_suspect", "raw": "50 Việt Nam Đồng"}]
    readings = _read(fees, flags=flags, params=params)
    assert [(r.kind, r.amount_vnd) for r in readings] == [("phi", 200000)]
    left_out = " ".join(readings[0].left_out)
    assert "sinh viên" in left_out and "đáng ngờ" in left_out and "/tấn" in left_out


def test_pages_tier_from_the_description(params):
    fees = [_fee(2000, unit="/trang", raw="2,000 Việt Nam Đồng(/trang)")]
    text = "2.000 đồng/trang; từ trang thứ 2 trở lên thu 1.000 đồng/trang, tối đa 200.000 đồng/bản"
    (reading,) = _read(fees, description=text, params=params)
    assert reading.amount_vnd == 3000  # page 1 × 2.000 + page 2 × 1.000
