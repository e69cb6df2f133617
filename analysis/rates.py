"""Money rates: the one definition of a saving, a cut rate and a share in per cent.

TT 02/2017/TT-VPCP Điều 27 and DESIGN §4: ``savings = before − after`` and
``cut rate = savings ÷ before × 100``. Every figure shown or stored goes through these
functions, so that a workflow figure, a report, a programme target, a one-stop share and
a document all round the same way:

- exact arithmetic (integers, or Decimals scaled to integers; never binary floats),
- rounded half-up (away from zero) to ``decimals`` places (2 for cut rates),
- 0 when the whole is 0,
- negative when the "saving" is a cost increase.

:func:`percents` is the single implementation (over arrays, for the evaluators and
reports); :func:`percent`, :func:`cut_rate` and :func:`cut_rates` are that same rule
named for their callers.

>>> cut_rate(650, 975)
Decimal('66.67')
>>> cut_rate(1, 800)
Decimal('0.13')
>>> cut_rate(-10, 100)
Decimal('-10.00')
>>> cut_rate(5, 0)
Decimal('0.00')
>>> percent(924, 956, decimals=1)
Decimal('96.7')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

__all__ = ["cut_rate", "cut_rates", "percent", "percents", "round_div", "saving"]

_INT64_LIMIT = 2**62  # headroom below 2**63 for the sums inside round_div


def saving(before: Any, after: Any) -> Any:
    """``before − after`` (đồng, days…): positive when simplification saves.

    Works on ints, Decimals, numpy arrays and pandas Series alike.

    >>> saving(975, 325)
    650
    """
    return before - after


def round_div(numerator: np.ndarray, denominator: Any) -> np.ndarray:
    """``numerator ÷ denominator`` rounded half away from zero, exactly (integers in, out).

    ``denominator`` is positive (an int or an array). Stays in int64 while ``2|n| + d``
    cannot overflow, else computes with Python integers (object arrays).

    >>> round_div(np.array([5, -5, 4]), 2).tolist()
    [3, -3, 2]
    """
    num = np.asarray(numerator)
    den = np.asarray(denominator)
    if num.dtype == object or den.dtype == object or _bound(num) * 2 + _bound(den) > _INT64_LIMIT:
        num = num.astype(object)
        den = den.astype(object)
    if num.size and (num >= 0).all():
        return (num * 2 + den) // (den * 2)
    magnitude = (abs(num) * 2 + den) // (den * 2)
    return np.where(num < 0, -magnitude, magnitude)


def percents(part: Any, whole: Any, *, decimals: int = 2) -> np.ndarray:
    """Elementwise ``part ÷ whole × 100``, half-up to ``decimals`` places; 0 where whole is 0.

    ``part`` and ``whole`` are integers, Decimals or arrays of them (floats are read
    through their decimal text, so ``0.1`` is one tenth). Returns floats holding the
    rounded values.

    >>> percents([650, 1, 3], [975, 800, 0]).tolist()
    [66.67, 0.13, 0.0]
    """
    # an integer divided by a power of ten is correctly rounded: the nearest float to the rate
    return _scaled(part, whole, decimals).astype(float) / 10**decimals


def percent(part: Any, whole: Any, *, decimals: int = 2) -> Decimal:
    """One ``part ÷ whole × 100`` as a Decimal, by the rule of :func:`percents`.

    >>> percent(3281500, 3226809, decimals=1)
    Decimal('101.7')
    """
    scaled = int(_scaled([part], [whole], decimals)[0])
    return Decimal(scaled).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals))


def cut_rate(saved: Any, before: Any) -> Decimal:
    """Cut rate in per cent: ``saved ÷ before × 100``, half-up to 2 decimals, 0 if before is 0."""
    return percent(saved, before, decimals=2)


def cut_rates(saved: Any, before: Any) -> np.ndarray:
    """Cut rates of arrays (or Series) ``saved`` and ``before``, as floats; see :func:`cut_rate`."""
    return percents(saved, before, decimals=2)


def _scaled(part: Any, whole: Any, decimals: int) -> np.ndarray:
    """The rates as integers in units of ``10**-decimals`` per cent (the one computation)."""
    p, w = _as_integers(part, whole)
    zero = w == 0
    scaled = round_div(_times(p, 10 ** (decimals + 2)), np.where(zero, 1, np.abs(w)))
    scaled = np.where(w < 0, -scaled, scaled)
    return np.where(zero, 0, scaled)


def _bound(values: np.ndarray) -> int:
    if values.size == 0:
        return 0
    if values.dtype == object:
        return max(abs(int(v)) for v in values.ravel())
    return int(np.max(np.abs(values.astype(np.float64))))


def _times(values: np.ndarray, factor: int) -> np.ndarray:
    if values.dtype != object and _bound(values) * factor <= _INT64_LIMIT:
        return values * factor
    return values.astype(object) * factor


def _as_integers(part: Any, whole: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both sides as integer arrays with a common decimal scale (exact)."""
    p = np.asarray(getattr(part, "to_numpy", lambda: part)()).ravel()
    w = np.asarray(getattr(whole, "to_numpy", lambda: whole)()).ravel()
    if len(p) != len(w):
        raise ValueError(f"part and whole differ in length: {len(p)} and {len(w)}")
    if p.dtype.kind in "iu" and w.dtype.kind in "iu":  # the fast path of whole arrays
        if p.dtype.kind == "i" == w.dtype.kind or max(_bound(p), _bound(w)) <= _INT64_LIMIT:
            return p.astype(np.int64), w.astype(np.int64)
        return p.astype(object), w.astype(object)  # uint64 beyond int64: exact integers
    p, w = p.astype(object), w.astype(object)
    if len(p) != len(w):
        raise ValueError(f"part and whole differ in length: {len(p)} and {len(w)}")
    if all(_is_int(v) for v in p) and all(_is_int(v) for v in w):
        p_int = np.array([int(v) for v in p], dtype=object)
        w_int = np.array([int(v) for v in w], dtype=object)
        if _bound(p_int) <= _INT64_LIMIT and _bound(w_int) <= _INT64_LIMIT:
            return p_int.astype(np.int64), w_int.astype(np.int64)
        return p_int, w_int
    dp = [_decimal(v) for v in p]
    dw = [_decimal(v) for v in w]
    exponent = min([0, *(d.as_tuple().exponent for d in (*dp, *dw))])
    p_int = np.array([int(d.scaleb(-exponent)) for d in dp], dtype=object)
    w_int = np.array([int(d.scaleb(-exponent)) for d in dw], dtype=object)
    return p_int, w_int


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float | np.floating):
        if value != value:  # NaN has no rate
            raise ValueError("a rate of NaN is undefined")
        return Decimal(repr(float(value)))
    return Decimal(int(value))
