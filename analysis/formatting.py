"""Display helpers for money, rates and dates, in Vietnamese (default) or English.

Vietnamese usage groups thousands with dots and writes decimals with a comma:

>>> format_vnd(1234567)
'1.234.567 đ'
>>> format_ty(975_000_000_000)
'975 tỷ đồng'
>>> format_percent(66.666)
'66,67 %'
>>> from datetime import date
>>> format_date(date(2026, 12, 31))
'31/12/2026'
>>> format_vnd(1234567, lang="en")
'1,234,567 VND'
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "format_date",
    "format_number",
    "format_percent",
    "format_ty",
    "format_vnd",
    "parse_number",
]

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # numpy floats too: their repr is "np.float64(…)"
        return Decimal(repr(float(value)))
    return Decimal(str(value))


def format_number(
    value: object, decimals: int = 0, *, lang: str = "vi", strip: bool = False
) -> str:
    """A number rounded half-up to ``decimals`` places with the language's separators.

    ``strip`` drops trailing zeros of the fraction (``1,50`` → ``1,5``).

    >>> format_number(-1234.5, 1)
    '-1.234,5'
    >>> format_number(1.50, 2, strip=True)
    '1,5'
    """
    thousands, point = _SEPARATORS[lang]
    quantum = Decimal(1).scaleb(-decimals)
    number = _decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = thousands.join(groups)
    if strip:
        fraction = fraction.rstrip("0")
    return sign + text + (point + fraction if fraction else "")


def format_vnd(amount: object, *, lang: str = "vi") -> str:
    """Money in whole đồng: ``1.234.567 đ`` (``1,234,567 VND`` in English)."""
    unit = " đ" if lang == "vi" else " VND"
    return format_number(amount, 0, lang=lang) + unit


def format_ty(amount: object, *, decimals: int = 2, lang: str = "vi") -> str:
    """Money in tỷ (10⁹) đồng, trailing zeros dropped: ``975 tỷ đồng``, ``1,5 tỷ đồng``.

    >>> format_ty(1_500_000_000)
    '1,5 tỷ đồng'
    >>> format_ty(650_000_000_000, lang="en")
    '650 billion VND'
    """
    unit = " tỷ đồng" if lang == "vi" else " billion VND"
    return format_number(_decimal(amount) / Decimal(10**9), decimals, lang=lang, strip=True) + unit


def format_percent(rate: object, *, decimals: int = 2, lang: str = "vi") -> str:
    """A rate already in percent, two decimals: ``66,67 %`` (``66.67 %`` in English)."""
    return format_number(rate, decimals, lang=lang) + " %"


def format_date(day: date, *, lang: str = "vi") -> str:
    """A date as ``31/12/2026`` (Vietnamese) or ISO ``2026-12-31`` (English)."""
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


# What may follow a typed number: a currency or percent sign, spaces (also non-breaking).
_UNITS = re.compile(r"(?:\s|\u00a0)*(?:%|đ|đồng|vnd|vnđ)?(?:\s|\u00a0)*$", re.IGNORECASE)
# A group separator is followed by exactly three digits, up to the end or the decimal mark.
_GROUPED = {
    "vi": re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d*)?$"),
    "en": re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$"),
}


def parse_number(text: str, *, lang: str = "vi") -> Decimal | None:
    """A number as a person types it; None for an empty field; ValueError when unreadable.

    Vietnamese writes ``1.234.567`` and ``0,5``; a dot not followed by groups of three
    digits is read as a decimal point (``0.5``), as people also type it. A trailing
    ``%``, ``đ`` or spaces are ignored.

    >>> parse_number("0,5"), parse_number("1.234.567"), parse_number("1.234,5")
    (Decimal('0.5'), Decimal('1234567'), Decimal('1234.5'))
    >>> parse_number("0.5"), parse_number("30 %"), parse_number("250.000 đ")
    (Decimal('0.5'), Decimal('30'), Decimal('250000'))
    >>> parse_number("1,234.5", lang="en"), parse_number("  ")
    (Decimal('1234.5'), None)
    """
    cleaned = _UNITS.sub("", str(text).strip()).replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    thousands, point = _SEPARATORS[lang]
    if _GROUPED[lang].match(cleaned):
        cleaned = cleaned.replace(thousands, "")
    elif thousands in cleaned and point in cleaned:
        raise ValueError(f"not a number: {text!r}")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?(\d+\.?\d*|\.\d+)", cleaned):  # no exponent, nan or inf
        raise ValueError(f"not a number: {text!r}")
    return Decimal(cleaned)
