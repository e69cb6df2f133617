"""Tables that fit: the key columns first and pinned, money columns wide enough never to be
cut ("4.845.078.79…"), long text in wide columns that the reader can widen or open."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

# Pixels per character of a figure in the dataframe's font, and the cell's padding.
CHAR_PX, PAD_PX = 7.5, 28


def _fitting(values: Iterable[object], title: str) -> int:
    """Wide enough for the longest figure and the whole header."""
    longest = max([len(str(v)) for v in values] + [len(title), 6])
    return int(longest * CHAR_PX + PAD_PX)


def show(
    frame: pd.DataFrame,
    *,
    pinned: Iterable[str] = (),
    money: Iterable[str] = (),
    long: Iterable[str] = (),
    key: str | None = None,
) -> None:
    """Show ``frame`` with ``pinned`` columns first and fixed, ``money`` columns sized to
    their longest figure and ``long`` text columns wide."""
    pinned, money, long = list(pinned), list(money), list(long)
    present = [c for c in pinned if c in frame.columns]
    order = present + [c for c in frame.columns if c not in present]
    config: dict[str, object] = {}
    for column in present:
        config[column] = st.column_config.TextColumn(
            pinned=True, width="large" if column in long else None
        )
    for column in money:
        if column in frame.columns:
            config[column] = st.column_config.TextColumn(
                width=_fitting(frame[column], column), alignment="right"
            )
    for column in long:
        if column in frame.columns and column not in present:
            config[column] = st.column_config.TextColumn(width="large")
    st.dataframe(
        frame[order],
        hide_index=True,
        width="stretch",
        column_config=config,
        key=key,
    )
