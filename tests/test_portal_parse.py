"""Unit tables for the portal cell parsers, each row a real snippet of the portal data."""

from __future__ import annotations

import pytest

from catalogue.sources.portal import parse_portal_record
from catalogue.sources.portal_documents import parse_documents, parse_legal_bases, parse_steps
from catalogue.sources.portal_parse import (
    CHANNEL_HEADER,
    DOCUMENT_HEADER,
    LEGAL_HEADER,
    parse_channels,
    parse_deadline,
    parse_fee_cell,
    parse_levels,
    parse_result,
    parse_subjects,
)


def kinds(flags):
    return [f["kind"] for f in flags]


# ---------------------------------------------------------------- channels and deadlines


@pytest.mark.parametrize(
    ("row", "kind", "value", "unit"),
    [
        ("Trực tiếp5 Ngày làm việcMiễn phí", "direct", 5, "working_days"),
        ("Trực tuyến15 NgàyMiễn phí", "online", 15, "days"),
        ("Dịch vụ bưu chính8 GiờMiễn phí", "postal", 8, "hours"),
        ("Trực tuyến4 Tháng2,500,000 VNĐ(đồng/lần)", "online", 4, "months"),
        # decimal deadline
        (
            "Trực tiếp1.5 Ngày làm việc40,000 Việt Nam Đồng(- Xe ô tô trên 10 chỗ)",
            "direct",
            1.5,
            "working_days",
        ),
        # a bare number: the portal lost the unit
        ("Trực tuyến1Miễn phí", "online", 1, "unspecified"),
        ("Trực tiếp0Không có thông tin", "direct", 0, "unspecified"),
        # "Ngày" then an amount, no space: unit must not eat the amount
        ("Trực tiếp115 Ngày3,700,000 Việt Nam Đồng(Hoạt động nghiên cứu)", "direct", 115, "days"),
    ],
)
def test_channel_kind_and_deadline(row, kind, value, unit):
    channels, _ = parse_channels(CHANNEL_HEADER + row)
    assert len(channels) == 1
    channel = channels[0]
    assert (channel["kind"], channel["deadline"]["value"], channel["deadline"]["unit"]) == (
        kind,
        value,
        unit,
    )
    assert channel["raw"] == row


@pytest.mark.parametrize(
    ("row", "flag_kind"),
    [
        # deadline not stated
        ("Trực tuyếnKhông có thông tinMiễn phí", "deadline_unknown"),
        # free text in the deadline cell
        ("Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phí", "deadline_unparsed"),
        (
            "Trực tiếpKhôngKhông có thông tinTại Trung tâm phục vụ hành chính công",
            "deadline_unparsed",
        ),
    ],
)
def test_deadline_not_read_is_flagged(row, flag_kind):
    channels, flags = parse_channels(CHANNEL_HEADER + row)
    assert channels[0]["deadline"]["value"] is None
    assert channels[0]["deadline"]["unit"] == "unspecified"
    assert channels[0]["deadline"]["raw"]
    assert flag_kind in kinds(flags)


def test_several_channel_rows_and_descriptions():
    text = (
        CHANNEL_HEADER + "Trực tuyến5 Ngày làm việcKhông có thông tin5 ngày làm việc kể từ khi"
        " nhận đủ hồ sơDịch vụ bưu chính5 Ngày làm việcMiễn phíTrực tiếp7 Ngày làm việc"
        "70,000 Việt Nam Đồng(- Cấp lại 70.000 đồng/thẻ)Trực tiếp tại Bộ phận Một cửa;"
    )
    channels, flags = parse_channels(text)
    # "Trực tiếp tại …" (a space after the name) is description text, not a new row
    assert [c["kind"] for c in channels] == ["online", "postal", "direct"]
    assert channels[0]["fees"] == [] and "fee_unknown" in kinds(flags)
    assert channels[0]["description"] == "5 ngày làm việc kể từ khi nhận đủ hồ sơ"
    assert channels[2]["fees"][0]["amount"] == 70000
    assert channels[2]["description"] == "- Cấp lại 70.000 đồng/thẻ\nTrực tiếp tại Bộ phận Một cửa;"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("5 Ngày làm việc", 5, "working_days"),
        ("0.5 Ngày làm việc", 0.5, "working_days"),
        ("15 Ngày", 15, "days"),
        ("8 Giờ", 8, "hours"),
        ("3 Tháng", 3, "months"),
        ("20", 20, "unspecified"),
        ("Theo quy định", None, "unspecified"),
    ],
)
def test_parse_deadline(text, value, unit):
    deadline, _ = parse_deadline(text)
    assert (deadline["value"], deadline["unit"], deadline["raw"]) == (value, unit, text)


