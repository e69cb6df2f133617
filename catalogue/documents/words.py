"""Vietnamese words for the codes documents would otherwise show (levels, actions, channels…).

A filed document never shows an internal id or an English code: every code of
:mod:`analysis.vocab` printed in a document goes through one of these functions. Level,
channel and fee-kind words are the vocabulary's own canonical spellings (the first
spelling of each code), so that there is one definition of each.
"""

from __future__ import annotations

from typing import Any

from analysis import vocab
from analysis.formatting import format_number

ACTION_LABELS = {
    "keep": "Giữ nguyên",
    "amend": "Sửa đổi, bổ sung",
    "replace": "Thay thế",
    "abolish": "Bãi bỏ",
    "new": "Ban hành mới",
}
STATUS_LABELS = {
    "draft": "Dự thảo",
    "submitted": "Đã trình",
    "approved": "Chấp thuận",
    "rejected": "Không chấp thuận",
    "returned": "Trả lại",
    "withdrawn": "Đã rút",
}
CHANGE_LABELS = {
    "remove_document": "Bỏ thành phần hồ sơ",
    "replace_document_with_lookup": "Thay giấy tờ bằng khai thác cơ sở dữ liệu",
    "set_deadline": "Rút ngắn thời hạn giải quyết",
    "set_frequency": "Giảm tần suất thực hiện",
    "set_population": "Điều chỉnh số đối tượng",
    "set_channels": "Điều chỉnh cách thức thực hiện",
    "set_fee": "Điều chỉnh phí, lệ phí",
    "remove_fee": "Bãi bỏ phí, lệ phí",
    "set_activity": "Điều chỉnh công việc thực hiện",
    "remove_activity": "Bỏ bước thực hiện",
    "add_activity": "Bổ sung bước thực hiện",
}
# The component of a procedure (Phần II of a Quyết định công bố) each change touches.
CHANGE_COMPONENTS = {
    "remove_document": "Thành phần, số lượng hồ sơ",
    "replace_document_with_lookup": "Thành phần, số lượng hồ sơ",
    "set_deadline": "Thời hạn giải quyết",
    "set_frequency": "Trình tự thực hiện",
    "set_population": "Đối tượng thực hiện",
    "set_channels": "Cách thức thực hiện",
    "set_fee": "Phí, lệ phí",
    "remove_fee": "Phí, lệ phí",
    "set_activity": "Trình tự thực hiện",
    "remove_activity": "Trình tự thực hiện",
    "add_activity": "Trình tự thực hiện",
}
UNIT_WORDS = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ", "months": "tháng"}
LEVEL_ORDER = ("ministry", "province", "district", "commune", "other")
GROUP_LETTERS = "ABCDEFGH"  # level groups of an annex: A. cấp tỉnh, B. cấp xã
ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
                  "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII",
                  "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII", "XXIX", "XXX")  # fmt: skip


def _canonical(mapping: dict[str, str], code: str) -> str:
    for spelling, value in mapping.items():
        if value == code:
            return spelling
    raise KeyError(code)


def level_word(code: str) -> str:
    """``province`` → ``Cấp tỉnh``.

    >>> level_word("province"), level_word("commune"), level_word("other")
    ('Cấp tỉnh', 'Cấp xã', 'Cơ quan khác')
    """
    text = _canonical(vocab.LEVELS, code)
    return text[0].upper() + text[1:]


def channel_word(code: str) -> str:
    """``online`` → ``Trực tuyến``."""
    text = _canonical(vocab.CHANNELS, code)
    return text[0].upper() + text[1:]


def fee_kind_word(code: str) -> str:
    """``le_phi`` → ``Lệ phí``; an unspecified kind reads ``Phí, lệ phí``."""
    if code not in vocab.FEE_KINDS.values():
        return "Phí, lệ phí"
    text = _canonical(vocab.FEE_KINDS, code)
    return text[0].upper() + text[1:]


def action_word(code: str) -> str:
    """``amend`` → ``Sửa đổi, bổ sung``."""
    return ACTION_LABELS[code]


def cell_text(value: Any) -> str:
    """A table cell's text: empty for None, numbers the Vietnamese way (``1.234``, ``0,5``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value, 2, strip=True)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def deadline_text(value: float | None, unit: str, raw: str | None = None) -> str:
    """``05 ngày làm việc``; the raw text when the unit is not known; "" when nothing.

    >>> deadline_text(5, "working_days"), deadline_text(1.5, "days"), deadline_text(None, "x")
    ('5 ngày làm việc', '1,5 ngày', '')
    """
    if value is None or unit not in UNIT_WORDS:
        return (raw or "").strip()
    return f"{format_number(value, 2, strip=True)} {UNIT_WORDS[unit]}"


def change_text(change: dict[str, Any]) -> str:
    """One change of an amend option in words: ``Bỏ thành phần hồ sơ: Bản sao …``."""
    kind = change.get("type")
    label = CHANGE_LABELS.get(kind, "Sửa đổi, bổ sung")
    if kind == "set_deadline" and change.get("days") is not None:
        return f"{label}: còn {format_number(change['days'], 2, strip=True)} ngày làm việc"
    if kind == "set_frequency" and change.get("value") is not None:
        return f"{label}: {format_number(change['value'], 2, strip=True)} lần/năm"
    if kind == "set_fee" and change.get("amount") is not None:
        return f"{label}: {change.get('name', '')} {format_number(change['amount'])} đồng"
    detail = change.get("document") or change.get("name")
    return f"{label}: {detail}" if detail else label
