"""Containment at evaluation: one procedure's bad figures never stop the catalogue's figures.

A value can pass every range check and still, multiplied by others at their bounds,
exceed what the 64-bit evaluator holds. Such a procedure is reported *unpriceable* with
its reason, and every other procedure is priced as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis import SheetError, evaluate_frames

if TYPE_CHECKING:
    from catalogue.costing.cost_rows import CostRows

# What a procedure's bad figure can raise while its sheet is built or evaluated.
UNPRICEABLE_ERRORS = (SheetError, OverflowError, ValueError, ArithmeticError, TypeError)


def evaluate_rows(rows: CostRows, unpriceable: dict[int, str]) -> list[pd.DataFrame]:
    """Every variant of the stored cost-frame ``rows`` (ordered by procedure and variant),
    evaluated; a procedure the evaluator cannot price is named, not fatal.

    The whole catalogue is evaluated at once; only when that fails is it split in halves
    at a procedure boundary, down to the procedure at fault (a handful of extra
    evaluations for one bad value).
    """
    from catalogue.costing.frames import frames_from_rows

    if not len(rows):
        return []
    try:
        frames = frames_from_rows(rows)
        return [evaluate_frames(frames.variants, frames.activities, frames.fees)]
    except UNPRICEABLE_ERRORS as exc:
        ids = rows.frame["procedure_id"].unique()
        if len(ids) == 1:
            unpriceable[int(ids[0])] = f"{type(exc).__name__}: {exc}"
            return []
        first = rows.frame["procedure_id"].isin(ids[: len(ids) // 2]).to_numpy()
        return evaluate_rows(rows.where(first), unpriceable) + evaluate_rows(
            rows.where(~first), unpriceable
        )
