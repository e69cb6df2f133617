"""The range of every stored number: what both databases and the evaluators can hold.

One definition, used at the door (sheet reading, catalogue records, one-stop statistics:
a value outside its range is refused naming file, row and field) and at evaluation (a
procedure whose figures still overflow is reported unpriceable, the rest is priced).

The bounds are far above any real figure (Việt Nam has ~100 million people and ~1
million enterprises; the largest real fee is a few tỷ đồng) and far below what breaks a
64-bit integer (9,2 × 10¹⁸) once the evaluator scales values to fixed decimals (money
× 10², hours × 10³, frequency × 10⁶, shares × 10⁴). A product of several values at their
bounds can still exceed 64 bits; that is what the containment at evaluation is for.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

__all__ = [
    "COUNT_MAX",
    "DEADLINE_MAX",
    "DOCUMENT_COUNT_MAX",
    "FEE_MAX",
    "FEE_PLACES",
    "MAXIMA",
    "STAT_COUNT_MAX",
    "YEAR_RANGE",
    "out_of_range",
]

# Sheet figures by kind (analysis.model.DECIMALS gives their decimal places).
MAXIMA: dict[str, Decimal] = {
    "count": Decimal(10) ** 10,  # population (subjects a year), people, copies
    "frequency": Decimal(10) ** 4,  # executions per subject per year
    "money": Decimal(10) ** 13,  # đồng: fees, out-of-pocket costs, hourly rates
    "hours": Decimal(10) ** 5,  # hours of one activity
    "days": Decimal(10) ** 5,  # deadline in days
    "share": Decimal(1),  # channel share
}
COUNT_MAX = int(MAXIMA["count"])
# Catalogue records.
FEE_MAX = {"VND": 10**13, "USD": 10**9}  # per fee
FEE_PLACES = {"VND": 0, "USD": 2}  # whole đồng; US cents
DEADLINE_MAX = 10**5  # in the deadline's own unit (days, hours, months)
# Originals, copies, certified copies of one document. Not 10⁴: the portal parser reads
# some template names ending in a year as counts (20261 = "…2026" + "1"); those are
# kept raw, not refused here.
DOCUMENT_COUNT_MAX = 10**6
# One-stop statistics and yearly volumes: dossiers per row (< 2⁶³ by six orders).
STAT_COUNT_MAX = 10**12
YEAR_RANGE = (1900, 2200)


def out_of_range(value: Any, maximum: float | int | Decimal, places: int | None = None) -> str:
    """Why ``value`` is not a finite number in [0, maximum] with ``places`` decimals, or "".

    >>> out_of_range(100.125, 10**13, 0)
    'must be a whole number, got 100.125'
    >>> out_of_range(float("nan"), 10), out_of_range(5, 10)
    ('must be a finite number, got nan', '')
    >>> out_of_range(10**20, 10**13)
    'must be at most 10000000000000, got 100000000000000000000'
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return f"must be a number, got {value!r}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {value!r}"
    if isinstance(value, Decimal) and not value.is_finite():
        return f"must be a finite number, got {value}"
    if value < 0:
        return f"must not be negative, got {value!r}"
    if value > maximum:
        return f"must be at most {maximum}, got {value!r}"
    if places is not None and not isinstance(value, int):
        exact = Decimal(repr(value)) if isinstance(value, float) else value
        if exact.normalize().as_tuple().exponent < -places:
            what = f"at most {places} decimal places" if places else "a whole number"
            return f"must be {what}, got {value!r}"
    return ""
