"""Parsers for the national portal's flattened text cells (pure functions, no I/O).

The portal's procedure pages render several tables; the crawler flattened each table
into one string with no separators between cells. Each function here takes one such
string and returns canonical pieces (see :mod:`catalogue.registry.records`) plus a list of
*flags*: ``{kind, field, message, raw}`` for what could not be read. A value that cannot
be read is kept raw and flagged, never guessed.

Fee cells are read by :mod:`catalogue.sources.portal_fees`. Channel rows (cách thức thực
hiện) look like
``Trực tiếp7 Ngày làm việc70,000 Việt Nam Đồng(note)description``: channel name, the
deadline cell, the fee cell with an optional note in parentheses, then the free-text
description. The deadline cell is never empty on the portal (an unknown deadline is
written ``Không có thông tin``), which is what lets :func:`parse_channels` split a bare
deadline glued to an amount (``Trực tuyến140,000 Việt Nam Đồng``); see ``_split_glued``.
"""

from __future__ import annotations

import re
from typing import Any

from catalogue.registry.vocab import DEADLINE_UNITS, UnknownSpelling, channel_code, level_code
from catalogue.sources.portal_fees import (
    _FEE_RE,
    _FEE_START,
    _WELL_FORMED_AMOUNT,
    NO_INFO,
    Flag,
    _check_fee,
    _note_at,
    flag,
    parse_amount,
    parse_fee_cell,
    stated_amounts,
)

__all__ = [
    "CHANNEL_HEADER",
    "DOCUMENT_HEADER",
    "LEGAL_HEADER",
    "NO_INFO",
    "PROBLEM_FLAG_KINDS",
    "Flag",
    "clean_text",
    "flag",
    "parse_amount",
    "parse_channels",
    "parse_deadline",
    "parse_fee_cell",
    "parse_levels",
    "parse_result",
    "parse_subjects",
    "split_outside_parentheses",
    "stated_amounts",
]

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"

# Flag kinds that make an import fail (the reader turns them into Problems).
PROBLEM_FLAG_KINDS = frozenset({"unknown_level", "negative_fee"})


def clean_text(value: Any) -> str | None:
    """Strip a text cell; ``Không có thông tin``, blanks and non-strings become None.

    >>> clean_text("  Không có thông tin ") is None
    True
    >>> clean_text(" Sở Tư pháp ")
    'Sở Tư pháp'
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text == NO_INFO or not text.strip("-"):
        return None
    return text


# ---------------------------------------------------------------- levels, subjects


def parse_levels(text: str | None) -> tuple[list[str], list[Flag]]:
    """Comma-separated levels (``Cấp bộ, Cấp tỉnh``) → level codes; unknown ones flagged.

    >>> parse_levels("Cấp bộ, Cấp tỉnh, Cơ quan khác")
    (['ministry', 'province', 'other'], [])
    """
    levels: list[str] = []
    flags: list[Flag] = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item or item == NO_INFO:
            continue
        try:
            code = level_code(item)
        except UnknownSpelling as exc:
            flags.append(flag("unknown_level", "levels", str(exc), item))
            continue
        if code not in levels:
            levels.append(code)
    return levels, flags


def split_outside_parentheses(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` except inside parentheses; items stripped, empties dropped.

    >>> split_outside_parentheses("Tổ chức (không bao gồm doanh nghiệp, HTX), Doanh nghiệp")
    ['Tổ chức (không bao gồm doanh nghiệp, HTX)', 'Doanh nghiệp']
    """
    items, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == sep and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def parse_subjects(text: str | None) -> list[str]:
    """Đối tượng thực hiện: comma-separated, commas inside parentheses kept."""
    cleaned = clean_text(text)
    return split_outside_parentheses(cleaned) if cleaned else []


# ---------------------------------------------------------------- result


_RESULT_BOILERPLATE = re.compile(r"Từ khóa|Chọn cơ quan thực hiện|Mô tảKhông có thông tin")
_RESULT_CODE_CHARS = re.compile(r"[A-Za-z0-9.\-_/]")


def _drop_result_codes(text: str) -> list[str]:
    """Split off "Mã: KQ.G10.001197" codes glued to the next result ("…001197Quyết định")."""
    parts = []
    while (found := text.find("Mã:")) >= 0:
        parts.append(text[:found])
        i = found + 3
        while i < len(text) and text[i] == " ":
            i += 1
        while i < len(text) and _RESULT_CODE_CHARS.match(text[i]):
            if text[i].isupper() and text[i + 1 : i + 2].islower():
                break
            i += 1
        text = text[i:]
    return [*parts, text]


