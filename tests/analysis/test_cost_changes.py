"""Change types (a parametrised table), whole-proposal validation, baseline untouched."""

from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest
from cost_factories import TODAY, make_sheet, make_sheet_data

from analysis.changes import CHANGE_TYPES, apply_option
from analysis.errors import SheetError
from analysis.reference import evaluate_sheet

R = {"reason": "lý do"}

# (change, what to read from the changed sheet, expected) — baseline in conftest.BASE_SHEET
CASES = [
    ({"type": "set_frequency", "value": 0.5}, lambda s: s.frequency.value, D("0.5")),
    ({"type": "set_population", "value": 200}, lambda s: s.population.value, D(200)),
    (
        {"type": "set_channels", "value": {"direct": 0.5, "online": 0.5}},
        lambda s: s.channels,
        {"direct": D("0.5"), "online": D("0.5")},
    ),
    ({"type": "set_deadline", "days": 5}, lambda s: s.deadline_days["online"], D(5)),
    (
        {"type": "set_deadline", "channel": "direct", "days": 3},
        lambda s: s.deadline_days,
        {"direct": D(3)},
    ),
    ({"type": "set_fee", "name": "Lệ phí", "amount": 0}, lambda s: s.fees[0].amount.value, D(0)),
    ({"type": "remove_fee", "name": "Lệ phí"}, lambda s: s.fees, ()),
    (
        {"type": "remove_document", "document": "Giấy xác nhận"},
        lambda s: ([d.name for d in s.documents], [a.name for a in s.activities]),
        (["Tờ khai"], ["Điền tờ khai", "Nộp hồ sơ"]),
    ),
    (
        {
            "type": "replace_document_with_lookup",
            "document": "Giấy xác nhận",
            "database": "CSDL dân cư",
        },
        lambda s: (len(s.activities), s.data_reuse[0].database),
        (2, "CSDL dân cư"),
    ),
    (
        {"type": "set_activity", "name": "Nộp hồ sơ", "hours": 0.5},
        lambda s: s.activities[2].hours.value,
        D("0.5"),
    ),
    ({"type": "remove_activity", "name": "Nộp hồ sơ"}, lambda s: len(s.activities), 2),
    (
        {"type": "add_activity", "name": "Tra cứu", "hours": 0.25, "channels": ["online"]},
        lambda s: (s.activities[-1].name, s.activities[-1].channels, s.activities[-1].people.value),
        ("Tra cứu", ("online",), D(1)),
    ),
]


def test_every_change_type_has_a_case():
    assert {c[0]["type"] for c in CASES} == set(CHANGE_TYPES)


@pytest.mark.parametrize(
    ("change", "read", "expected"), CASES, ids=[f"{i}-{c[0]['type']}" for i, c in enumerate(CASES)]
)
def test_change_type(params, change, read, expected):
    sheet = make_sheet(
        params, options=[{"id": "o", "action": "amend", "changes": [{**change, **R}]}]
    )
    changed = apply_option(sheet, sheet.options[0])
    assert read(changed) == expected


def test_baseline_untouched_by_every_option(params):
    options = [
        {"id": f"o{i}", "action": "amend", "changes": [{**change, **R}]}
        for i, (change, _, _) in enumerate(CASES)
    ]
    options.append({"id": "bo", "action": "abolish", "reason": "x"})
    sheet = make_sheet(params, options=options)
    snapshot = copy.deepcopy(sheet)
    before = evaluate_sheet(sheet).baseline
    for option in sheet.options:
        apply_option(sheet, option)
    result = evaluate_sheet(sheet)
    assert sheet == snapshot
    assert result.baseline == before


def test_abolish_zeroes_costs(params):
    sheet = make_sheet(params, options=[{"id": "bo", "action": "abolish", "reason": "x"}])
    (out,) = evaluate_sheet(sheet).options
    assert (out.unit_cost, out.annual_cost, out.documents, out.activities) == (0, 0, 0, 0)
    assert out.cut_rate == D("100.00")


def _problems(params, data):
    with pytest.raises(SheetError) as info:
        from analysis.sheet import parse_sheet

        parse_sheet(data, params=params, file="s.yaml", today=TODAY)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ([{"type": "nope"}], "options[0].changes[0].type"),
        ([{"type": "remove_document", "document": "X"}], "options[0].changes[0].document"),
        ([{"type": "remove_fee", "name": "X"}], "options[0].changes[0].name"),
        ([{"type": "set_activity", "name": "X", "hours": 1}], "options[0].changes[0].name"),
        (
            [{"type": "set_activity", "name": "Nộp hồ sơ", "hours": -1}],
            "options[0].changes[0].hours",
        ),
        ([{"type": "set_channels", "value": {"direct": 0.5}}], "options[0].changes[0].value"),
        ([{"type": "set_frequency"}], "options[0].changes[0].value"),
        ([{"type": "add_activity", "name": "Nộp hồ sơ", "hours": 1}], "options[0].changes[0].name"),
        # the second change refers to an activity the first one removed
        (
            [
                {"type": "remove_activity", "name": "Nộp hồ sơ"},
                {"type": "set_activity", "name": "Nộp hồ sơ", "hours": 1},
            ],
            "options[0].changes[1].name",
        ),
    ],
)
def test_invalid_change_names_key_path(params, changes, path):
    changes = [{**c, **R} for c in changes]
    problems = _problems(
        params, make_sheet_data(options=[{"id": "o", "action": "amend", "changes": changes}])
    )
    assert any(p.startswith(path + ":") for p in problems), problems


def test_missing_reason_is_invalid(params):
    data = make_sheet_data(
        options=[{"id": "o", "action": "amend", "changes": [{"type": "set_frequency", "value": 2}]}]
    )
    assert _problems(params, data) == ["options[0].changes[0].reason: missing"]


def test_whole_proposal_rejected_nothing_applied(params):
    sheet = make_sheet(
        params,
        options=[
            {"id": "o", "action": "amend", "changes": [{"type": "set_frequency", "value": 2, **R}]}
        ],
    )
    from analysis.model import Change, Option

    bad = Option(
        "bad",
        "amend",
        (
            Change("set_frequency", {"value": sheet.frequency}, "r", path="options[1].changes[0]"),
            Change("remove_fee", {"name": "X"}, "r", path="options[1].changes[1]"),
        ),
    )
    snapshot = copy.deepcopy(sheet)
    with pytest.raises(SheetError) as info:
        apply_option(sheet, bad)
    assert str(info.value.problems[0]).startswith("options[1].changes[1].name")
    assert sheet == snapshot
