"""Sensitivity of a result, the low-average rule, and net present value of an option.

**Low-average rule** (TT 02/2017/TT-VPCP, Điều 27 and the costing forms of its Phụ lục:
where several sources give different figures, the "trung bình thấp" — low average — is
taken, so that the burden is never overstated). The circular does not define it
numerically; our reading, implemented in :func:`low_average`: take the arithmetic mean
of all reported values, then the mean of the values at or below that mean. With two
sources this is the lower one; with one source it is that value.

**NPV** of an option with a one-off implementation cost ``C`` and annual savings ``S``
over ``H`` years at discount rate ``r`` (savings from the end of year 1)::

    NPV = −C + Σ_{t=1..H} S ÷ (1 + r)^t
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, localcontext

import pandas as pd

from analysis.changes import apply_option
from analysis.model import Figure, Sheet
from analysis.rates import cut_rate, saving
from analysis.reference import evaluate_variant, round_dong
from analysis.sheet import BASELINE_ID

__all__ = ["FACTORS", "low_average", "npv", "scale_sheet", "sensitivity"]

FACTORS = ("hourly_rate", "population", "hours")


def low_average(values: list[Decimal | int]) -> Decimal:
    """The mean of the values at or below the mean of all values (see module docstring).

    >>> low_average([100, 120, 200])
    Decimal('110')
    >>> low_average([Decimal("3"), Decimal("5")])
    Decimal('3')
    """
    if not values:
        raise ValueError("low_average needs at least one value")
    numbers = [Decimal(v) for v in values]
    with localcontext() as ctx:
        ctx.prec = 40
        mean = sum(numbers) / len(numbers)
        low = [v for v in numbers if v <= mean]
        result = sum(low) / len(low)
        return (
            result.to_integral_value()
            if result == result.to_integral_value()
            else result.normalize()
        )


def npv(
    annual_savings: int | Decimal,
    implementation_cost: int | Decimal,
    *,
    rate: Decimal,
    horizon: int,
) -> int:
    """Net present value in whole đồng (half-up) of an option; see the module docstring.

    >>> npv(1_000_000, 2_000_000, rate=Decimal("0.10"), horizon=3)
    486852
    """
    with localcontext() as ctx:
        ctx.prec = 40
        factor = 1 + Decimal(rate)
        present = sum(Decimal(annual_savings) / factor**t for t in range(1, horizon + 1))
        return round_dong(present - Decimal(implementation_cost))


def _times(figure: Figure, factor: Decimal) -> Figure:
    return replace(figure, value=figure.value * factor)


def scale_sheet(sheet: Sheet, factor_name: str, factor: Decimal) -> Sheet:
    """A copy of ``sheet`` with one input (hourly_rate, population, hours) times ``factor``."""
    if factor_name == "hourly_rate":
        return replace(sheet, hourly_rate=_times(sheet.hourly_rate, factor))
    if factor_name == "population":
        return replace(sheet, population=_times(sheet.population, factor))
    if factor_name == "hours":
        return replace(
            sheet,
            activities=tuple(replace(a, hours=_times(a.hours, factor)) for a in sheet.activities),
        )
    raise ValueError(f"unknown sensitivity factor {factor_name!r} (known: {', '.join(FACTORS)})")


def sensitivity(
    sheet: Sheet, *, percent: Decimal | int = 20, factors: tuple[str, ...] = FACTORS
) -> pd.DataFrame:
    """Annual cost, savings and cut rate of every option at low / central / high values.

    Each factor is moved by ±``percent`` % on its own, in the baseline and in every
    option (after the option's changes). Columns: factor, case (low, central, high),
    multiplier, option_id, annual_cost, savings, cut_rate.
    """
    variants = [(BASELINE_ID, sheet)] + [(o.id, apply_option(sheet, o)) for o in sheet.options]
    step = Decimal(percent) / 100
    rows = []
    for name in factors:
        for case, multiplier in (("low", 1 - step), ("central", Decimal(1)), ("high", 1 + step)):
            base = evaluate_variant(scale_sheet(sheet, name, multiplier))
            for option_id, variant in variants:
                out = evaluate_variant(scale_sheet(variant, name, multiplier))
                priced = base.annual_cost is not None and out.annual_cost is not None
                savings = saving(base.annual_cost, out.annual_cost) if priced else None
                rows.append(
                    {
                        "factor": name,
                        "case": case,
                        "multiplier": float(multiplier),
                        "option_id": option_id,
                        "annual_cost": out.annual_cost,
                        "savings": savings,
                        "cut_rate": float(cut_rate(savings, base.annual_cost)) if priced else None,
                    }
                )
    return pd.DataFrame(rows)
