"""Column descriptions of every frame the analysis package takes or returns.

Each column is described once (kind, unit, allowed values, meaning) and frames are
checked against the description at the package boundary with :func:`check_frame`.

Fixed-point columns end in ``_eN``: the stored integer is the value × 10^N, so that
sums and products stay exact in int64 (``hours_e3 = 2500`` is 2,5 hours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.model import ACTIONS, CHANNEL_CODES
from analysis.vocab import PLAN_STATUSES

__all__ = [
    "ACTIVITY_COLUMNS",
    "EVALUATED_COLUMNS",
    "FEE_COLUMNS",
    "PLAN_COLUMNS",
    "PLAN_STATUSES",
    "VARIANT_COLUMNS",
    "Column",
    "FrameError",
    "check_frame",
    "describe",
]

VARIANT_ACTIONS = ("baseline", *ACTIONS)


@dataclass(frozen=True)
class Column:
    """One column: kind (int, float, str, bool, date), unit, meaning, constraints."""

    kind: str
    meaning: str
    unit: str = ""
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    allowed: tuple | None = None


class FrameError(ValueError):
    """A frame does not match its column description; the message names frame and column."""


_SHARE = "share of executions via the channel, × 10⁴ (sums to 10⁴ per variant)"
_DEADLINE = "deadline via the channel in working days × 10², null when not stated"

# One row per procedure × option (the baseline is the option ``baseline``).
VARIANT_COLUMNS: dict[str, Column] = {
    "variant_id": Column("int", "unique key of the row", minimum=0),
    "baseline_variant_id": Column(
        "int", "variant_id of the same procedure's baseline row", minimum=0
    ),
    "procedure_id": Column("str", "procedure key (mã TTHC or registry id)"),
    "option_id": Column("str", "option id; 'baseline' for the current situation"),
    "action": Column("str", "baseline, keep, amend or abolish", allowed=VARIANT_ACTIONS),
    "hourly_rate_e2": Column("int", "income per hour × 10²", "đồng/giờ", minimum=0),
    "population": Column("int", "subjects per year (số đối tượng)", "đối tượng/năm", minimum=0),
    "frequency_e6": Column("int", "executions per subject per year × 10⁶", "lần/năm", minimum=0),
    **{f"share_{c}_e4": Column("int", _SHARE, minimum=0) for c in CHANNEL_CODES},
    **{
        f"deadline_{c}_e2": Column("int", _DEADLINE, "ngày làm việc", nullable=True, minimum=0)
        for c in CHANNEL_CODES
    },
    "documents": Column("int", "documents in the dossier", minimum=0),
    "estimated": Column("bool", "baseline estimated from the registry record", required=False),
    "implementation_cost": Column(
        "int", "one-off cost of carrying out the option", "đồng", required=False, minimum=0
    ),
}

_MASK = "channels it applies to: bit 1 direct, 2 online, 4 postal (7 = all)"

# One row per variant × activity.
ACTIVITY_COLUMNS: dict[str, Column] = {
    "variant_id": Column("int", "the variant (VARIANT_COLUMNS.variant_id)", minimum=0),
    "name": Column("str", "activity name", required=False),
    "hours_e3": Column("int", "hours per execution × 10³", "giờ", minimum=0),
    "people": Column("int", "people doing it", minimum=0),
    "out_of_pocket_e2": Column("int", "out-of-pocket cost × 10²", "đồng", minimum=0),
    "channel_mask": Column("int", _MASK, minimum=1),
}

# One row per variant × fee (amounts already in đồng).
FEE_COLUMNS: dict[str, Column] = {
    "variant_id": Column("int", "the variant (VARIANT_COLUMNS.variant_id)", minimum=0),
    "name": Column("str", "fee name", required=False),
    "amount_e2": Column("int", "fee per execution × 10², converted to đồng", "đồng", minimum=0),
    "channel_mask": Column("int", _MASK, minimum=1),
}

# Output of the evaluators, one row per variant; money rounded half-up to whole đồng.
EVALUATED_COLUMNS: dict[str, Column] = {
    "variant_id": Column("int", "as in VARIANT_COLUMNS"),
    "procedure_id": Column("str", "procedure key"),
    "option_id": Column("str", "option id; 'baseline' for the current situation"),
    "action": Column("str", "baseline, keep, amend or abolish", allowed=VARIANT_ACTIONS),
    "unit_cost": Column("int", "cost of one execution (CPTT 1 lần)", "đồng", minimum=0),
    "annual_cost": Column("int", "unit cost × frequency × population", "đồng/năm", minimum=0),
    "deadline_days": Column("float", "share-weighted deadline, 2 decimals", "ngày", nullable=True),
    "documents": Column("int", "documents in the dossier", minimum=0),
    "activities": Column("int", "activities on the sheet", minimum=0),
    "baseline_annual_cost": Column("int", "annual cost of the baseline", "đồng/năm", minimum=0),
    "baseline_deadline_days": Column("float", "baseline deadline", "ngày", nullable=True),
    "savings": Column("int", "baseline annual − option annual", "đồng/năm"),
    "cut_rate": Column("float", "savings ÷ baseline annual × 100, 2 decimals", "%"),
    "deadline_cut_rate": Column("float", "deadline cut, 2 decimals", "%", nullable=True),
    "estimated": Column("bool", "baseline estimated from the registry record", required=False),
    "implementation_cost": Column("int", "one-off cost", "đồng", required=False, minimum=0),
}

# One row per plan × procedure: the option a plan adopts for a procedure.
PLAN_COLUMNS: dict[str, Column] = {
    "plan_id": Column("str", "plan (phương án/kế hoạch) key"),
    "procedure_id": Column("str", "procedure key, as in EVALUATED_COLUMNS"),
    "option_id": Column("str", "the option adopted, as in EVALUATED_COLUMNS"),
    "status": Column("str", "plan status", allowed=PLAN_STATUSES),
    "year": Column("int", "year the plan takes effect", minimum=1990),
    "programme": Column(
        "str", "programme code (see data/parameters/programmes.yaml)", nullable=True
    ),
    "agency": Column("str", "agency owning the procedure", nullable=True),
    "field": Column("str", "lĩnh vực", nullable=True),
    "level": Column(
        "str", "level code: ministry, province, district, commune, other", nullable=True
    ),
}


def describe(schema: dict[str, Column]) -> pd.DataFrame:
    """The schema as a frame (column, kind, unit, required, meaning), for docs and the UI."""
    return pd.DataFrame(
        [
            {
                "column": name,
                "kind": c.kind,
                "unit": c.unit,
                "required": c.required,
                "meaning": c.meaning,
            }
            for name, c in schema.items()
        ]
    )


def _kind_ok(series: pd.Series, kind: str) -> bool:
    dtype = series.dtype
    if kind == "int":
        return pd.api.types.is_integer_dtype(dtype)
    if kind == "float":
        return pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)
    if kind == "bool":
        return pd.api.types.is_bool_dtype(dtype)
    if kind == "str":
        return (
            pd.api.types.is_string_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        )
    return True


def check_frame(frame: pd.DataFrame, schema: dict[str, Column], name: str) -> None:
    """Raise :class:`FrameError` listing every column of ``frame`` that breaks ``schema``."""
    problems = []
    for column, spec in schema.items():
        if column not in frame.columns:
            if spec.required:
                problems.append(f"{column}: missing")
            continue
        series = frame[column]
        if not _kind_ok(series, spec.kind):
            problems.append(f"{column}: expected {spec.kind}, got {series.dtype}")
            continue
        nulls = series.isna()
        if not spec.nullable and bool(nulls.any()):
            problems.append(f"{column}: {int(nulls.sum())} null value(s)")
        if spec.minimum is not None and len(series):
            values = series.to_numpy()
            if spec.kind in ("int", "float") and nulls.any():
                values = series.dropna().to_numpy()
            if len(values) and np.min(values) < spec.minimum:
                problems.append(f"{column}: values below {spec.minimum}")
        if spec.allowed is not None:
            bad = ~series.isin(spec.allowed) & ~nulls
            if bool(bad.any()):
                sample = sorted(map(str, series[bad].unique()[:3]))
                problems.append(f"{column}: unknown value(s) {', '.join(sample)}")
    if problems:
        raise FrameError(f"frame {name!r}: " + "; ".join(problems))
