"""Form controls that build an amend option from the cost model's change types.

The change types and their arguments come from :data:`analysis.changes.CHANGE_TYPES`;
this module only turns widgets into the plain change data a costing sheet accepts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from analysis.changes import CHANGE_TYPES
from analysis.model import DECIMALS
from analysis.vocab import CHANNEL_CODES, CURRENCIES
from ui.i18n import label, t

# Which list of the sheet a ``name``/``document`` argument picks from, per change type.
_PICK = {
    ("set_fee", "name"): "fees",
    ("remove_fee", "name"): "fees",
    ("remove_document", "document"): "documents",
    ("replace_document_with_lookup", "document"): "documents",
    ("set_activity", "name"): "activities",
    ("remove_activity", "name"): "activities",
    ("add_activity", "document"): "documents",
}
# Inputs that start from the sheet's current figure.
_CURRENT = {("set_frequency", "value"): "frequency", ("set_population", "value"): "population"}
_STEP = {"frequency": 1.0, "count": 1, "days": 1.0, "money": 10000, "hours": 0.5}


def _decimal(value: float | int, kind: str) -> Decimal | int:
    if isinstance(value, int):
        return value
    places = DECIMALS[kind]
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places)).normalize()


def _names(sheet: Any, what: str) -> list[str]:
    return [item.name for item in getattr(sheet, what)]


def _argument(sheet: Any, kind_name: str, field: str, kind: str, required: bool):
    key = f"change_{kind_name}_{field}"
    text = t(f"change.field.{field}")
    pick = _PICK.get((kind_name, field))
    if pick is not None:
        names = _names(sheet, pick)
        if not required:
            names = ["", *names]
        return st.selectbox(text, names, key=key) or None
    if kind == "text":
        return st.text_input(text, key=key).strip() or None
    if kind == "channel_or_all":
        return st.selectbox(
            text, ["all", *CHANNEL_CODES], key=key, format_func=lambda c: label("channel", c)
        )
    if kind == "currency":
        return st.selectbox(text, list(CURRENCIES), key=key)
    if kind == "channels":
        chosen = st.multiselect(
            text,
            list(CHANNEL_CODES),
            key=key,
            format_func=lambda c: label("channel", c),
            placeholder=t("common.choose"),
        )
        return chosen or None
    if kind == "shares":
        current = sheet.channels
        shares = {}
        for column, channel in zip(st.columns(len(CHANNEL_CODES)), CHANNEL_CODES, strict=True):
            with column:
                shares[channel] = st.number_input(
                    label("channel", channel),
                    min_value=0.0,
                    max_value=1.0,
                    value=float(current.get(channel, 0)),
                    step=0.05,
                    format="%.4f",
                    key=f"{key}_{channel}",
                )
        return {c: _decimal(v, "share") for c, v in shares.items() if v > 0}
    step = _STEP.get(kind, 1.0)
    current = _CURRENT.get((kind_name, field))
    start = type(step)(getattr(sheet, current).value) if current else type(step)(0)
    value = st.number_input(text, min_value=type(step)(0), value=start, step=step, key=key)
    return _decimal(value, kind)


def change_form(sheet: Any) -> dict | None:
    """Controls for one change; returns the change data when the user adds it."""
    kind_name = st.selectbox(
        t("change.type"),
        list(CHANGE_TYPES),
        format_func=lambda k: t(f"change.kind.{k}"),
        key="change_type",
    )
    change: dict = {"type": kind_name}
    for field, (kind, required) in CHANGE_TYPES[kind_name].fields.items():
        value = _argument(sheet, kind_name, field, kind, required)
        if value is not None:
            change[field] = value
    change["reason"] = st.text_input(t("change.reason"), key="change_reason").strip()
    legal = st.text_input(t("change.legal_change"), key="change_legal").strip()
    if legal:
        change["legal_change"] = legal
    if not st.button(t("change.add"), key="change_add"):
        return None
    if not change["reason"]:
        st.error(t("change.reason_required"))
        return None
    return change


def change_list(changes: list[dict]) -> None:
    """The changes of the custom option, with a button to remove the last or all."""
    if not changes:
        st.caption(t("change.empty"))
        return
    rows = [
        {
            t("change.type"): t(f"change.kind.{c['type']}"),
            t("change.arguments"): ", ".join(
                f"{t(f'change.field.{k}')}: {v}"
                for k, v in c.items()
                if k not in ("type", "reason", "legal_change")
            ),
            t("change.reason"): c["reason"],
            t("change.legal_change"): c.get("legal_change", ""),
        }
        for c in changes
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    left, right = st.columns(2)
    if left.button(t("change.remove_last"), key="change_remove_last"):
        changes.pop()
        st.rerun()
    if right.button(t("change.clear"), key="change_clear"):
        changes.clear()
        st.rerun()


def _plain(value: object) -> object:
    """JSON-ready copy: Decimals become int (whole) or float, containers are copied."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def option_data(action: str, changes: list[dict], reason: str | None) -> dict:
    """The proposal's option as the cost model reads it: ``{id, action, reason, changes}``."""
    option: dict = {"id": action, "action": action}
    if reason:
        option["reason"] = reason
    if changes:
        option["changes"] = _plain(changes)
    return option
