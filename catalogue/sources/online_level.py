"""The online level of a procedure (NĐ 42/2022/NĐ-CP) where the portal's text states it.

Only an explicit statement counts: "(dịch vụ công) trực tuyến toàn trình" → ``full``;
"(dịch vụ công) trực tuyến một phần" → ``partial``. The words "một phần" alone say nothing
(real records speak of "trả lại một phần diện tích"), nor does a condition such as "qua
Cổng DVC quốc gia đối với các TTHC đã toàn trình" (said of procedures in general): None
means not stated, and nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata

_FULL = re.compile(r"trực tuyến\s+toàn\s+trình")
_PARTIAL = re.compile(r"trực tuyến\s+một\s+phần")


def parse_online_level(text: str | None) -> str | None:
    """``full``, ``partial`` or None, from a channel text (cách thức thực hiện).

    >>> parse_online_level("… đủ điều kiện thực hiện dịch vụ công trực tuyến toàn trình")
    'full'
    >>> parse_online_level("Dịch vụ công trực tuyến một phần"), parse_online_level(
    ...     "trả lại một phần diện tích")
    ('partial', None)
    """
    if not text:
        return None
    folded = " ".join(unicodedata.normalize("NFC", text).lower().split())
    if _PARTIAL.search(folded):
        return "partial"
    if _FULL.search(folded):
        return "full"
    return None
