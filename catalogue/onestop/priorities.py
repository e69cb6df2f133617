"""Which procedures to review next: a weighted, explained ranking (vectorised with pandas).

Factors (:data:`FACTORS`), each turned into a score between 0 and 1 over the procedures
ranked together:

* ``annual_cost``: yearly compliance burden (CPTT, đồng/năm) of the baseline costing;
* ``late_rate``: late dossiers ÷ resolved dossiers in the latest year of statistics;
* ``documents``: number of documents the applicant submits (thành phần hồ sơ);
* ``deadline_days``: processing deadline in working days;
* ``no_full_online``: 1 unless the catalogue records the procedure as offered online
  "toàn trình" (NĐ 42/2022/NĐ-CP; the ``online_level`` field, read from the portal where
  its text states it or set by a reviewer, :mod:`catalogue.onestop.online`): partial,
  none and not yet recorded all score 1, and the explanation says which.

The numeric factors score by position: ``(rank − 1) ÷ (known − 1)`` with ties at their
lowest rank, so the largest value scores 1, the smallest 0, and skewed money amounts do
not swamp the rest; an unknown value scores 0 (and is said so). A procedure's priority is
``100 × Σ weight·score ÷ Σ weight``; the contributions ``weight·score ÷ Σ weight`` explain
it: the top three factors are named with their values.

Weights are data (:data:`DEFAULT_WEIGHTS`); reviewers change them with
``--weight factor=value``. Nothing here touches the database except
:func:`priority_inputs`, which gathers the factors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from analysis.formatting import format_number, format_ty

log = logging.getLogger(__name__)

# Factor → (Vietnamese label, English label).
FACTORS: dict[str, tuple[str, str]] = {
    "annual_cost": ("chi phí tuân thủ hằng năm", "yearly compliance cost"),
    "late_rate": ("tỷ lệ hồ sơ trễ hạn", "late rate"),
    "documents": ("số thành phần hồ sơ", "number of documents"),
    "deadline_days": ("thời hạn giải quyết", "processing deadline"),
    "no_full_online": ("chưa có dịch vụ công trực tuyến toàn trình", "no full online channel"),
}
DEFAULT_WEIGHTS: dict[str, float] = {
    "annual_cost": 0.40,
    "late_rate": 0.20,
    "documents": 0.15,
    "deadline_days": 0.15,
    "no_full_online": 0.10,
}
INPUT_COLUMNS = ("procedure_id", "code", "name", *FACTORS)
TOP_FACTORS = 3
REVIEWABLE_STATUSES = ("active", "amended", "draft")


def parse_weights(items: Iterable[str] | Mapping[str, float] | None) -> dict[str, float]:
    """Default weights overridden by ``factor=value`` items (or a mapping).

    >>> parse_weights(["late_rate=0.5"])["late_rate"]
    0.5
    """
    weights = dict(DEFAULT_WEIGHTS)
    if items is None:
        return weights
    pairs = items.items() if isinstance(items, Mapping) else (_split(i) for i in items)
    for factor, value in pairs:
        if factor not in FACTORS:
            raise ValueError(
                f"yếu tố không có: {factor!r} (unknown factor; known: {', '.join(FACTORS)})"
            )
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"trọng số của {factor} phải ≥ 0 (weight must be ≥ 0): {value}")
        weights[factor] = value
    if sum(weights.values()) <= 0:
        raise ValueError("cần ít nhất một trọng số dương (at least one weight must be positive)")
    return weights


def _split(item: str) -> tuple[str, str]:
    factor, sep, value = item.partition("=")
    if not sep:
        raise ValueError(
            f"viết yếu tố=trọng số, ví dụ late_rate=0.3 (write factor=value): {item!r}"
        )
    try:
        return factor.strip(), str(float(value.replace(",", ".")))
    except ValueError as exc:
        raise ValueError(f"trọng số không phải số (weight is not a number): {item!r}") from exc


def _position_score(values: pd.Series) -> np.ndarray:
    """0 for the smallest known value, 1 for the largest, ties at their lowest; NaN → 0."""
    known = values.notna()
    count = int(known.sum())
    rank = values.rank(method="min")
    if count <= 1:
        return np.where(known & (values > 0), 1.0, 0.0)
    return ((rank - 1) / (count - 1)).fillna(0.0).to_numpy(dtype=float)


def rank_priorities(
    inputs: pd.DataFrame, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Rank procedures for review (pure and vectorised).

    ``inputs`` has :data:`INPUT_COLUMNS` (extra columns are kept). Returns one row per
    procedure, best first, with ``rank``, ``priority`` (0–100), one ``score_<factor>``
    and ``contrib_<factor>`` column per factor, and ``factor_1`` … ``factor_3``: the
    factors contributing most (None when a factor contributes nothing).
    """
    weights = parse_weights(weights)
    total = sum(weights.values())
    out = inputs.copy()
    names = list(FACTORS)
    scores = np.empty((len(out), len(names)))
    for j, factor in enumerate(names):
        if factor == "no_full_online":
            scores[:, j] = out[factor].fillna(False).astype(bool).to_numpy(dtype=float)
        else:
            scores[:, j] = _position_score(pd.to_numeric(out[factor], errors="coerce"))
    contrib = scores * np.array([weights[f] for f in names]) / total
    for j, factor in enumerate(names):
        out[f"score_{factor}"] = scores[:, j]
        out[f"contrib_{factor}"] = contrib[:, j]
    out["priority"] = np.round(contrib.sum(axis=1) * 100, 2)
    order = np.argsort(-contrib, axis=1, kind="stable")[:, :TOP_FACTORS]
    top_values = np.take_along_axis(contrib, order, axis=1)
    labels = np.array(names, dtype=object)[order]
    labels[top_values <= 0] = None
    for k in range(TOP_FACTORS):
        out[f"factor_{k + 1}"] = pd.Series(labels[:, k], index=out.index, dtype=object)
    out = out.sort_values(
        ["priority", "annual_cost", "procedure_id"],
        ascending=[False, False, True],
        na_position="last",
    ).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def _factor_text(factor: str, row: Mapping[str, Any], lang: str) -> str:
    label = FACTORS[factor][0 if lang == "vi" else 1]
    value = row.get(factor)
    if factor == "no_full_online":
        from catalogue.onestop.online import online_label

        level = row.get("online_level")
        level = level if isinstance(level, str) else None
        sep = " (mức độ: " if lang == "vi" else " (level: "
        return f"{label}{sep}{online_label(level, lang=lang)})"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return f"{label}: " + ("chưa có số liệu" if lang == "vi" else "unknown")
    if factor == "annual_cost":
        shown = format_ty(value, lang=lang) + ("/năm" if lang == "vi" else "/year")
    elif factor == "late_rate":
        shown = format_number(float(value) * 100, 1, lang=lang) + " %"
    elif factor == "deadline_days":
        shown = format_number(value, 1, lang=lang, strip=True) + (
            " ngày làm việc" if lang == "vi" else " working days"
        )
    else:
        shown = format_number(value, 0, lang=lang)
    top = (1 - float(row.get(f"score_{factor}", 0))) * 100
    rank_note = (
        f"thuộc nhóm {format_number(max(top, 0.1), 1, lang=lang, strip=True)} % cao nhất"
        if lang == "vi"
        else f"top {format_number(max(top, 0.1), 1, lang=lang, strip=True)} %"
    )
    return f"{label} {shown} ({rank_note})"


