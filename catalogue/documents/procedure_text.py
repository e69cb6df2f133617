"""A procedure's record in the words of a filed document (Phần II of a Quyết định công bố).

Reads the registry's record (:func:`catalogue.registry.store.load_records`) and writes
its components in the order officials use: a) trình tự thực hiện, b) cách thức thực
hiện, c) thành phần, số lượng hồ sơ, d) thời hạn giải quyết, đ) đối tượng thực hiện,
e) cơ quan thực hiện, g) kết quả thực hiện, h) phí, lệ phí, i) tên mẫu đơn, mẫu tờ khai,
k) yêu cầu, điều kiện thực hiện, l) căn cứ pháp lý. A component the record does not
state reads "Không quy định."; an amended component is marked "(được sửa đổi, bổ sung)".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.formatting import format_number
from catalogue.documents import layout as L
from catalogue.documents.words import (
    CHANGE_COMPONENTS,
    LEVEL_ORDER,
    change_text,
    channel_word,
    deadline_text,
    fee_kind_word,
    level_word,
)

NOT_STATED = "Không quy định."


def level_rank(levels: Sequence[str]) -> tuple[int, ...]:
    """Sort key of a level group: province before commune, as the decree's lists go."""
    return tuple(LEVEL_ORDER.index(code) for code in levels if code in LEVEL_ORDER) or (99,)


def level_group_title(levels: Sequence[str]) -> str:
    """``THỦ TỤC HÀNH CHÍNH CẤP TỈNH`` (``…CẤP TỈNH, CẤP XÃ`` for several levels).

    >>> level_group_title(["province", "commune"])
    'THỦ TỤC HÀNH CHÍNH CẤP TỈNH, CẤP XÃ'
    """
    words = [level_word(code).upper() for code in LEVEL_ORDER if code in levels]
    return "THỦ TỤC HÀNH CHÍNH " + (", ".join(words) if words else "KHÁC")


def fee_text(fee: dict[str, Any]) -> str:
    """``Lệ phí: 8.000 đồng/bản``; ``Miễn phí``; the raw text when the amount is unknown."""
    if fee.get("free"):
        return "Miễn phí"
    if fee.get("amount") is None:
        return (fee.get("raw") or "").strip()
    unit = fee.get("unit") or ""
    currency = "đồng" if fee.get("currency", "VND") == "VND" else fee.get("currency")
    return f"{fee_kind_word(fee.get('kind', ''))}: {format_number(fee['amount'])} {currency}{unit}"


def deadline_summary(record: dict[str, Any]) -> str:
    """The channels' deadlines, one per distinct value (``5 ngày làm việc``)."""
    texts = [deadline_text(**_deadline(c)) for c in record.get("channels") or []]
    return "; ".join(dict.fromkeys(t for t in texts if t))


def fee_summary(record: dict[str, Any]) -> str:
    """The fees of every channel, each once."""
    texts = [fee_text(f) for c in record.get("channels") or [] for f in c.get("fees") or []]
    return "; ".join(dict.fromkeys(t for t in texts if t))


def _deadline(channel: dict[str, Any]) -> dict[str, Any]:
    deadline = channel.get("deadline") or {}
    return {"value": deadline.get("value"), "unit": deadline.get("unit") or "unspecified",
            "raw": deadline.get("raw")}  # fmt: skip


def _copies(doc: dict[str, Any]) -> str:
    parts = []
    for key, word in (("originals", "bản chính"), ("copies", "bản sao"),
                      ("certified_copies", "bản sao có chứng thực")):  # fmt: skip
        if doc.get(key):
            parts.append(f"{L.count(int(doc[key]))} {word}")
    return ", ".join(parts)


def _components(record: dict[str, Any]) -> list[tuple[str, list[str]]]:
    steps = [
        f"Bước {s.get('order') or i}: {s['text']}"
        for i, s in enumerate(record.get("steps") or [], start=1)
        if s.get("text")
    ]
    channels = []
    for c in record.get("channels") or []:
        line = channel_word(c["kind"])
        if c.get("description"):
            line += f": {c['description']}"
        channels.append(line)
    documents = []
    for d in record.get("documents") or []:
        copies = _copies(d)
        documents.append(f"- {d['name']}" + (f": {copies}" if copies else ""))
    deadlines = [f"{channel_word(c['kind'])}: {text}" for c in record.get("channels") or []
                 if (text := deadline_text(**_deadline(c)))]  # fmt: skip
    fees = [f"{channel_word(c['kind'])}: {fee_text(f)}" for c in record.get("channels") or []
            for f in c.get("fees") or [] if fee_text(f)]  # fmt: skip
    forms = [d["template"] for d in record.get("documents") or [] if d.get("template")]
    bases = [b.get("title") or b.get("number") or "" for b in record.get("legal_bases") or []]
    agency = record.get("competent_agency") or record.get("agency")
    return [
        ("a) Trình tự thực hiện", steps),
        ("b) Cách thức thực hiện", channels),
        ("c) Thành phần, số lượng hồ sơ", documents),
        ("d) Thời hạn giải quyết", deadlines),
        ("đ) Đối tượng thực hiện", list(record.get("subjects") or [])),
        ("e) Cơ quan thực hiện", [agency] if agency else []),
        ("g) Kết quả thực hiện", [record["result"]] if record.get("result") else []),
        ("h) Phí, lệ phí", fees),
        ("i) Tên mẫu đơn, mẫu tờ khai", forms),
        ("k) Yêu cầu, điều kiện thực hiện", [record["conditions"]] if record.get("conditions")
         else []),
        ("l) Căn cứ pháp lý", [b for b in bases if b]),
    ]  # fmt: skip


def procedure_components(doc, n: int, record: dict[str, Any], changes: Sequence[dict]) -> None:
    """``n. Thủ tục …`` and its components; for an amended procedure first the changes, and
    each changed component marked."""
    code = f" (mã {record['code']})" if record.get("code") else ""
    L.heading_paragraph(doc, f"{n}. {record['name']}{code}")
    touched = {CHANGE_COMPONENTS.get(c.get("type"), "") for c in changes}
    if changes:
        L.body(doc, "Nội dung sửa đổi, bổ sung:", italic=True)
        L.items(doc, [f"- {change_text(c)}" for c in changes])
    for label, lines in _components(record):
        mark = " (được sửa đổi, bổ sung)" if label.split(") ", 1)[1] in touched else ""
        single = len(lines) == 1 and not lines[0].startswith("- ")
        if single:
            L.body(doc, f"{label}{mark}: {lines[0]}")
            continue
        L.body(doc, f"{label}{mark}:" + ("" if lines else f" {NOT_STATED}"))
        L.items(doc, lines)
