"""Search: accents, typos, word order, abbreviations, filters, code prefixes, DB loader."""

from __future__ import annotations

import random
import time

import pandas as pd
import pytest

from catalogue.quality.search import SearchIndex, load_search_frame, search_catalogue
from catalogue.sources.service import import_files
from tests.match_support import SMALL, rec, write_catalogue_yaml


@pytest.fixture
def index():
    return SearchIndex.build(SMALL)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("dang ky ket hon", "1.000894"),  # no accents
        ("đăng ký kêt hôn", "1.000894"),  # a wrong accent
        ("dang ky ket hno", "1.000894"),  # transposed letters
        ("ket hon dang ky", "1.000894"),  # word order
        ("chung thuc di chuc", "2.001019"),
        ("chung thuc di ch", "2.001019"),  # word still being typed
        ("cap GCN giao vien day lai xe", "1.001765"),  # abbreviation
        ("giay phep lien van Lao Campuchia", "1.002877"),
        ("giấy phép môi trường (cấp tỉnh)", "1.010727"),  # level note prefers its level
    ],
)
def test_search_finds_best_first(index, query, code):
    hits = index.search(query, limit=5)
    assert hits and hits[0].code == code


def test_hits_are_tuples_of_id_score_name_code(index):
    pid, score, name, code = index.search("chung thuc di chuc")[0]
    assert (pid, code, name) == (4, "2.001019", "Chứng thực di chúc")
    assert score == 100.0


def test_same_name_at_two_agencies_both_returned(index):
    hits = index.search("dang ky ket hon", limit=2)
    assert {h.id for h in hits} == {1, 9}


def test_filters(index):
    hits = index.search("dang ky ket hon", filters={"agency": "UBND tỉnh B"})
    assert [h.id for h in hits] == [9]
    hits = index.search("giay phep moi truong", filters={"levels": ["ministry"]})
    assert [h.code for h in hits] == ["1.010719"]
    road = index.search("chung thuc", filters={"field": ["Đường bộ"]})
    assert all(h.code in ("1.001765", "1.002877") for h in road)
    with pytest.raises(ValueError):
        index.search("x", filters={"colour": "red"})


def test_code_prefix(index):
    assert [h.code for h in index.search("1.01072")] == ["1.010727"]
    assert index.search("2.001019")[0].score == 100.0


def test_code_search_with_filters_set(index):
    # Issue 18: a code query with any filter crashed ("output array is read-only").
    # 1.000894 is catalogued at UBND tỉnh A (id 1) and UBND tỉnh B (id 9), both communes.
    hits = index.search("1.000894", filters={"agency": "UBND tỉnh B", "levels": ["commune"]})
    assert [(h.id, h.score) for h in hits] == [(9, 100.0)]
    prefix = index.search("1.00", filters={"field": ["Đường bộ"]})
    assert sorted(h.code for h in prefix) == ["1.001765", "1.002877"]
    assert index.search("1.000894", filters={"levels": ["ministry"]}) == []


def test_nothing_to_find(index):
    assert index.search("") == []
    assert index.search("xyzzy qwerty") == []


def test_build_from_frame_equals_build_from_records():
    frame = pd.DataFrame(SMALL)
    a = SearchIndex.build(frame).search("ket hon")
    b = SearchIndex.build(SMALL).search("ket hon")
    assert a == b


def test_search_is_fast_at_100k_procedures():
    # 100.000 procedures: 5.000 distinct names instantiated at 20 agencies each.
    rng = random.Random(3)
    words = (
        "cấp lại đổi giấy phép chứng nhận đăng ký đất đai xây dựng môi trường khai thác "
        "khoáng sản hộ tịch kết hôn thuế thu nhập doanh nghiệp công trình thủy lợi biển"
    ).split()
    names = [" ".join(rng.choices(words, k=rng.randint(5, 14))) for _ in range(5000)]
    records = [
        rec(i, f"1.{i % 5000:06d}", names[i % 5000], agency=f"Tỉnh {i // 5000}")
        for i in range(100_000)
    ]
    index = SearchIndex.build(records)
    queries = ["giay phep xay dung", "dang ky dat dai", "cap doi chung nhan", "thue thu nhap"]
    start = time.perf_counter()
    for query in queries:
        assert index.search(query, limit=20)
    assert (time.perf_counter() - start) / len(queries) < 0.3


def test_load_search_frame_and_search_catalogue(engine, tmp_path):
    import_files(engine, [write_catalogue_yaml(tmp_path / "c.yaml")])
    frame = load_search_frame(engine)
    assert list(frame.columns) == ["id", "code", "name", "field", "agency", "levels", "status"]
    assert len(frame) == len(SMALL)
    row = frame[frame["code"] == "2.001019"].iloc[0]
    assert row["agency"] == "UBND tỉnh A" and row["levels"] == ["commune"]
    hits = search_catalogue(engine, "chung thuc di chuc", limit=1)
    assert hits[0].code == "2.001019"