# ---------------------------------------------------------------- fees


@pytest.mark.parametrize(
    ("cell", "amount", "currency", "unit", "kind", "free"),
    [
        ("70,000 Việt Nam Đồng", 70000, "VND", None, "unspecified", False),
        ("70.000 đồng", 70000, "VND", None, "unspecified", False),
        ("70,000 VNĐ", 70000, "VND", None, "unspecified", False),
        # unit in the note
        ("10 USD(/lần)", 10, "USD", "/lần", "unspecified", False),
        ("800,000 Việt Nam Đồng(/hồ sơ)", 800000, "VND", "/hồ sơ", "unspecified", False),
        ("12,000,000 Việt Nam Đồng(đồng/lần)", 12000000, "VND", "/lần", "unspecified", False),
        # unit glued between amount and currency
        ("15000000/lần Đồng", 15000000, "VND", "/lần", "unspecified", False),
        # kind stated at the start of the note
        (
            "100,000 VNĐ(Phí Thẩm tra, thẩm định: 100.000 đồng/lần)",
            100000,
            "VND",
            None,
            "phi",
            False,
        ),
        ("500,000 VNĐ(Lệ phí đối với phương tiện quá cảnh)", 500000, "VND", None, "le_phi", False),
        # kind stated in the description next to the same amount
        (
            "800,000 Việt Nam Đồng(/hồ sơ)Phí: 800.000 đồng/hồ sơ.\n\nLệ phí: 100.000 đồng/hồ sơ.",
            800000,
            "VND",
            "/hồ sơ",
            "phi",
            False,
        ),
        ("Miễn phí", 0, "VND", None, "unspecified", True),
    ],
)
def test_fee_cell(cell, amount, currency, unit, kind, free):
    fees, _, flags = parse_fee_cell(cell)
    assert len(fees) == 1
    fee = fees[0]
    assert (fee["amount"], fee["currency"], fee["unit"], fee["kind"], fee["free"]) == (
        amount,
        currency,
        unit,
        kind,
        free,
    )
    assert fee["raw"] and cell.startswith(fee["raw"])


def test_several_fees_in_one_cell():
    fees, description, _ = parse_fee_cell(
        "200,000 VNĐ(Lệ phí cấp mới)100,000 VNĐ(Lệ phí cấp lại)Nộp tại Cục"
    )
    assert [(f["amount"], f["kind"]) for f in fees] == [(200000, "le_phi"), (100000, "le_phi")]
    assert description == "Lệ phí cấp mới\nLệ phí cấp lại\nNộp tại Cục"


def test_unknown_fee_is_no_row_and_a_flag():
    fees, _, flags = parse_fee_cell("Không có thông tin")
    assert fees == [] and kinds(flags) == ["fee_unknown"]


def test_free_while_the_text_states_an_amount_stays_free_and_is_flagged():
    fees, _, flags = parse_fee_cell("Miễn phí(Lệ phí cấp mới 200 USD/lần; cấp lại 100 USD/lần.)")
    assert fees[0]["free"] is True and fees[0]["amount"] == 0
    assert "free_but_amount_stated" in kinds(flags)


def test_negative_fee_is_never_stored_and_is_flagged():
    fees, _, flags = parse_fee_cell("-70,000 VNĐ")
    assert fees[0]["amount"] is None
    assert "negative_fee" in kinds(flags)


def test_amount_in_thousands_is_kept_as_written_and_flagged():
    # the portal shows "20 VNĐ" while the note says 20.000 đồng
    channels, flags = parse_channels(CHANNEL_HEADER + "Trực tuyến1 Giờ20 VNĐ(20.000 vnđ /tờ khai)")
    assert channels[0]["fees"][0]["amount"] == 20
    assert "fee_amount_suspect" in kinds(flags)


# ---------------------------------------------------------------- bare deadline glued to an amount


