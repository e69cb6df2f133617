"""Matching weighs the words that change the meaning (issue 17): the leading verbs,
level notes typed with slips, and names with no good candidate.

The small catalogue and the expected answers are written by hand.
"""

from __future__ import annotations

import pytest

from catalogue.quality.matching import match_names
from catalogue.quality.search import SearchIndex
from catalogue.quality.textnorm import actions_of, normalise_name
from tests.match_support import rec

CATALOGUE = [
    rec(1, "1.000001", "Cấp giấy phép hoạt động bến thủy nội địa"),
    rec(2, "1.000002", "Cấp lại giấy phép hoạt động bến thủy nội địa"),
    rec(3, "1.000003", "Cấp đổi giấy phép lái xe"),
    rec(4, "1.000004", "Gia hạn giấy phép hoạt động bến thủy nội địa"),
    rec(5, "1.010719", "Cấp giấy phép môi trường (cấp Bộ)", levels=("ministry",)),
    rec(6, "1.010727", "Cấp giấy phép môi trường (cấp Tỉnh)"),
    rec(7, "1.000007", "Cấp Giấy chứng nhận giáo viên dạy thực hành lái xe"),
    rec(8, "1.000008", "Cấp, cấp lại Giấy phép liên vận giữa Việt Nam, Lào và Campuchia"),
    rec(9, "1.000009", "Thủ tục đăng ký khai tử", levels=("commune",)),
]


@pytest.fixture(scope="module")
def index():
    return SearchIndex.build(CATALOGUE)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Cấp giấy phép hoạt động bến thủy nội địa", "1.000001"),  # not "Cấp lại …"
        ("Cấp lại giấy phép hoạt động bến thủy nội địa", "1.000002"),
        ("Cấplại giấy phép hoạt động bến thủy nội địa", "1.000002"),  # space dropped
        ("Cấ plại giấy phép hoạt động bến thủy nội địa", "1.000002"),  # space shifted
        ("Gia hạn GP hoạt động bến thủy nội địa", "1.000004"),
        ("Đổi giấy phép lái xe", "1.000003"),  # "đổi" is "cấp đổi"
        ("Cấp lại giấy phép liên vận Việt Nam Lào Campuchia", "1.000008"),  # one of two verbs
        ("Cấp giấy phép môi trường (thựchiện tại cấp tỉnh)", "1.010727"),
        ("Cấp giấy phép môi trường (cấpTỉnh)", "1.010727"),
        ("Cấp giấy phép môi trường tạ icấp trung ương", "1.010719"),
        ("Thủ tụ cđăng ký khai tử", "1.000009"),
        ("ĐK khai tử", "1.000009"),
    ],
)
def test_the_right_procedure_comes_first(index, typed, code):
    (result,) = match_names([typed], index)
    assert result.best is not None and result.best.code == code, result.candidates


@pytest.mark.parametrize(
    "typed",
    [
        "Cấp giấy phép nuôi rồng",
        "Đăng ký kết hôn với người ngoài hành tinh",
        "Thu hồi đất",
    ],
)
def test_a_name_with_no_good_candidate_says_so(index, typed):
    (result,) = match_names([typed], index)
    assert result.status == "no_match", result.candidates


def test_actions_and_slipped_notes_are_read():
    assert actions_of(normalise_name("Cấp, cấp lại Giấy phép liên vận").core) == {
        "cap",
        "cap lai",
    }
    assert actions_of(normalise_name("Đổi giấy phép lái xe").core) == {"cap doi"}
    assert actions_of(normalise_name("Thủ tục hải quan đối với tàu bay").core) == set()
    slipped = normalise_name("Cấp giấy phép môi trường (cấ pTỉnh)")
    assert slipped.core == "cap giay phep moi truong"
    assert slipped.note_levels == {"province"}
    tail = normalise_name("Đăng ký khai sinh thực hiện tạ icấp trung ương")
    assert tail.core == "dang ky khai sinh" and tail.note_levels == {"ministry"}
