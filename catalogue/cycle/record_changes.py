"""An adopted option applied to a procedure's registry record, and every change in words.

One small pure function per change type, as in :mod:`analysis.changes` (which applies
the same option to the costing sheet): the record gets what it holds (documents,
channels, deadlines, fees with their currency); the sheet gets the rest (frequency,
population, channel shares, activities). Every change, applied to the record or not,
has a line in words ("Thời hạn giải quyết (trực tiếp): từ 20 ngày làm việc xuống 15
ngày làm việc") for the revision, the chair's queue and the pending-change view.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from analysis.formatting import format_number
from analysis.vocab import CHANNEL_CODES, CHANNELS, FEE_KINDS

CHANNEL_VI = {code: text for text, code in reversed(list(CHANNELS.items()))}
UNIT_VI = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ", "months": "tháng"}
SHEET_ONLY = ("set_frequency", "set_population", "set_activity", "remove_activity", "add_activity")


def _norm(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split()).casefold()


def _num(value: Any) -> str:
    return format_number(value, 2, strip=True) if value is not None else "?"


def _deadline_text(deadline: dict[str, Any] | None) -> str:
    deadline = deadline or {}
    if deadline.get("value") is None:
        return deadline.get("raw") or "không xác định"
    return f"{_num(deadline['value'])} {UNIT_VI.get(deadline.get('unit'), '')}".strip()


def _channels(record: dict, which: Any) -> list[dict]:
    kinds = (
        CHANNEL_CODES
        if which in (None, "all")
        else tuple(which if isinstance(which, list | tuple) else [which])
    )
    return [c for c in record.get("channels") or [] if c["kind"] in kinds]


def _fee_kind(name: str) -> str:
    """The registry's fee kind a sheet fee name stands for (``Lệ phí (2)`` → ``le_phi``)."""
    base = re.sub(r"\s*\(\d+\)$", "", _norm(name))
    return FEE_KINDS.get(base, "unspecified")


def _fee_matches(fee: dict, name: str) -> bool:
    return _norm(fee.get("raw")) == _norm(name) or (fee.get("kind") or "unspecified") == _fee_kind(
        name
    )


def _fee_text(fee: dict) -> str:
    if fee.get("free"):
        return "miễn phí"
    currency = fee.get("currency") or "VND"
    return f"{_num(fee.get('amount'))} {'đồng' if currency == 'VND' else currency}"


def remove_document(record: dict, change: dict) -> str:
    name = change.get("document")
    before = record.get("documents") or []
    record["documents"] = [d for d in before if _norm(d.get("name")) != _norm(name)]
    found = len(before) != len(record["documents"])
    tail = "" if found else " (không có trong thành phần hồ sơ hiện hành)"
    if change["type"] == "replace_document_with_lookup":
        where = f" {change['database']}" if change.get("database") else ""
        return f"Thành phần hồ sơ: bỏ «{name}», thay bằng khai thác cơ sở dữ liệu{where}{tail}"
    return f"Thành phần hồ sơ: bỏ «{name}»{tail}"


def set_deadline(record: dict, change: dict) -> str:
    days = change["days"]
    lines = []
    for channel in _channels(record, change.get("channel", "all")):
        before = channel.get("deadline") or {}
        old = _deadline_text(before)
        channel["deadline"] = {
            "value": days,
            "unit": "working_days",
            "raw": f"{_num(days)} ngày làm việc",
        }
        lines.append(f"({CHANNEL_VI[channel['kind']]}): từ {old} {_towards(before, days)} "
                     f"{_num(days)} ngày làm việc")  # fmt: skip
    return "Thời hạn giải quyết " + "; ".join(lines or [f"{_num(days)} ngày làm việc"])


def _towards(before: dict, days: float) -> str:
    """ "xuống" for a cut, "lên" for a longer deadline, "thành" when it cannot be compared
    (another unit, unknown) or stays the same."""
    value = before.get("value")
    if value is None or before.get("unit") != "working_days" or float(value) == float(days):
        return "thành"
    return "xuống" if float(days) < float(value) else "lên"