def explain(row: Mapping[str, Any], *, lang: str = "vi") -> str:
    """Why a procedure ranks where it does: its top factors, their values and shares.

    >>> row = {"annual_cost": 1.5e9, "score_annual_cost": 0.95, "contrib_annual_cost": 0.38,
    ...        "factor_1": "annual_cost", "factor_2": None, "factor_3": None, "priority": 38.0}
    >>> explain(row)
    'chi phí tuân thủ hằng năm 1,5 tỷ đồng/năm (thuộc nhóm 5 % cao nhất): 38 điểm'
    """
    parts = []
    for k in range(1, TOP_FACTORS + 1):
        factor = row.get(f"factor_{k}")
        if not isinstance(factor, str):
            continue
        points = format_number(float(row[f"contrib_{factor}"]) * 100, 1, lang=lang, strip=True)
        unit = "điểm" if lang == "vi" else "points"
        parts.append(f"{_factor_text(factor, row, lang)}: {points} {unit}")
    if not parts:
        return "không có yếu tố nào nổi bật" if lang == "vi" else "no factor stands out"
    return "; ".join(parts)


def _late_rates(engine: Engine) -> pd.DataFrame:
    from catalogue.registry.models import Volume

    vol = Volume.__table__
    cols = ["procedure_id", "year", "resolved_early", "resolved_on_time", "resolved_late"]
    with engine.connect() as conn:
        rows = conn.execute(select(*[vol.c[c] for c in cols])).all()
    frame = pd.DataFrame(rows, columns=cols)
    frame = frame.dropna(subset=["resolved_late"]).sort_values("year")
    frame = frame.drop_duplicates("procedure_id", keep="last")
    resolved = frame[["resolved_early", "resolved_on_time", "resolved_late"]].fillna(0).sum(axis=1)
    frame["late_rate"] = (frame["resolved_late"] / resolved.where(resolved > 0)).astype(float)
    frame["late_year"] = frame["year"]
    return frame[["procedure_id", "late_rate", "late_year", "resolved_late"]]


def priority_inputs(engine: Engine, *, params: Any = None, on: date | None = None) -> pd.DataFrame:
    """The factors of every procedure in force (active or amended).

    Costs come from :func:`catalogue.costing.burden.catalogue_costs` (reviewers' sheets, else
    estimates whose population is the latest yearly dossiers received); the online level
    from :func:`catalogue.onestop.online.online_levels`.
    """
    from catalogue.costing.burden import catalogue_costs
    from catalogue.onestop.online import online_levels

    costs = catalogue_costs(engine, params=params, on=on)
    costs = costs[costs["in_force"]] if "in_force" in costs else costs
    costs = costs[costs["status"].isin(REVIEWABLE_STATUSES)].copy()
    costs["annual_cost"] = costs["annual_cost"].astype(float)  # NaN: population unknown
    out = costs.merge(_late_rates(engine), on="procedure_id", how="left")
    out = out.merge(online_levels(engine), on="procedure_id", how="left")
    out["no_full_online"] = out["online_level"].ne("full")
    return out.reset_index(drop=True)


def review_priorities(
    engine: Engine,
    *,
    weights: Mapping[str, float] | Iterable[str] | None = None,
    top: int | None = None,
    lang: str = "vi",
    params: Any = None,
) -> pd.DataFrame:
    """Ranked procedures to review next, with an ``explanation`` per row (top ``top``)."""
    ranked = rank_priorities(priority_inputs(engine, params=params), parse_weights(weights))
    if top is not None:
        ranked = ranked.head(top).copy()
    ranked["explanation"] = [explain(r, lang=lang) for r in ranked.to_dict("records")]
    return ranked