def parse_result(text: str | None) -> str | None:
    """Kết quả: the result names, one per line, without the portal's UI text after them.

    >>> parse_result("Giấy phépMã: KQ-G10-KQ00009Từ khóaKhông có thông tinNộp hồ sơ")
    'Giấy phép'
    """
    cleaned = clean_text(text)
    if cleaned is None:
        return None
    cut = _RESULT_BOILERPLATE.search(cleaned)
    if cut:
        cleaned = cleaned[: cut.start()]
    parts = [part.strip() for part in _drop_result_codes(cleaned)]
    return clean_text("\n".join(part for part in parts if part))


# ---------------------------------------------------------------- deadlines

_UNIT_WORDS = sorted(DEADLINE_UNITS, key=len, reverse=True)  # "ngày làm việc" before "ngày"
_DEADLINE_RE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(" + "|".join(re.escape(u) for u in _UNIT_WORDS) + r")",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _number(text: str) -> int | float:
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def parse_deadline(text: str) -> tuple[dict[str, Any], list[Flag]]:
    """One deadline cell on its own (``5 Ngày làm việc``, ``8 Giờ``, ``1``, free text).

    >>> parse_deadline("0.5 Ngày làm việc")[0]
    {'value': 0.5, 'unit': 'working_days', 'raw': '0.5 Ngày làm việc'}
    >>> parse_deadline("20")[0]
    {'value': 20, 'unit': 'unspecified', 'raw': '20'}
    """
    raw = text.strip()
    match = _DEADLINE_RE.fullmatch(raw)
    if match:
        unit = DEADLINE_UNITS[" ".join(match.group(2).lower().split())]
        return {"value": _number(match.group(1)), "unit": unit, "raw": raw}, []
    if _BARE_NUMBER.fullmatch(raw):
        return {"value": _number(raw), "unit": "unspecified", "raw": raw}, []
    deadline = {"value": None, "unit": "unspecified", "raw": raw or None}
    if not raw or raw == NO_INFO:
        return deadline, [flag("deadline_unknown", "channels", "deadline not stated", raw or None)]
    return deadline, [flag("deadline_unparsed", "channels", "deadline is free text", raw)]


# ---------------------------------------------------------------- channels

_CHANNEL_RE = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\w)")


def _split_glued(digits: str) -> list[tuple[int, str]]:
    """Ways to cut ``140,000`` into a bare deadline and a well-formed amount.

    >>> _split_glued("140,000"), _split_glued("125")
    ([(1, '40,000')], [(1, '25'), (12, '5')])
    """
    return [
        (int(digits[:i]), digits[i:])
        for i in range(1, len(digits))
        if digits[:i].isdigit() and _WELL_FORMED_AMOUNT.fullmatch(digits[i:])
    ]


def _parse_row(segment: str) -> dict[str, Any]:
    """One channel row after its name: deadline cell, fee cell, description."""
    deadline_flags: list[Flag] = []
    glued: list[tuple[int, str]] | None = None
    match = _DEADLINE_RE.match(segment)
    if match and (segment[match.end() :] == "" or _FEE_START.match(segment[match.end() :])):
        deadline, deadline_flags = parse_deadline(match.group(0))
        rest = segment[match.end() :]
    elif segment.startswith(NO_INFO):
        deadline, deadline_flags = parse_deadline(NO_INFO)
        rest = segment[len(NO_INFO) :]
    elif (bare := _BARE_NUMBER.match(segment)) and not _FEE_RE.match(segment):
        deadline, deadline_flags = parse_deadline(bare.group(0))
        rest = segment[bare.end() :]
    elif fee_match := _FEE_RE.match(segment):
        digits = fee_match.group("amount")
        glued = _split_glued(digits)
        deadline = {"value": None, "unit": "unspecified", "raw": None}
        rest = segment
    else:
        start = _FEE_START.search(segment)
        cut = start.start() if start else len(segment)
        deadline, deadline_flags = parse_deadline(segment[:cut])
        rest = segment[cut:]
    fees, description, fee_flags = parse_fee_cell(rest)
    return {
        "deadline": deadline,
        "fees": fees,
        "description": description or None,
        "flags": deadline_flags + fee_flags,
        "glued": glued,
    }


