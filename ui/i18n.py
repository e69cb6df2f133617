"""Translation catalogues (Vietnamese default, English on a toggle) and display formats.

Every user-facing string comes from ``ui/locales/<lang>.yaml`` by a dotted key; numbers,
money and dates go through :mod:`analysis.formatting` in the chosen language.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path

import streamlit as st
import yaml

from analysis.formatting import format_date, format_number, format_percent, format_ty, format_vnd

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
# Sums at or above this many đồng are also shown in tỷ đồng.
TY_THRESHOLD = 1_000_000_000


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flattened catalogue of one language (dotted key → text)."""
    with open(LOCALES_DIR / f"{lang}.yaml", encoding="utf-8") as fh:
        return _flatten(yaml.safe_load(fh) or {})


def lang() -> str:
    """The language chosen in the sidebar (Vietnamese until the user switches)."""
    chosen = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled in.

    A missing key shows the key itself, so a gap is visible instead of crashing a page.
    """
    text = catalogue(lang()).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def label(group: str, code: object) -> str:
    """Display name of a vocabulary code (``level.province`` → ``Cấp tỉnh``)."""
    if code is None or code == "":
        return "—"
    key = f"{group}.{code}"
    return t(key) if key in catalogue(lang()) else str(code)


def missing(value: object) -> bool:
    """True for None and the missing values of pandas and numpy (NaN, NA)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the one value unequal to itself
    except TypeError:  # pd.NA refuses to be a bool
        return True


def money(amount: object) -> str:
    """Money in đồng (``1.234.567 đ``), with ``tỷ đồng`` added for large sums."""
    if missing(amount):
        return "—"
    text = format_vnd(amount, lang=lang())  # rounded half-up there
    if abs(amount) >= TY_THRESHOLD:
        text += f" ({format_ty(amount, lang=lang())})"
    return text


def billions(amount: object) -> str:
    """Money in tỷ đồng only (``975 tỷ đồng``), for headline figures."""
    return "—" if missing(amount) else format_ty(amount, lang=lang())


def percent(rate: object) -> str:
    """A rate already in percent: ``66,67 %``."""
    return "—" if missing(rate) else format_percent(rate, lang=lang())


def number(value: object, decimals: int = 0) -> str:
    """A plain number with the language's separators (``1.234,5``)."""
    if missing(value):
        return "—"
    return format_number(value, decimals, lang=lang(), strip=decimals > 0)


def day(value: date | datetime | None) -> str:
    """A date as ``31/12/2026`` (ISO in English)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, lang=lang())
