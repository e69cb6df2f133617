"""The vectorised evaluator: every procedure and option at once, in exact integers.

Inputs are long frames described in :mod:`analysis.schema` (variants, activities, fees),
all quantities fixed-point integers, so every sum and product is exact: the evaluator
agrees with :mod:`analysis.reference` to the đồng. Where a product could overflow int64
it is done on Python integers (``object`` arrays) instead, which is slower but exact.

Scales: activity cost per execution is ``hours_e3 × people × hourly_rate_e2 +
out_of_pocket_e2 × 10³`` (× 10⁵); weighted by the share of the channels it applies to
(× 10⁴) it becomes × 10⁹; annual cost × frequency_e6 × population is × 10¹⁵. Each is
rounded half-up once, at the end, as the reference does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from analysis.changes import apply_option
from analysis.model import CHANNEL_CODES, Sheet
from analysis.rates import cut_rates, round_div, saving
from analysis.reference import round_dong
from analysis.schema import (
    ACTIVITY_COLUMNS,
    EVALUATED_COLUMNS,
    FEE_COLUMNS,
    VARIANT_COLUMNS,
    check_frame,
)
from analysis.sheet import BASELINE_ID

__all__ = ["CHANNEL_BITS", "Frames", "channel_mask", "evaluate_frames", "sheets_to_frames"]

CHANNEL_BITS = {c: 1 << i for i, c in enumerate(CHANNEL_CODES)}  # direct 1, online 2, postal 4
_ALL = sum(CHANNEL_BITS.values())
_INT64_LIMIT = 2**63 - 1


@dataclass(frozen=True)
class Frames:
    """The three input frames of :func:`evaluate_frames`."""

    variants: pd.DataFrame
    activities: pd.DataFrame
    fees: pd.DataFrame


def channel_mask(channels: tuple[str, ...] | None) -> int:
    """Bit mask of the channels an item applies to (None: all).

    >>> channel_mask(("direct", "postal")), channel_mask(None)
    (5, 7)
    """
    if channels is None:
        return _ALL
    return sum(CHANNEL_BITS[c] for c in set(channels))


def _fixed(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {places} decimal places")
    return int(scaled)


def sheets_to_frames(sheets: Mapping[str, Sheet]) -> Frames:
    """Long frames of every sheet's baseline and options, keyed by procedure id.

    Options are applied with :func:`analysis.changes.apply_option` (on copies); this
    is plain Python, done once when sheets are stored, not at every evaluation.
    """
    variants, activities, fees = [], [], []
    for procedure_id, sheet in sheets.items():
        base_id = len(variants)
        pairs = [(BASELINE_ID, "baseline", sheet, None)]
        pairs += [(o.id, o.action, apply_option(sheet, o), o) for o in sheet.options]
        for option_id, action, variant, option in pairs:
            vid = len(variants)
            cost = option.implementation_cost if option is not None else None
            row = {
                "variant_id": vid,
                "baseline_variant_id": base_id,
                "procedure_id": procedure_id,
                "option_id": option_id,
                "action": action,
                "hourly_rate_e2": _fixed(variant.hourly_rate.value, 2),
                "population": _fixed(variant.population.value, 0),
                "frequency_e6": _fixed(variant.frequency.value, 6),
                "documents": 0 if variant.abolished else len(variant.documents),
                "estimated": variant.estimated,
                "implementation_cost": round_dong(cost.value) if cost else 0,
            }
            for c in CHANNEL_CODES:
                row[f"share_{c}_e4"] = _fixed(variant.channels.get(c, Decimal(0)), 4)
                days = variant.deadline_days.get(c)
                row[f"deadline_{c}_e2"] = None if days is None else _fixed(days, 2)
            variants.append(row)
            if variant.abolished:
                continue
            for a in variant.activities:
                activities.append(
                    (
                        vid,
                        a.name,
                        _fixed(a.hours.value, 3),
                        _fixed(a.people.value, 0),
                        _fixed(a.out_of_pocket.value, 2),
                        channel_mask(a.channels),
                    )
                )
            for f in variant.fees:
                fees.append((vid, f.name, _fixed(variant.fee_vnd(f), 2), channel_mask(f.channels)))
    variant_frame = pd.DataFrame(variants, columns=list(VARIANT_COLUMNS))
    for c in CHANNEL_CODES:
        variant_frame[f"deadline_{c}_e2"] = variant_frame[f"deadline_{c}_e2"].astype("Int64")
    int_columns = [
        n for n, spec in VARIANT_COLUMNS.items() if spec.kind == "int" and not spec.nullable
    ]
    variant_frame[int_columns] = variant_frame[int_columns].astype(np.int64)
    variant_frame["estimated"] = variant_frame["estimated"].astype(bool)
    activity_frame = pd.DataFrame(
        activities,
        columns=["variant_id", "name", "hours_e3", "people", "out_of_pocket_e2", "channel_mask"],
    )
    fee_frame = pd.DataFrame(fees, columns=["variant_id", "name", "amount_e2", "channel_mask"])
    for frame in (activity_frame, fee_frame):
        numeric = [c for c in frame.columns if c != "name"]
        frame[numeric] = frame[numeric].astype(np.int64)
    return Frames(variant_frame, activity_frame, fee_frame)


def _bound(values: np.ndarray) -> int:
    if len(values) == 0:
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def _mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact elementwise product: int64 when it cannot overflow, Python ints otherwise."""
    if a.dtype != object and b.dtype != object and _bound(a) * _bound(b) <= _INT64_LIMIT:
        return a * b
    return a.astype(object) * b.astype(object)