@pytest.mark.parametrize(
    ("rows", "deadlines", "amounts", "flag_kind"),
    [
        # only one well-formed cut: "1" + "40,000" ("14" + "0,000" has a leading zero)
        (
            ["Trực tuyến140,000 Việt Nam Đồng(- Xe ô tô từ 10 chỗ trở lên)"],
            [1],
            [40000],
            "deadline_fee_split",
        ),
        # "1100,000": "1" + "100,000" is the only grouping that is valid
        (
            ["Trực tiếp1100,000 VNĐ(- Phí công bố: 100.000 đồng/lần)"],
            [1],
            [100000],
            "deadline_fee_split",
        ),
        # "120": "12" + "0" is not an amount
        (["Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)"], [1], [20], "deadline_fee_split"),
        # "125" could be 1 + 25 or 12 + 5: the other channel's bare deadline "1" decides
        (["Trực tuyến1Miễn phí", "Trực tiếp125 VNĐ"], [1, 1], [0, 25], "deadline_fee_split"),
        # the note states 23.000 đồng: 1 + 23 (in thousands) rather than 12 + 3
        (
            ["Trực tuyến123 VNĐ(- Giá dịch vụ in lại giấy chứng nhận: 23.000 đồng/01 Giấy)"],
            [1],
            [23],
            "deadline_fee_split",
        ),
        # no evidence at all: neither deadline nor amount is read, raw kept, flagged
        (["Trực tiếp1250 VNĐ"], [None], [None], "deadline_fee_ambiguous"),
    ],
)
def test_bare_deadline_glued_to_amount(rows, deadlines, amounts, flag_kind):
    channels, flags = parse_channels(CHANNEL_HEADER + "".join(rows))
    assert [c["deadline"]["value"] for c in channels] == deadlines
    assert [c["fees"][0]["amount"] for c in channels] == amounts
    assert flag_kind in kinds(flags)
    glued = [f for f in flags if f["kind"] == flag_kind][0]
    assert glued["raw"] in rows[-1]


# ---------------------------------------------------------------- documents


def test_documents_counts_templates_and_lead_in():
    text = (
        "--" + DOCUMENT_HEADER + "- Đơn đề nghị cấp giấy phép theo mẫu đơn (Phụ lục III);"
        "Mau don de nghi cap, gia han giay phep.docx1 bản chính"
        "Bản sao giấy chứng nhận đăng ký phương tiện.0 bản chính,1 bản sao"
        "Mẫu số 13 ban hành kèm theo Nghị định số 102/2020/NĐ-CPMẫu số 13.docx1 bản chính"
        "Tờ khai theo mẫuMauBankhaichung.docxMauDanhsachthuyenvien.docx1 bản chính"
        # "01 bản sao có chứng thực" inside a name is not a count cell
        "- 01 bản sao có chứng thực Bản vẽ kiểu dáng1 bản chính,2 bản sao"
        "d) Phương án xử lý tài sản.1 bản chính"
    )
    docs, flags = parse_documents(text)
    got = [(d["name"], d["originals"], d["copies"], d["template"]) for d in docs]
    assert got == [
        (
            "Đơn đề nghị cấp giấy phép theo mẫu đơn (Phụ lục III);",
            1,
            None,
            "Mau don de nghi cap, gia han giay phep.docx",
        ),
        ("Bản sao giấy chứng nhận đăng ký phương tiện.", 0, 1, None),
        ("Mẫu số 13 ban hành kèm theo Nghị định số 102/2020/NĐ-CP", 1, None, "Mẫu số 13.docx"),
        ("Tờ khai theo mẫu", 1, None, "MauBankhaichung.docx; MauDanhsachthuyenvien.docx"),
        ("01 bản sao có chứng thực Bản vẽ kiểu dáng", 1, 2, None),
        ("d) Phương án xử lý tài sản.", 1, None, None),
    ]
    assert all(d["case"] is None and d["certified_copies"] is None for d in docs)
    assert flags == []


def test_documents_case_sections():
    text = (
        "a) Trường hợp cấp mới:" + DOCUMENT_HEADER + "Đơn đề nghị1 bản chính"
        "Trường hợp ủy quyền thực hiện thủ tục:" + DOCUMENT_HEADER + "Văn bản ủy quyền0 bản chính,"
        "1 bản sao có chứng thực"
    )
    docs, _ = parse_documents(text)
    assert [(d["name"], d["case"]) for d in docs] == [
        ("Đơn đề nghị", "a) Trường hợp cấp mới:"),
        ("Văn bản ủy quyền", "Trường hợp ủy quyền thực hiện thủ tục:"),
    ]
    assert (docs[1]["originals"], docs[1]["copies"], docs[1]["certified_copies"]) == (0, None, 1)


