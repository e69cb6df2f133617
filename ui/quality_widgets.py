"""Widgets of the duplicates and matching page: a duplicate group with what differs, the
matching results table, and the per-row review that turns suggestions into decisions."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from catalogue.quality.matching import MatchError, MatchResult, ReviewDecision, auto_decisions
from catalogue.quality.textnorm import fold
from ui.i18n import label, number, t
from ui.state import session as session_state
from ui.widgets import pager

# Aspects a duplicate group can differ in, in the order they are shown.
ASPECTS = ("name", "field", "agency", "levels", "fees", "deadlines", "documents")
# Per-member differences shown as their own columns (the others are member columns already).
DIFFERENCE_COLUMNS = ("fees", "deadlines", "documents")
STATUSES = ("matched", "ambiguous", "no_match")
PENDING, REJECT = "", "reject"
# Matching results and the reviewer's choices live in the session under these keys.
RESULTS_KEY, CHOICES_KEY, PICK_PREFIX = "quality_results", "quality_choices", "quality_pick_"


def _joined(values: Any) -> str:
    if isinstance(values, list | tuple):
        return ", ".join(str(v) for v in values) or "—"
    return "—" if values in (None, "") else str(values)


def page_of(total: int, *, key: str, page_size: int = 20) -> tuple[int, int]:
    """The (start, stop) slice to show: paging controls only when there is more than a page."""
    if total <= page_size:
        return 0, total
    return pager(total, key=key, page_size=page_size)


def duplicate_group(group: dict) -> None:
    """One duplicate group in an expander: its members and what differs between them."""
    members = group["members"]
    differences = group.get("differences") or {}
    title = t(
        "quality.dup.group",
        score=number(group["score"], 1),
        name=members[0]["name"],
        count=len(members),
    )
    with st.expander(title):
        rows = []
        for i, member in enumerate(members):
            row = {
                "code": member.get("code") or "—",
                "name": member["name"],
                "field": member.get("field") or "—",
                "agencies": _joined(member.get("agencies")),
                "levels": ", ".join(label("level", lv) for lv in member.get("levels") or []),
            }
            for aspect in DIFFERENCE_COLUMNS:
                if aspect in differences:
                    row[aspect] = _joined(differences[aspect][i])
            rows.append(row)
        frame = pd.DataFrame(rows).rename(columns=lambda c: t(f"quality.dup.col.{c}"))
        st.dataframe(frame, hide_index=True, width="stretch")
        differing = [t(f"quality.dup.aspect.{a}") for a in ASPECTS if a in differences]
        if differing:
            st.caption(t("quality.dup.differs", aspects=", ".join(differing)))
        else:
            st.caption(t("quality.dup.same"))


def read_safely(func: Any, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Call a list-reading function; a file that cannot be read shows a message instead."""
    try:
        return True, func(*args, **kwargs)
    except MatchError as exc:
        st.error(t("quality.match.bad_file", error=str(exc)))
        return False, None


def name_column(columns: list[str]) -> int:
    """Index of the column most likely to hold procedure names (tên thủ tục), else 0."""
    for i, column in enumerate(columns):
        folded = fold(column)
        if "ten" in folded.replace("_", " ").split() or "name" in folded:
            return i
    return 0


def forget_results() -> None:
    """Drop the matching results and the reviewer's choices (another file or column)."""
    st.session_state.pop(RESULTS_KEY, None)
    st.session_state[CHOICES_KEY] = {}
    for key in [k for k in st.session_state if str(k).startswith(PICK_PREFIX)]:
        del st.session_state[key]


def decisions(results: list[MatchResult], auto_score: float) -> list[ReviewDecision]:
    """Automatic acceptances, then the reviewer's choices (the last decision on a row wins).

    A row the reviewer set back to *pending* loses its automatic acceptance.
    """
    choices: dict[int, str] = st.session_state.get(CHOICES_KEY, {})
    automatic = {d.row: d for d in auto_decisions(results, min_score=auto_score)}
    out = [d for row, d in automatic.items() if row not in choices]
    for row, choice in choices.items():
        if choice == REJECT:
            out.append(ReviewDecision(row, "reject", reviewer=session_state.username()))
        elif choice != PENDING:
            out.append(ReviewDecision(row, "accept", choice, reviewer=session_state.username()))
    return out


def results_table(results: list[MatchResult], made: list[ReviewDecision]) -> None:
    """One line per row: its best suggestion and the decision; ambiguous rows stand out."""
    by_row = {d.row: d for d in made}
    rows = []
    for result in results:
        best = result.best
        decision = by_row.get(result.row)
        if decision is None:
            verdict = t("quality.match.decision.pending")
        elif decision.action == "reject":
            verdict = t("quality.match.decision.rejected")
        elif decision.reviewer == "auto":
            verdict = t("quality.match.decision.auto", code=decision.code)
        else:
            verdict = t("quality.match.decision.accepted", code=decision.code)
        rows.append(
            {
                "row": result.row,
                "name": result.query,
                "status": t(f"quality.match.status.{result.status}"),
                "code": best.code if best else "—",
                "suggested": best.name if best else "—",
                "score": best.score if best else None,
                "decision": verdict,
            }
        )
    frame = pd.DataFrame(rows).rename(columns=lambda c: t(f"quality.match.col.{c}"))
    flagged = [r.status == "ambiguous" for r in results]

    def highlight(row: pd.Series) -> list[str]:
        colour = "background-color: #fff3cd" if flagged[row.name] else ""
        return [colour] * len(row)

    st.dataframe(
        frame.style.apply(highlight, axis=1).format(
            {t("quality.match.col.score"): lambda s: number(s, 1)}
        ),
        hide_index=True,
        width="stretch",
    )


def _remember(row: int) -> None:
    """Keep a row's choice beyond the run its selectbox was shown in (paging, filters)."""
    st.session_state.setdefault(CHOICES_KEY, {})[row] = st.session_state[f"{PICK_PREFIX}{row}"]


def review_row(result: MatchResult, automatic: str | None) -> None:
    """A selectbox for one row: keep the automatic proposal (or leave it pending), reject
    it, or accept one of its candidates."""
    candidates = {c.code: c for c in result.candidates}
    options = [PENDING, REJECT, *candidates]

    def show(option: str) -> str:
        if option == PENDING:
            if automatic:
                return t("quality.match.option.keep", code=automatic)
            return t("quality.match.option.pending")
        if option == REJECT:
            return t("quality.match.option.reject")
        found = candidates[option]
        return t(
            "quality.match.option.candidate",
            code=found.code,
            name=found.name,
            score=number(found.score, 1),
        )

    chosen = st.session_state.get(CHOICES_KEY, {}).get(result.row, PENDING)
    st.selectbox(
        t("quality.match.pick", row=result.row, name=result.query),
        options,
        index=options.index(chosen) if chosen in options else 0,
        format_func=show,
        key=f"{PICK_PREFIX}{result.row}",
        on_change=_remember,
        args=(result.row,),
    )
