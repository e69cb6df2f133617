"""Containment at evaluation: one procedure's bad figures never stop the catalogue's figures.

A value can pass every range check and still, multiplied by others at their bounds,
exceed what the 64-bit evaluator holds. Such a procedure is reported *unpriceable* with
its reason, and every other procedure is priced as usual.
"""

from __future__ import annotations

from analysis import Sheet, SheetError, evaluate_frames, sheets_to_frames

# What a procedure's bad figure can raise while its sheet is built or evaluated.
UNPRICEABLE_ERRORS = (SheetError, OverflowError, ValueError, ArithmeticError, TypeError)


def evaluate_contained(sheets: dict[int, Sheet], unpriceable: dict[int, str]) -> list:
    """Baseline rows of ``sheets``; a sheet the evaluator cannot price is named, not fatal.

    The whole chunk is evaluated at once; only when that fails is it split in halves,
    down to the procedure at fault (a handful of extra evaluations for one bad value).
    """
    if not sheets:
        return []
    try:
        frames = sheets_to_frames({str(pid): s for pid, s in sheets.items()})
        evaluated = evaluate_frames(frames.variants, frames.activities, frames.fees)
        return [evaluated[evaluated["option_id"] == "baseline"]]
    except UNPRICEABLE_ERRORS as exc:
        if len(sheets) == 1:
            (pid,) = sheets
            unpriceable[pid] = f"{type(exc).__name__}: {exc}"
            return []
        items = list(sheets.items())
        half = len(items) // 2
        return evaluate_contained(dict(items[:half]), unpriceable) + evaluate_contained(
            dict(items[half:]), unpriceable
        )
