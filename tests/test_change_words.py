"""Every change of an option reads as a sentence in Vietnamese, activities with their values.

The expected lines are written out by hand (the chair's file and the phương án's annex show
them); nothing English ("not in the record", "unknown") is left in a Vietnamese line.
"""

from catalogue.cycle.record_changes import describe

RECORD = {
    "documents": [{"name": "Tờ khai"}],
    "channels": [{"kind": "direct", "deadline": {"value": 5, "unit": "working_days"}}],
}


def test_activity_changes_name_their_new_values():
    option = {
        "changes": [
            {"type": "set_activity", "name": "Đi nộp hồ sơ", "hours": 1.5, "channels": ["direct"]},
            {
                "type": "add_activity",
                "name": "Nộp trực tuyến",
                "hours": 0.5,
                "out_of_pocket": 20000,
            },
            {"type": "set_activity", "name": "Chuẩn bị", "people": 2},
            {"type": "remove_activity", "name": "Đi nhận kết quả"},
        ]
    }
    assert describe(RECORD, option) == [
        "Hoạt động «Đi nộp hồ sơ»: sửa (1,5 giờ; cách thức trực tiếp)",
        "Hoạt động «Nộp trực tuyến»: thêm (0,5 giờ; chi phí khác 20.000 đồng)",
        "Hoạt động «Chuẩn bị»: sửa (2 người)",
        "Hoạt động «Đi nhận kết quả»: bỏ",
    ]


def test_unknown_document_and_change_type_in_vietnamese():
    option = {"changes": [{"type": "remove_document", "document": "Bản sao"}, {"type": "x"}]}
    lines = describe(RECORD, option)
    assert lines == [
        "Thành phần hồ sơ: bỏ «Bản sao» (không có trong thành phần hồ sơ hiện hành)",
        "Thay đổi «x»: không áp dụng được",
    ]
    assert not any(word in " ".join(lines) for word in ("not in", "unknown"))


def test_a_deadline_line_says_whether_it_is_a_cut():
    def line(days):
        return describe(RECORD, {"changes": [{"type": "set_deadline", "days": days}]})[0]

    # the record's direct channel: 5 working days
    assert line(2) == "Thời hạn giải quyết (trực tiếp): từ 5 ngày làm việc xuống 2 ngày làm việc"
    assert line(5) == "Thời hạn giải quyết (trực tiếp): từ 5 ngày làm việc thành 5 ngày làm việc"
    assert line(7) == "Thời hạn giải quyết (trực tiếp): từ 5 ngày làm việc lên 7 ngày làm việc"