def set_fee(record: dict, change: dict) -> str:
    name, amount = change["name"], change["amount"]
    currency = change.get("currency")
    targets = _channels(record, change.get("channels"))
    if not change.get("channels"):  # the sheet's fee applies where the record charges it
        holding = [c for c in targets if any(_fee_matches(f, name) for f in c.get("fees") or [])]
        targets = holding or targets
    lines = []
    for channel in targets:
        fees = [f for f in channel.get("fees") or [] if _fee_matches(f, name)]
        if not fees:
            fees = [{"kind": _fee_kind(name), "unit": None}]
            channel.setdefault("fees", []).append(fees[0])
            old = "không có"
        else:
            old = _fee_text(fees[0])
        for fee in fees:
            fee.update(amount=amount, currency=currency or fee.get("currency") or "VND", free=False)
            fee["raw"] = f"{_num(amount)} {fee['currency']}"
        lines.append(f"({CHANNEL_VI[channel['kind']]}): từ {old} thành {_fee_text(fees[0])}")
    return f"{name} " + "; ".join(lines)


def remove_fee(record: dict, change: dict) -> str:
    name = change["name"]
    for channel in record.get("channels") or []:
        channel["fees"] = [f for f in channel.get("fees") or [] if not _fee_matches(f, name)]
    return f"{name}: bãi bỏ"


def set_channels(record: dict, change: dict) -> str:
    shares = {k: float(v) for k, v in (change.get("value") or {}).items()}
    present = {c["kind"] for c in record.get("channels") or []}
    template = (record.get("channels") or [{}])[0]
    unknown = {"value": None, "unit": "unspecified", "raw": None}
    for kind, share in shares.items():
        if share > 0 and kind not in present:  # a channel opened, with the usual deadline
            deadline = copy.deepcopy(template.get("deadline") or unknown)
            record.setdefault("channels", []).append(
                {"kind": kind, "deadline": deadline, "fees": [], "description": None, "raw": None}
            )
    record["channels"] = [
        c
        for c in record.get("channels") or []
        if shares.get(c["kind"], 1) > 0 or c["kind"] not in shares
    ]
    words = ", ".join(f"{CHANNEL_VI[k]} {_num(v * 100)} %" for k, v in shares.items())
    return f"Cách thức thực hiện: tỷ lệ {words}"


def _sheet_only(record: dict, change: dict) -> str:
    kind = change["type"]
    if kind == "set_frequency":
        return f"Tần suất thực hiện: {_num(change['value'])} lần/năm"
    if kind == "set_population":
        return f"Số đối tượng thực hiện: {_num(change['value'])} đối tượng/năm"
    name = change.get("name")
    if kind == "remove_activity":
        return f"Hoạt động «{name}»: bỏ"
    details = _activity_details(change)
    what = "thêm" if kind == "add_activity" else "sửa"
    return f"Hoạt động «{name}»: {what}" + (f" ({details})" if details else "")


def _activity_details(change: dict) -> str:
    """The new values of an activity change in words ("2,5 giờ; 2 người; …")."""
    parts = []
    if change.get("hours") is not None:
        parts.append(f"{_num(change['hours'])} giờ")
    if change.get("people") is not None:
        parts.append(f"{_num(change['people'])} người")
    if change.get("out_of_pocket") is not None:
        parts.append(f"chi phí khác {_num(change['out_of_pocket'])} đồng")
    channels = change.get("channels")
    if channels:
        kinds = [channels] if isinstance(channels, str) else list(channels)
        parts.append("cách thức " + ", ".join(CHANNEL_VI.get(k, k) for k in kinds))
    if change.get("document"):
        parts.append(f"gắn với «{change['document']}»")
    return "; ".join(parts)


APPLY: dict[str, Callable[[dict, dict], str]] = {
    "remove_document": remove_document,
    "replace_document_with_lookup": remove_document,
    "set_deadline": set_deadline,
    "set_fee": set_fee,
    "remove_fee": remove_fee,
    "set_channels": set_channels,
    **dict.fromkeys(SHEET_ONLY, _sheet_only),
}


def apply_to_record(record: dict[str, Any], option: dict[str, Any]) -> tuple[dict, list[str]]:
    """The record after the option (a deep copy; ``record`` is untouched), and the lines."""
    out = copy.deepcopy(record)
    lines = []
    for change in option.get("changes") or []:
        fn = APPLY.get(change.get("type"))
        line = fn(out, change) if fn else f"Thay đổi «{change.get('type')}»: không áp dụng được"
        if change.get("reason"):
            line += f" — lý do: {change['reason']}"
        lines.append(line)
    return out, lines


def describe(record: dict[str, Any], option: dict[str, Any]) -> list[str]:
    """Every change of ``option`` in words, as it would apply to ``record`` now."""
    return apply_to_record(record, option)[1]
