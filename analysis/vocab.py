"""Controlled vocabularies, defined once: codes, and known spellings mapped to codes.

Each vocabulary maps a normalised spelling (lower case, NFC, single spaces) to a code;
an unseen spelling raises. This module is pure (no imports from the registry) so that
both the cost model (``analysis``) and the registry (``catalogue.registry.vocab``
re-exports it) use the same lists.
"""

from __future__ import annotations

import unicodedata

LEVELS = {
    "cấp bộ": "ministry",
    "cấp trung ương": "ministry",
    "cấp tỉnh": "province",
    "cấp huyện": "district",
    "cấp xã": "commune",
    "cơ quan khác": "other",
}
LEVEL_CODES = ("ministry", "province", "district", "commune", "other")

CHANNELS = {
    "trực tiếp": "direct",
    "trực tuyến": "online",
    "dịch vụ bưu chính": "postal",
    "bưu chính": "postal",
    "bưu chính công ích": "postal",
}
CHANNEL_CODES = ("direct", "online", "postal")

DEADLINE_UNITS = {
    "ngày làm việc": "working_days",
    "ngày": "days",
    "giờ": "hours",
    "tháng": "months",
}
DEADLINE_UNIT_CODES = ("working_days", "days", "hours", "months", "unspecified")

FEE_KINDS = {"phí": "phi", "lệ phí": "le_phi"}
FEE_KIND_CODES = ("phi", "le_phi", "unspecified")

CURRENCIES = ("VND", "USD")

STATUSES = ("active", "amended", "replaced", "abolished", "draft")  # of a procedure
IN_FORCE_STATUSES = ("active", "amended")  # the procedures totals and baselines count

# How an input figure was obtained (TT 02/2017: every figure names its source and method);
# "legal" is a figure set by a legal text (a fee in a circular, a deadline in a decree).
# Online level of a procedure (NĐ 42/2022/NĐ-CP): spelling → code; "none" = no online service.
ONLINE_LEVELS = {"toàn trình": "full", "một phần": "partial", "không có": "none"}
ONLINE_LEVEL_CODES = ("full", "partial", "none")

METHODS = ("statistics", "survey", "estimate", "default", "legal")

PLAN_STATUSES = ("draft", "submitted", "approved", "adopted", "published")
PROPOSAL_STATUSES = ("draft", "submitted", "approved", "rejected", "returned", "withdrawn")


class UnknownSpelling(ValueError):
    """A value is not in its controlled vocabulary."""


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def to_code(vocabulary: dict[str, str], codes: tuple[str, ...], text: str, what: str) -> str:
    """Map a spelling or an already-coded value to its code, or raise UnknownSpelling.

    >>> to_code(LEVELS, LEVEL_CODES, "Cấp  Tỉnh", "level")
    'province'
    >>> to_code(LEVELS, LEVEL_CODES, "commune", "level")
    'commune'
    """
    key = _norm(text)
    if key in codes:
        return key
    if key in vocabulary:
        return vocabulary[key]
    raise UnknownSpelling(f"unknown {what}: {text!r} (known: {', '.join(codes)})")


def level_code(text: str) -> str:
    """Code of a level spelling such as 'Cấp tỉnh'."""
    return to_code(LEVELS, LEVEL_CODES, text, "level")


def channel_code(text: str) -> str:
    """Code of a channel spelling such as 'Trực tuyến'."""
    return to_code(CHANNELS, CHANNEL_CODES, text, "channel")