def _choose_split(row: dict, siblings: set[int | float] | None) -> tuple | None:
    """The (deadline, amount text) cut the evidence supports, with the evidence; or None.

    Evidence, in order: the only well-formed cut; the amount the note or description
    states (as written or in thousands); with ``siblings``, the bare deadline the
    record's other channels show.
    """
    candidates = row["glued"]
    if len(candidates) == 1:
        return candidates[0], "the only well-formed split"
    fee = row["fees"][0]
    stated = stated_amounts(" ".join(filter(None, [_glued_note(fee), row["description"]])))
    by_text = [c for c in candidates if {parse_amount(c[1]), parse_amount(c[1]) * 1000} & stated]
    if len(by_text) == 1:
        return by_text[0], "the amount stated in the text"
    by_sibling = [c for c in candidates if siblings is not None and c[0] in siblings]
    if len(by_sibling) == 1:
        return by_sibling[0], "the bare deadline of the record's other channels"
    return None


def _glued_note(fee: dict) -> str:
    paren = fee["raw"].find("(")
    return _note_at(fee["raw"][paren:]) if paren >= 0 else ""


def _apply_split(row: dict, chosen: tuple[int, str], evidence: str) -> None:
    fee = row.pop("glued") and row["fees"][0]
    value, amount_text = chosen
    digits = str(value) + amount_text
    row["deadline"] = {"value": value, "unit": "unspecified", "raw": str(value)}
    fee["raw"] = fee["raw"][len(str(value)) :]
    fee["amount"] = parse_amount(amount_text)
    message = f"{digits!r} read as deadline {value} + amount {amount_text} ({evidence})"
    row["flags"] = [f for f in row["flags"] if f["kind"] != "fee_amount_suspect"]
    row["flags"].append(flag("deadline_fee_split", "channels", message, str(value) + fee["raw"]))
    _check_fee(fee, _glued_note(fee), row["description"] or "", row["flags"])


def _leave_unsplit(row: dict) -> None:
    candidates = row.pop("glued")
    fee = row["fees"][0]
    fee["amount"] = None
    fee["kind"] = "unspecified"
    splits = ", ".join(f"{d} + {a}" for d, a in candidates) or "none"
    message = f"a bare deadline is glued to the amount; possible splits: {splits}; not read"
    row["flags"] = [f for f in row["flags"] if f["kind"] != "fee_amount_suspect"]
    row["flags"].append(flag("deadline_fee_ambiguous", "channels", message, fee["raw"]))


def _resolve_glued(rows: list[dict]) -> None:
    """Cut bare deadlines off glued amounts by evidence only; else leave them unread."""
    glued = [row for row in rows if row.get("glued") is not None]
    for row in glued:
        if chosen := _choose_split(row, None):
            _apply_split(row, *chosen)
    siblings = {
        row["deadline"]["value"]
        for row in rows
        if row.get("glued") is None and row["deadline"]["unit"] == "unspecified"
    } - {None}
    for row in glued:
        if row.get("glued") is None:
            continue
        if chosen := _choose_split(row, siblings):
            _apply_split(row, *chosen)
        else:
            _leave_unsplit(row)


def parse_channels(text: str | None) -> tuple[list[dict[str, Any]], list[Flag]]:
    """Cách thức thực hiện → channel dicts ``{kind, deadline, fees, description, raw}``.

    >>> channels, flags = parse_channels(CHANNEL_HEADER + "Trực tiếp8 GiờMiễn phí")
    >>> channels[0]["kind"], channels[0]["deadline"]["value"], channels[0]["fees"][0]["free"]
    ('direct', 8, True)
    """
    body = clean_text(text)
    if body is None:
        return [], []
    if body.startswith(CHANNEL_HEADER):
        body = body[len(CHANNEL_HEADER) :]
    if not body.strip():
        return [], []
    matches = list(_CHANNEL_RE.finditer(body))
    flags: list[Flag] = []
    if not matches:
        return [], [flag("channels_unparsed", "channels", "no channel rows found", body)]
    if body[: matches[0].start()].strip():
        lead = body[: matches[0].start()]
        flags.append(flag("channels_unparsed", "channels", "text before the first row", lead))
    rows = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        row = _parse_row(body[match.end() : end])
        row["kind"] = channel_code(match.group(1))
        row["raw"] = body[match.start() : end]
        rows.append(row)
    _resolve_glued(rows)
    channels = []
    for row in rows:
        row.pop("glued", None)
        flags.extend(row.pop("flags"))
        channels.append(
            {
                "kind": row["kind"],
                "deadline": row["deadline"],
                "fees": row["fees"],
                "description": row["description"],
                "raw": row["raw"],
            }
        )
    return channels, flags