@pytest.mark.parametrize(
    ("text", "flag_kind"),
    [
        # no table at all (the crawler put other text here)
        (
            "Bước 2. Cơ quan BHXH tiếp nhận hồ sơ và giải quyết theo quy định.",
            "documents_unstructured",
        ),
        # a lead-in sentence that is not a case title
        ("Thành phần hồ sơ:" + DOCUMENT_HEADER + "Đơn1 bản chính", "documents_lead_in"),
        # a row without a count cell
        ("--" + DOCUMENT_HEADER + "Đơn1 bản chínhTại Bước 7:  +", "document_count_missing"),
    ],
)
def test_documents_flags(text, flag_kind):
    _, flags = parse_documents(text)
    assert flag_kind in kinds(flags)


@pytest.mark.parametrize("text", ["", "--", "Không có thông tin", None])
def test_documents_empty(text):
    assert parse_documents(text) == ([], [])


# ---------------------------------------------------------------- steps


@pytest.mark.parametrize(
    ("text", "texts", "flag_kinds"),
    [
        ("Bước 1: Nộp hồ sơ.\nBước 2: Xử lý.", ["Nộp hồ sơ.", "Xử lý."], []),
        ("Bước 1. Nộp hồ sơ\nBước 2. Nhận kết quả", ["Nộp hồ sơ", "Nhận kết quả"], []),
        ("- Bước 1: Nộp\n- Bước 2: Nhận", ["Nộp", "Nhận"], []),
        # numbered headings before the marker
        (
            "6.1.1. Bước 1 nộp hồ sơ: X\n6.1.2. Bước 2 kiểm tra hồ sơ: Y",
            ["nộp hồ sơ: X", "kiểm tra hồ sơ: Y"],
            [],
        ),
        # "tại Bước 2" inside a sentence is not a marker
        (
            "Bước 1: Nộp như tại Bước 2 của thủ tục khác.",
            ["Nộp như tại Bước 2 của thủ tục khác."],
            [],
        ),
        # two cases each numbered from 1: kept in order, flagged
        ("Bước 1: A\nBước 2: B\nBước 1: C", ["A", "B", "C"], ["steps_renumbered"]),
        # no markers: one step, flagged
        (
            "- Trong thời hạn 1/2 ngày làm việc …",
            ["- Trong thời hạn 1/2 ngày làm việc …"],
            ["steps_unstructured"],
        ),
    ],
)
def test_steps(text, texts, flag_kinds):
    steps, flags = parse_steps(text)
    assert [s["text"] for s in steps] == texts
    assert [s["order"] for s in steps] == list(range(1, len(texts) + 1))
    assert kinds(flags) == flag_kinds


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Bước 1: Tổ chức, cá nhân nộp hồ sơ", "Tổ chức, cá nhân"),
        ("Bước 1: Người nộp thuế kê khai", "Người nộp thuế"),
        # an agency as subject is not in the vocabulary: not guessed
        ("Bước 1: Sở Tư pháp thẩm định", None),
    ],
)
def test_step_actor_only_when_clearly_stated(text, actor):
    assert parse_steps(text)[0][0]["actor"] == actor


# ---------------------------------------------------------------- legal bases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # title repeats the number
        (
            "Nghị định 121/2021/NĐ-CP121/2021/NĐ-CP",
            [("121/2021/NĐ-CP", "Nghị định 121/2021/NĐ-CP")],
        ),
        # legislature numbers carry digits: QH11 then 65/2006/QH11
        ("Luật 65/2006/QH1165/2006/QH11", [("65/2006/QH11", "Luật 65/2006/QH11")]),
        # title without the number, then the next title starts with a capital
        (
            "Luật Quản lý thuế38/2019/QH14Thông tư 80/2021/TT-BTC80/2021/TT-BTC",
            [("38/2019/QH14", "Luật Quản lý thuế"), ("80/2021/TT-BTC", "Thông tư 80/2021/TT-BTC")],
        ),
        (
            "Quy định02/2017/TT-VPCPLuật59/2020/QH14",
            [("02/2017/TT-VPCP", "Quy định"), ("59/2020/QH14", "Luật")],
        ),
        # numbers without a year and the Prime Minister's TTg
        (
            "Quyết định công bố123/QĐ-UBNDQuyết định 19/2018/QĐ-TTg19/2018/QĐ-TTg",
            [
                ("123/QĐ-UBND", "Quyết định công bố"),
                ("19/2018/QĐ-TTg", "Quyết định 19/2018/QĐ-TTg"),
            ],
        ),
        # a number glued to a year in the title
        ("Luật Cư trú 202068/2020/QH14", [("68/2020/QH14", "Luật Cư trú 2020")]),
        # a symbol glued to an all-capital title: cut after the known issuer
        (
            "Nghị định sửa đổi18/2026/NĐ-CPBAN HÀNH MẪU10/2020/TT-BTP",
            [("18/2026/NĐ-CP", "Nghị định sửa đổi"), ("10/2020/TT-BTP", "BAN HÀNH MẪU")],
        ),
    ],
)
def test_legal_bases(text, expected):
    bases, flags = parse_legal_bases(LEGAL_HEADER + text)
    assert [(b["number"], b["title"]) for b in bases] == expected
    assert "".join(b["raw"] for b in bases) == text
    assert flags == []


