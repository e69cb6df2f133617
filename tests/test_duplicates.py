"""Near-duplicate detection: level variants, copies under other agencies, what differs."""

from __future__ import annotations

from catalogue.quality.duplicates import (
    describe_differences,
    duplicate_report,
    find_duplicates,
    unexplained_words,
)
from catalogue.quality.search import SearchIndex
from catalogue.sources.service import import_files
from tests.match_support import SMALL, rec, write_catalogue_yaml


def codes_of(groups):
    return [sorted(m.code or f"id:{m.ids[0]}" for m in g.members) for g in groups]


def test_level_variants_with_two_codes_form_a_group():
    groups = find_duplicates(SearchIndex.build(SMALL))
    assert ["1.010719", "1.010727"] in codes_of(groups)


def test_same_code_at_two_agencies_only_on_request():
    index = SearchIndex.build(SMALL)
    assert not any("1.000894" in c for c in codes_of(find_duplicates(index)))
    with_same = find_duplicates(index, same_code=True)
    assert any(sorted(i for m in g.members for i in m.ids) == [1, 9] for g in with_same)


def test_mistyped_copy_without_code_is_found_but_reissue_is_not():
    records = [
        *SMALL,
        rec(20, None, "Chung thuc di chuc", agency="UBND xã C"),  # copy, accents lost
        rec(21, None, "Cấp Giấy chứng nhận giáo viên dạy thực hành lái xẹ (cấp huyện)"),
        rec(22, "9.000001", "Cấp lại Giấy chứng nhận giáo viên dạy thực hành lái xe"),
    ]
    groups = codes_of(find_duplicates(SearchIndex.build(records)))
    assert ["2.001019", "id:20"] in groups
    assert ["1.001765", "id:21"] in groups
    assert not any("9.000001" in g for g in groups)


def test_unexplained_words():
    assert unexplained_words("cap giay phep", "cap giay phpe") == 0
    assert unexplained_words("cap lai giay phep", "cap giay phep") == 1
    assert unexplained_words("dang ky khai sinh", "dang ky khai tu") == 2


def test_describe_differences():
    a = {
        "name": "Chứng thực di chúc",
        "field": "Chứng thực",
        "agency": "UBND xã A",
        "levels": ["commune"],
        "channels": [
            {"deadline": {"value": 2, "unit": "working_days"}, "fees": [{"amount": 50000}]}
        ],
        "documents": [{"name": "Di chúc"}, {"name": "Giấy tờ tùy thân"}],
    }
    b = {**a, "agency": "UBND xã B", "channels": [], "documents": [{"name": "Di chúc"}]}
    diff = describe_differences([a, b])
    assert diff["agency"] == ["UBND xã A", "UBND xã B"]
    assert diff["fees"] == [["50000 VND"], []]
    assert diff["deadlines"] == [["2 working_days"], []]
    assert diff["documents"] == [["giay to tuy than"], []]
    assert "name" not in diff and "field" not in diff


def test_duplicate_report_reads_the_database(engine, tmp_path):
    import_files(engine, [write_catalogue_yaml(tmp_path / "c.yaml")])
    groups = duplicate_report(engine)
    assert ["1.010719", "1.010727"] in codes_of(groups)
    group = next(g for g in groups if g.members[0].code == "1.010719")
    assert set(group.differences) >= {"name", "agency", "levels"}
    data = group.as_dict()
    # identical cores, conflicting level notes: 100 less the level penalty
    assert data["score"] == 95.0 and len(data["members"]) == 2
