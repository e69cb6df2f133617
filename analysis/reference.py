"""The reference evaluator: one sheet at a time, exact Decimal arithmetic.

It is the oracle the vectorised evaluator is tested against, and what the CLI uses.
Formulas (TT 02/2017/TT-VPCP, Điều 27; ``CPTT`` = chi phí tuân thủ)::

    unit cost   = Σ_c share(c) × [ Σ_{activities a applying to c} (hours × people × rate
                                                                  + out_of_pocket)
                                   + Σ_{fees applying to c} amount ]
    annual cost = unit cost × frequency × population
    savings     = baseline annual − option annual
    cut rate    = savings ÷ baseline annual × 100        (0 when the baseline is 0)
    (annual cost, savings and cut rate are None when a population is unknown)
    deadline    = Σ_c share(c) × days(c) ÷ Σ_c share(c)  over channels with a deadline

Rounding happens once, at the end: unit and annual cost are rounded half-up to whole
đồng from their exact values; savings is the difference of the two rounded annual
costs (so that a table adds up); rates and deadlines are rounded half-up to 2 decimals.

>>> from decimal import Decimal as D
>>> round_dong(D("0.5")), round_dong(D("2.4999"))
(1, 2)
>>> from analysis.rates import cut_rate
>>> cut_rate(650, 975)
Decimal('66.67')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from analysis.changes import apply_option
from analysis.model import DataReuse, Sheet
from analysis.rates import cut_rate, saving
from analysis.sheet import BASELINE_ID

__all__ = [
    "Outcome",
    "SheetResult",
    "evaluate_sheet",
    "evaluate_variant",
    "exact_unit_cost",
    "round_dong",
]

_CENT = Decimal("0.01")


def round_dong(value: Decimal) -> int:
    """Round half-up to whole đồng."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def exact_unit_cost(sheet: Sheet) -> Decimal:
    """The exact (unrounded) cost of one execution in đồng."""
    if sheet.abolished:
        return Decimal(0)
    total = Decimal(0)
    rate_per_hour = sheet.hourly_rate.value
    for channel, share in sheet.channels.items():
        if share == 0:
            continue
        cost = Decimal(0)
        for activity in sheet.activities:
            if activity.applies_to(channel):
                labour = activity.hours.value * activity.people.value * rate_per_hour
                cost += labour + activity.out_of_pocket.value
        for fee in sheet.fees:
            if fee.applies_to(channel):
                cost += sheet.fee_vnd(fee)
        total += share * cost
    return total


def _deadline(sheet: Sheet) -> Decimal | None:
    if sheet.abolished:
        return Decimal("0.00")
    weighted = weights = Decimal(0)
    for channel, share in sheet.channels.items():
        days = sheet.deadline_days.get(channel)
        if days is not None and share > 0:
            weighted += share * days
            weights += share
    if weights == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return (weighted / weights).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Outcome:
    """Figures of the baseline or of one option (comparisons are None for the baseline)."""

    option_id: str
    action: str
    unit_cost: int
    annual_cost: int | None  # None: the population is unknown ("chưa có số liệu")
    deadline_days: Decimal | None
    documents: int
    activities: int
    savings: int | None = None
    cut_rate: Decimal | None = None
    deadline_cut_rate: Decimal | None = None
    data_reuse: tuple[DataReuse, ...] = ()
    reason: str | None = None
    implementation_cost: int | None = None


@dataclass(frozen=True)
class SheetResult:
    """The evaluated sheet: the baseline and each option compared with it."""

    sheet: Sheet
    baseline: Outcome
    options: tuple[Outcome, ...]


def evaluate_variant(
    sheet: Sheet, *, option_id: str = BASELINE_ID, action: str = "baseline"
) -> Outcome:
    """Cost, deadline and counts of one sheet as it stands (no comparison)."""
    unit = exact_unit_cost(sheet)
    annual = unit * sheet.frequency.value * sheet.population.value
    return Outcome(
        option_id=option_id,
        action=action,
        unit_cost=round_dong(unit),
        # an unknown population has no yearly cost, not a cost of 0 (README, estimates)
        annual_cost=round_dong(annual) if sheet.population_known else None,
        deadline_days=_deadline(sheet),
        documents=0 if sheet.abolished else len(sheet.documents),
        activities=0 if sheet.abolished else len(sheet.activities),
        data_reuse=sheet.data_reuse,
    )


def evaluate_sheet(sheet: Sheet) -> SheetResult:
    """Evaluate the baseline and every option of a sheet, each compared with the baseline."""
    baseline = evaluate_variant(sheet)
    outcomes = []
    for option in sheet.options:
        variant = apply_option(sheet, option)
        out = evaluate_variant(variant, option_id=option.id, action=option.action)
        priced = baseline.annual_cost is not None and out.annual_cost is not None
        savings = saving(baseline.annual_cost, out.annual_cost) if priced else None
        deadline_cut = None
        if baseline.deadline_days and out.deadline_days is not None:
            deadline_cut = cut_rate(
                saving(baseline.deadline_days, out.deadline_days), baseline.deadline_days
            )
        reasons = [option.reason] if option.reason else [c.reason for c in option.changes]
        cost = option.implementation_cost
        outcomes.append(
            Outcome(
                **{
                    **out.__dict__,
                    "savings": savings,
                    "cut_rate": cut_rate(savings, baseline.annual_cost) if priced else None,
                    "deadline_cut_rate": deadline_cut,
                    "reason": "; ".join(reasons) or None,
                    "implementation_cost": round_dong(cost.value) if cost else None,
                }
            )
        )
    return SheetResult(sheet, baseline, tuple(outcomes))