def test_legal_basis_without_number_is_kept_and_flagged():
    bases, flags = parse_legal_bases(
        LEGAL_HEADER + "BỘ LUẬT HÀNG HẢI VIỆT NAMBỘ LUẬT  HÀNG HẢI VIỆT NAMLuật số 21/2017/QH14"
        "21/2017/QH14"
    )
    assert [(b["number"], b["title"]) for b in bases] == [
        (None, "BỘ LUẬT HÀNG HẢI VIỆT NAM"),
        ("21/2017/QH14", "Luật số 21/2017/QH14"),
    ]
    assert kinds(flags) == ["legal_basis_unsplit"]


# ---------------------------------------------------------------- levels, subjects, result


@pytest.mark.parametrize(
    ("text", "levels", "flag_kinds"),
    [
        ("Cấp bộ", ["ministry"], []),
        ("Cấp bộ, Cấp tỉnh, Cấp xã", ["ministry", "province", "commune"], []),
        ("Cấp huyện, Cơ quan khác", ["district", "other"], []),
        # an unknown level is a problem, never a guess
        ("Cấp tỉnh, Cấp thôn", ["province"], ["unknown_level"]),
        ("", [], []),
    ],
)
def test_levels(text, levels, flag_kinds):
    got, flags = parse_levels(text)
    assert got == levels and kinds(flags) == flag_kinds


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("Công dân Việt Nam", ["Công dân Việt Nam"]),
        # commas inside parentheses stay inside the item
        (
            "Doanh nghiệp, Tổ chức (không bao gồm doanh nghiệp, HTX), Hợp tác xã",
            ["Doanh nghiệp", "Tổ chức (không bao gồm doanh nghiệp, HTX)", "Hợp tác xã"],
        ),
        ("Không có thông tin", []),
    ],
)
def test_subjects(text, subjects):
    assert parse_subjects(text) == subjects


@pytest.mark.parametrize(
    ("text", "result"),
    [
        (
            "Đề án được phê duyệtMã: KQ-G10-KQ00009Từ khóaKhông có thông tinMô tảKhông có thông tin"
            "Chọn cơ quan thực hiệnTỉnh/ Thành phốNộp hồ sơ",
            "Đề án được phê duyệt",
        ),
        # several results, each with its code
        (
            "Văn bản từ chốiMã: KQ.G10.001197Quyết định sửa đổiMã: KQ.G10.001206Từ khóaKhông",
            "Văn bản từ chối\nQuyết định sửa đổi",
        ),
        ("", None),
    ],
)
def test_result(text, result):
    assert parse_result(text) == result


def test_record_fields_and_nulls():
    record = parse_portal_record(
        {
            "ma_thu_tuc": "1.000025",
            "ten_thu_tuc": "Phê duyệt Đề án",
            "cap_thuc_hien": "Cấp bộ, Cấp tỉnh",
            "co_quan_thuc_hien": "Không có thông tin",
            "co_quan_phoi_hop": "",
            "_source_folder": "bo-tu-phap",
            "so_quyet_dinh": "379/QĐ-BNNMT",
        }
    )
    assert record["issuing_agency"] == "Bộ Tư pháp"
    assert record["agency"] is None and record["coordinating_agency"] is None
    assert record["decision"] == "379/QĐ-BNNMT" and record["status"] == "active"
    assert record["channels"] == [] and record["flags"] == []
