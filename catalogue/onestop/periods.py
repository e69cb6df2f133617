"""Reporting periods of one-stop results and the figure of a period from stored rows.

A period lies inside one calendar year and is one of four kinds (Thông tư 01/2020/TT-VPCP
reports by quarter, six months and year; offices also count by month):

=========  =========  ======================
kind       label      months
=========  =========  ======================
month      2025-03    3
quarter    2025-Q1    1–3
half       2025-H1    1–6 (H2: 7–12)
year       2025       1–12
=========  =========  ======================

A Biểu 06 names its period by dates. Both usual forms are read: calendar months
(01/01/2025–31/03/2025) and the data cut-off of the reporting regime (NĐ 09/2019/NĐ-CP:
from the 15th of the month before the period to the 14th of its last month,
15/12/2024–14/03/2025). Both are the first quarter of 2025.

**The figure of a period** (:func:`compose`) never adds overlapping periods and never
adds years together. For every reporting key (a unit's row of a report, or a procedure at
a unit), the rows used are the one whose period *is* the target, else a chain of stored
periods that covers it without overlap, the longest first (H1 + Q3 + 09 …). Flows
(received, resolved, online, direct, apologies) are summed over the chain; the stock
carried over from the previous period is the first link's, and the pending stocks are the
last link's. So a year's figure from its quarters counts the dossiers carried into
January once, and the dossiers carried from one quarter into the next not at all
(they are the earlier quarter's pending and the later one's carry-over). Months not
covered are reported (``months`` < the period's length), never extrapolated.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

KINDS = ("month", "quarter", "half", "year")
KIND_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
# Column groups of a period row: flows add up over time, stocks are taken at an end.
STOCK_START = ("carried_over",)
STOCK_END = ("pending", "pending_on_time", "pending_overdue")

_LABEL = re.compile(
    r"^(?:(?P<y>\d{4})(?:-(?:(?P<m>\d{1,2})|[Qq](?P<q>[1-4])|[Hh](?P<h>[12])))?"
    r"|(?P<m2>\d{1,2})/(?P<y2>\d{4})|[Qq](?P<q2>[1-4])/(?P<y3>\d{4}))$"
)


class PeriodError(ValueError):
    """A period label or a pair of dates that is not a reporting period."""


@dataclass(frozen=True)
class Period:
    """One reporting period: ``year`` and its months ``first``…``last`` (1–12)."""

    year: int
    first: int
    last: int

    @property
    def kind(self) -> str:
        """month, quarter, half or year."""
        return {1: "month", 3: "quarter", 6: "half", 12: "year"}[self.months]

    @property
    def months(self) -> int:
        """Number of months covered."""
        return self.last - self.first + 1

    @property
    def label(self) -> str:
        """Canonical label: ``2025-03``, ``2025-Q1``, ``2025-H1`` or ``2025``."""
        kind = self.kind
        if kind == "month":
            return f"{self.year}-{self.first:02d}"
        if kind == "quarter":
            return f"{self.year}-Q{self.last // 3}"
        if kind == "half":
            return f"{self.year}-H{self.last // 6}"
        return str(self.year)

    @property
    def start(self) -> date:
        """First calendar day."""
        return date(self.year, self.first, 1)

    @property
    def end(self) -> date:
        """Last calendar day."""
        return date(self.year, self.last, calendar.monthrange(self.year, self.last)[1])

    def text(self, lang: str = "vi") -> str:
        """``quý 1 năm 2025``, ``6 tháng đầu năm 2025``, ``tháng 03/2025``, ``năm 2025``."""
        kind, y = self.kind, self.year
        if lang != "vi":
            return {
                "month": f"{self.first:02d}/{y}",
                "quarter": f"Q{self.last // 3} {y}",
                "half": f"{'first' if self.last == 6 else 'second'} half of {y}",
                "year": f"year {y}",
            }[kind]
        return {
            "month": f"tháng {self.first:02d}/{y}",
            "quarter": f"quý {self.last // 3} năm {y}",
            "half": f"6 tháng {'đầu' if self.last == 6 else 'cuối'} năm {y}",
            "year": f"năm {y}",
        }[kind]


def make_period(year: int, first: int, last: int) -> Period:
    """A period from its months, refused when it is not one of the four kinds.

    >>> make_period(2025, 1, 3).label, make_period(2025, 7, 12).label
    ('2025-Q1', '2025-H2')
    """
    months = last - first + 1
    ok = (
        1 <= first <= last <= 12 and months in (1, 3, 6, 12) and (months == 1 or last % months == 0)
    )
    if not ok:
        raise PeriodError(
            f"tháng {first}–{last}/{year} không phải kỳ báo cáo tháng, quý, 6 tháng hay năm "
            "(not a month, quarter, half-year or year)"
        )
    return Period(year, first, last)


def parse_period(text: str) -> Period:
    """A period from its label (``2025``, ``2025-Q1``, ``Q1/2025``, ``2025-H2``, ``03/2025``).

    >>> parse_period("q2/2025").label, parse_period("2025-h1").months, parse_period("3/2025").label
    ('2025-Q2', 6, '2025-03')
    """
    found = _LABEL.match(str(text).strip())
    if not found:
        raise PeriodError(
            f"kỳ {text!r} không hợp lệ; dùng 2025, 2025-H1, 2025-Q1 hoặc 2025-03 "
            "(unknown period; use 2025, 2025-H1, 2025-Q1 or 2025-03)"
        )
    g = found.groupdict()
    year = int(g["y"] or g["y2"] or g["y3"])
    if g["m"] or g["m2"]:
        month = int(g["m"] or g["m2"])
        return make_period(year, month, month)
    if g["q"] or g["q2"]:
        q = int(g["q"] or g["q2"])
        return make_period(year, 3 * q - 2, 3 * q)
    if g["h"]:
        h = int(g["h"])
        return make_period(year, 6 * h - 5, 6 * h)
    return make_period(year, 1, 12)


def period_from_dates(start: date, end: date) -> Period:
    """The period a Biểu 06 names by its dates (calendar months or the 15th–14th cut-off).

    >>> period_from_dates(date(2024, 12, 15), date(2025, 3, 14)).label
    '2025-Q1'
    >>> period_from_dates(date(2025, 1, 1), date(2025, 6, 30)).label
    '2025-H1'
    """
    if end < start:
        raise PeriodError("ngày kết thúc trước ngày bắt đầu (the period ends before it starts)")
    if start.day == 1:
        first = (start.year, start.month)
    elif start.day == 15:
        first = (start.year + start.month // 12, start.month % 12 + 1)
    else:
        raise PeriodError(
            f"kỳ báo cáo bắt đầu ngày 01 hoặc ngày 15 của tháng trước, không phải "
            f"{start:%d/%m/%Y} (a period starts on the 1st, or on the 15th of the month before)"
        )
    last_day = calendar.monthrange(end.year, end.month)[1]
    if end.day not in (14, last_day):
        raise PeriodError(
            f"kỳ báo cáo kết thúc ngày 14 hoặc ngày cuối tháng, không phải {end:%d/%m/%Y} "
            "(a period ends on the 14th or the last day of a month)"
        )
    if (start.day == 15) != (end.day == 14):
        raise PeriodError(
            "ngày bắt đầu và kết thúc không cùng cách chốt số liệu (15–14 hoặc đầu–cuối tháng) "
            "(start and end follow different cut-offs)"
        )
    if first[0] != end.year:
        raise PeriodError("một kỳ báo cáo không vượt quá một năm (a period lies within one year)")
    return make_period(end.year, first[1], end.month)


def period_columns(labels: pd.Series) -> pd.DataFrame:
    """``year``, ``first``, ``last`` (months) of period labels; NaN where unknown."""
    unique = {}
    for label in pd.unique(labels.astype(str)):
        try:
            p = parse_period(label)
            unique[label] = (p.year, p.first, p.last)
        except PeriodError:
            unique[label] = (np.nan, np.nan, np.nan)
    table = pd.DataFrame.from_dict(unique, orient="index", columns=["year", "first", "last"])
    out = table.reindex(labels.astype(str).to_numpy())
    out.index = labels.index
    return out


def compose(
    frame: pd.DataFrame,
    target: Period,
    *,
    keys: list[str],
    counts: list[str],
    latest_stock: bool = False,
) -> pd.DataFrame:
    """The figure of ``target`` for every key of ``frame`` (see the module docstring).

    ``frame`` has a ``period`` label column, ``keys`` and ``counts``; other columns are
    taken from each key's first period used. The result has one row per key with at least
    one usable period, ``period`` = the target's label, ``months`` (covered) and
    ``periods`` (the labels used, joined by ``+``). A pending stock is unknown when the
    chain stops before the target's end, unless ``latest_stock`` (the yearly volume of a
    year still running takes the latest pending count held).

    Vectorised: the chain is walked for all keys at once, one step per month at most.
    """
    empty = frame.iloc[0:0].assign(months=pd.Series(dtype="int64"), periods=pd.Series(dtype=object))
    if frame.empty:
        return empty
    spans = period_columns(frame["period"])
    inside = (
        (spans["year"] == target.year)
        & (spans["first"] >= target.first)
        & (spans["last"] <= target.last)
    ).to_numpy()
    if not inside.any():
        return empty
    rows = frame.loc[inside].reset_index(drop=True)
    first = spans.loc[inside, "first"].to_numpy(dtype="int64")
    last = spans.loc[inside, "last"].to_numpy(dtype="int64")
    kid = rows.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    n_keys = int(kid.max()) + 1
    # table[key, month]: the row starting that month that reaches furthest (-1: none);
    # rows are written shortest first so that the longest one stays.
    order = np.lexsort((last, first, kid))
    table = np.full((n_keys, 14), -1, dtype="int64")
    table[kid[order], first[order]] = order
    chosen = np.zeros(len(rows), dtype=bool)
    cursor = np.full(n_keys, target.first, dtype="int64")
    keys_at = np.arange(n_keys)
    for _ in range(target.months):
        active = cursor <= target.last
        if not active.any():
            break
        pos = np.where(active, table[keys_at, np.minimum(cursor, 13)], -1)
        found = pos >= 0
        chosen[pos[found]] = True
        cursor = np.where(found, last[np.maximum(pos, 0)] + 1, cursor + 1)
    used = rows.loc[chosen].assign(_kid=kid[chosen], _first=first[chosen], _last=last[chosen])
    used = used.sort_values(["_kid", "_first"], kind="stable")
    grouped = used.groupby("_kid", sort=True)
    head = grouped.head(1).set_index("_kid")
    tail = grouped.tail(1).set_index("_kid")
    out = head.copy()
    starts, ends = set(STOCK_START), set(STOCK_END)
    flows = [c for c in counts if c not in starts | ends]
    if flows:
        sums = grouped[flows].sum(min_count=1)
        for c in flows:
            out[c] = sums[c]
    for c in starts & set(counts):
        out[c] = head[c].where(head["_first"] == target.first)
    for c in ends & set(counts):
        out[c] = tail[c] if latest_stock else tail[c].where(tail["_last"] == target.last)
    months = grouped["_last"].sum() - grouped["_first"].sum() + grouped.size()
    out["months"] = months.astype("int64")
    out["periods"] = grouped["period"].agg(lambda p: "+".join(p.astype(str)))
    out["period"] = target.label
    out = out.drop(columns=["_first", "_last"]).reset_index(drop=True)
    for c in counts:
        out[c] = pd.array(out[c].tolist(), dtype="Int64")
    return out


def periods_held(labels: pd.Series) -> list[Period]:
    """Distinct known periods among labels, by year, then start, longest first."""
    found = set()
    for label in labels.dropna().astype(str).unique():
        try:
            found.add(parse_period(label))
        except PeriodError:
            continue
    return sorted(found, key=lambda p: (p.year, p.first, -p.months))
