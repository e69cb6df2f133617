"""Vietnamese normalisation: folding, boilerplate separated and kept, abbreviations."""

from __future__ import annotations

import unicodedata

import pytest

from catalogue.quality.textnorm import NormalisedName, expand_abbreviations, fold, normalise_name


@pytest.mark.parametrize(
    ("name", "core", "notes"),
    [
        # real names from ../shared/data/portal/procedures.jsonl.gz
        ("Chứng thực di chúc", "chung thuc di chuc", ()),
        ("Thủ tục đăng ký kết hôn", "dang ky ket hon", ("Thủ tục",)),
        ("Trả lại giấy phép nhận chìm (cấp tỉnh)", "tra lai giay phep nhan chim", ("(cấp tỉnh)",)),
        (
            "Cấp giấy phép môi trường (cấp Tỉnh) ( 1.010727 )",
            "cap giay phep moi truong",
            ("(cấp Tỉnh)", "( 1.010727 )"),
        ),
        (
            "Cung cấp thông tin, dữ liệu, sản phẩm đo đạc và bản đồ - cấp Trung ương",
            "cung cap thong tin du lieu san pham do dac va ban do",
            ("cấp Trung ương",),
        ),
        ("Phục hồi danh dự (cấp trung ương)", "phuc hoi danh du", ("(cấp trung ương)",)),
        ("Đăng ký công ty đại chúng.", "dang ky cong ty dai chung", ()),
        # level notes as people type them
        (
            "Cấp lại giấy phep xây dựng (thực hiện tại cấp huyện)",
            "cap lai giay phep xay dung",
            ("(thực hiện tại cấp huyện)",),
        ),
        ("Cấp GCN thực hiện tại cấp xã", "cap giay chung nhan", ("thực hiện tại cấp xã",)),
        # a level inside the name identifies the procedure and stays
        (
            "Bổ nhiệm và cấp thẻ giám định viên tư pháp cấp tỉnh",
            "bo nhiem va cap the giam dinh vien tu phap cap tinh",
            (),
        ),
        (
            "Thẩm định, phê duyệt phương án ứng phó thiên tai thuộc thẩm quyền của UBND cấp xã",
            "tham dinh phe duyet phuong an ung pho thien tai thuoc tham quyen cua "
            "uy ban nhan dan cap xa",
            (),
        ),
    ],
)
def test_normalise_real_names(name, core, notes):
    assert normalise_name(name) == NormalisedName(core, notes)


def test_fold_spelling_variants_and_unicode_forms():
    nfc = "Ủy ban nhân dân tỉnh Hòa Bình"
    nfd = unicodedata.normalize("NFD", nfc)
    old_style = "Uỷ ban nhân dân tỉnh Hoà Bình"
    plain = "uy ban nhan dan tinh hoa binh"
    assert fold(nfc) == fold(nfd) == fold(old_style) == fold(plain) == plain
    assert fold("ĐĂNG KÝ") == "dang ky"
    assert fold(None) == ""


def test_abbreviations_expand_on_both_sides():
    long = normalise_name("Cấp lại Giấy chứng nhận quyền sử dụng đất của Ủy ban nhân dân")
    short = normalise_name("cap lai GCN QSDĐ cua UBND")
    assert long.core == short.core
    assert expand_abbreviations("gcn") == "giay chung nhan"


def test_note_levels():
    assert normalise_name("X (cấp Tỉnh)").note_levels == {"province"}
    assert normalise_name("X (cấp TW)").note_levels == {"ministry"}
    assert normalise_name("X - cấp Trung ương").note_levels == {"ministry"}
    assert normalise_name("X").note_levels == frozenset()


def test_boilerplate_only_name_keeps_a_core():
    assert normalise_name("Thủ tục").core == "thu tuc"
    assert normalise_name("") == NormalisedName("")