def _add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype != object and b.dtype != object and _bound(a) + _bound(b) <= _INT64_LIMIT:
        return a + b
    return a.astype(object) + b.astype(object)


def _sum_by(positions: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Exact sums of ``values`` grouped by ``positions`` (0..n-1).

    In int64 when no group can overflow: every partial sum of a group is at most its
    number of values × the largest |value| (a bound per group, not over all values, or a
    catalogue of a million activity rows would always be summed as Python integers).
    """
    dtype = values.dtype
    if dtype is not np.dtype(object) and len(values):
        largest_group = int(np.bincount(positions, minlength=n).max())
        if _bound(values) * largest_group > _INT64_LIMIT:
            values = values.astype(object)
            dtype = values.dtype
    out = np.zeros(n, dtype=dtype)
    if len(values) == 0:
        return out
    if len(positions) > 1 and not np.all(positions[1:] >= positions[:-1]):
        order = np.argsort(positions, kind="stable")
        positions, values = positions[order], values[order]
    starts = np.flatnonzero(np.r_[True, positions[1:] != positions[:-1]])
    out[positions[starts]] = np.add.reduceat(values, starts)
    return out


def _positions(variant_ids: np.ndarray, keys: pd.Index, frame: str) -> np.ndarray:
    positions = keys.get_indexer(variant_ids)
    if (positions < 0).any():
        raise ValueError(f"frame {frame!r}: variant_id not in variants")
    return positions


def _positions_of(variants: pd.DataFrame) -> tuple[np.ndarray, pd.Index, Callable]:
    """The variant ids, their index, and a function giving a frame's variant positions."""
    n = len(variants)
    ids = variants["variant_id"].to_numpy(np.int64)
    keys = pd.Index(ids)
    if not keys.is_unique:
        raise ValueError("frame 'variants': variant_id is not unique")
    identity = bool(np.array_equal(ids, np.arange(n)))

    def positions_of(frame: pd.DataFrame, name: str) -> np.ndarray:
        raw = frame["variant_id"].to_numpy(np.int64)
        if identity:
            if len(raw) and (raw.min() < 0 or raw.max() >= n):
                raise ValueError(f"frame {name!r}: variant_id not in variants")
            return raw
        return _positions(raw, keys, name)

    return ids, keys, positions_of


def _unit_costs(
    variants: pd.DataFrame,
    activities: pd.DataFrame,
    fees: pd.DataFrame,
    positions_of: Callable,
    shares: np.ndarray,
    abolished: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cost of one execution × 10⁹ per variant, and its number of activities."""
    n = len(variants)
    # per variant, the share of the channels of every mask (Σ share of the mask's channels),
    # so that each row's weight is one lookup
    by_mask = np.zeros((n, _ALL + 1), dtype=np.int64)
    for m in range(_ALL + 1):
        for i, c in enumerate(CHANNEL_CODES):
            if m & CHANNEL_BITS[c]:
                by_mask[:, m] += shares[:, i]

    def weighted(frame: pd.DataFrame, per_execution: np.ndarray, pos: np.ndarray) -> np.ndarray:
        weight = by_mask[pos, frame["channel_mask"].to_numpy(np.int64) & _ALL]
        return _sum_by(pos, _mul(per_execution, weight), n)

    # activities: (hours_e3 × people × rate_e2 + out_of_pocket_e2 × 10³) at scale 10⁵
    a_pos = positions_of(activities, "activities")
    rate = variants["hourly_rate_e2"].to_numpy(np.int64)[a_pos]
    labour = _mul(
        _mul(activities["hours_e3"].to_numpy(np.int64), activities["people"].to_numpy(np.int64)),
        rate,
    )
    pocket = _mul(activities["out_of_pocket_e2"].to_numpy(np.int64), np.full(len(a_pos), 1000))
    unit_e9 = weighted(activities, _add(labour, pocket), a_pos)
    f_pos = positions_of(fees, "fees")
    fee_e5 = _mul(fees["amount_e2"].to_numpy(np.int64), np.full(len(f_pos), 1000))
    unit_e9 = _add(unit_e9, weighted(fees, fee_e5, f_pos))
    unit_e9 = np.where(abolished, 0, unit_e9)
    activity_count = np.bincount(a_pos, minlength=n)
    activity_count[abolished] = 0
    return unit_e9, activity_count


def _annual_costs(variants: pd.DataFrame, unit_e9: np.ndarray) -> np.ndarray:
    """Unit cost × frequency × population, rounded; refuses what int64 cannot hold."""
    annual_e15 = (
        unit_e9.astype(object)
        * variants["frequency_e6"].to_numpy(np.int64).astype(object)
        * variants["population"].to_numpy(np.int64).astype(object)
    )
    annual_cost = round_div(annual_e15, 10**15)
    if len(annual_cost) and max(annual_cost) > _INT64_LIMIT:
        worst = variants["procedure_id"].iloc[int(np.argmax(annual_cost))]
        raise ValueError(
            f"annual cost of procedure {worst!r} exceeds 9,2 × 10¹⁸ đồng; check its figures"
        )
    return annual_cost.astype(np.int64)


def _deadlines(
    variants: pd.DataFrame, shares: np.ndarray, abolished: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Σ share × days ÷ Σ share over channels with a deadline and a share > 0 (× 10²),
    and whether there is one (an abolished procedure has a deadline of 0)."""
    n = len(variants)
    num = np.zeros(n, dtype=np.int64)
    den = np.zeros(n, dtype=np.int64)
    for i, c in enumerate(CHANNEL_CODES):
        days = variants[f"deadline_{c}_e2"]
        present = days.notna().to_numpy()
        d = days.to_numpy(dtype=np.int64, na_value=0) if present.any() else np.zeros(n, np.int64)
        num += np.where(present, shares[:, i] * d, 0)
        den += np.where(present, shares[:, i], 0)
    has_deadline = den > 0
    deadline_e2 = np.where(has_deadline, round_div(num, np.where(has_deadline, den, 1)), 0)
    deadline_e2 = np.where(abolished, 0, deadline_e2).astype(np.int64)
    return deadline_e2, has_deadline | abolished


def _text(column: pd.Series) -> Any:
    """A text column as it is when it holds strings already (no copy of 100.000 of them
    into Python objects and back), else as values for pandas to infer."""
    return column.array if isinstance(column.dtype, pd.StringDtype) else column.to_numpy()


def evaluate_frames(
    variants: pd.DataFrame, activities: pd.DataFrame, fees: pd.DataFrame, *, check: bool = True
) -> pd.DataFrame:
    """Evaluate every variant; returns a frame with :data:`EVALUATED_COLUMNS`.

    Rows come out in the order of ``variants``. Options are compared with the row named
    by ``baseline_variant_id``; baseline rows compare with themselves (savings 0).
    """
    if check:
        check_frame(variants, VARIANT_COLUMNS, "variants")
        check_frame(activities, ACTIVITY_COLUMNS, "activities")
        check_frame(fees, FEE_COLUMNS, "fees")
    ids, keys, positions_of = _positions_of(variants)
    shares = np.stack([variants[f"share_{c}_e4"].to_numpy(np.int64) for c in CHANNEL_CODES], axis=1)
    abolished = (variants["action"] == "abolish").to_numpy()
    unit_e9, activity_count = _unit_costs(
        variants, activities, fees, positions_of, shares, abolished
    )
    unit_cost = round_div(unit_e9, 10**9).astype(np.int64)
    annual_cost = _annual_costs(variants, unit_e9)
    deadline_e2, has_deadline = _deadlines(variants, shares, abolished)

    base = _positions(variants["baseline_variant_id"].to_numpy(np.int64), keys, "variants")
    base_annual = annual_cost[base]
    savings = saving(base_annual, annual_cost)
    base_deadline = deadline_e2[base]
    base_has = has_deadline[base] & (base_deadline > 0)
    deadline_cut = cut_rates(
        saving(base_deadline, deadline_e2), np.where(base_has, base_deadline, 0)
    )
    deadline_days = np.where(has_deadline, deadline_e2 / 100, np.nan)
    result = pd.DataFrame(
        {
            "variant_id": ids,
            "procedure_id": _text(variants["procedure_id"]),
            "option_id": _text(variants["option_id"]),
            "action": _text(variants["action"]),
            "unit_cost": unit_cost,
            "annual_cost": annual_cost,
            "deadline_days": deadline_days,
            "documents": np.where(abolished, 0, variants["documents"].to_numpy(np.int64)),
            "activities": activity_count.astype(np.int64),
            "baseline_annual_cost": base_annual,
            "baseline_deadline_days": deadline_days[base],
            "savings": savings,
            "cut_rate": cut_rates(savings, base_annual),
            "deadline_cut_rate": np.where(base_has & has_deadline, deadline_cut, np.nan),
        }
    )
    for extra in ("estimated", "implementation_cost"):
        if extra in variants.columns:
            result[extra] = variants[extra].to_numpy()
    if check:
        check_frame(result, EVALUATED_COLUMNS, "evaluated")
    return result
