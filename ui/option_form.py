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
from ui.i18n import label, money, number, percent, t
from ui.inputs import number_field

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
# Decimals shown for each number kind (the cost model's precision is analysis.model.DECIMALS).
_SHOWN = {"frequency": 2, "count": 0, "days": 1, "money": 0, "hours": 2}
# Session keys of the builder's fields; cleared (except the type) after each added change.
PREFIX, CLEAR, FLASH, GENERATION = "change_", "change_form_clear", "change_form_added", "change_gen"
TYPED = ("change_reason", "change_legal")


def _key(name: str) -> str:
    """A field's key in the current generation of the form: new keys are new widgets, so the
    browser too shows them empty after a change was added (``change_reason``,
    ``change_reason_1``, …)."""
    generation = st.session_state.get(GENERATION, 0)
    return name if generation == 0 else f"{name}_{generation}"


def _decimal(value: Decimal | int, kind: str) -> Decimal | int:
    if isinstance(value, int) or kind == "count":
        return int(value)
    places = DECIMALS[kind]
    return Decimal(value).quantize(Decimal(1).scaleb(-places)).normalize()


def fee_text(sheet: Any, fee: Any) -> str:
    """A fee as a person reads it: its name and amount, USD with its value in đồng."""
    amount = fee.amount.value
    if fee.currency == "USD":
        vnd = money(amount * sheet.usd_rate) if sheet.usd_rate else "—"
        return t("ux.fee.usd", name=fee.name, amount=number(amount, 2), vnd=vnd)
    return t("ux.fee.vnd", name=fee.name, amount=money(amount))


def _pick_text(sheet: Any, what: str) -> dict[str, str]:
    items = getattr(sheet, what)
    if what == "fees":
        return {f.name: fee_text(sheet, f) for f in items}
    return {item.name: item.name for item in items}


def _shares(sheet: Any, key: str) -> dict | None:
    """Channel shares typed in % (``30``, ``70``), returned as fractions of one."""
    shares = {}
    for column, channel in zip(st.columns(len(CHANNEL_CODES)), CHANNEL_CODES, strict=True):
        with column:
            typed = number_field(
                t("ux.change.share", channel=label("channel", channel)),
                key=f"{key}_{channel}",
                value=Decimal(sheet.channels.get(channel, 0)) * 100,
                decimals=2,
                maximum=100,
            )
        shares[channel] = typed or Decimal(0)
    return {c: (v / 100).normalize() for c, v in shares.items() if v > 0}


def _argument(sheet: Any, kind_name: str, field: str, kind: str, required: bool):
    key = _key(f"{PREFIX}{kind_name}_{field}")
    text = t(f"change.field.{field}")
    pick = _PICK.get((kind_name, field))
    if pick is not None:
        shown = _pick_text(sheet, pick)
        names = list(shown) if required else ["", *shown]
        return (
            st.selectbox(
                text, names, key=key, format_func=lambda n: shown.get(n) or t("ux.change.none")
            )
            or None
        )
    if kind == "text":
        return st.text_input(text, key=key).strip() or None
    if kind == "channel_or_all":
        return st.selectbox(text, ["all", *CHANNEL_CODES], key=key, format_func=channel_text)
    if kind == "currency":
        return st.selectbox(
            text, list(CURRENCIES), key=key, format_func=lambda c: t(f"ux.currency.{c}")
        )
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
        return _shares(sheet, key)
    current = _CURRENT.get((kind_name, field))
    start = getattr(sheet, current).value if current else None
    value = number_field(
        t(f"ux.change.field.{kind}", name=text), key=key, value=start, decimals=_SHOWN[kind]
    )
    return None if value is None else _decimal(value, kind)


def _clear_fields() -> None:
    """Forget the typed fields of the previous change (the chosen type stays)."""
    if st.session_state.pop(CLEAR, False):
        prefixes = tuple(f"{PREFIX}{kind}_" for kind in CHANGE_TYPES) + TYPED
        for key in [k for k in st.session_state if str(k).startswith(prefixes)]:
            del st.session_state[key]
        st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def change_form(sheet: Any) -> dict | None:
    """Controls for one change; returns the change data when the user adds it.

    After a change is added (the page calls :func:`added`), the next run starts with
    empty fields and says what was added.
    """
    _clear_fields()
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(t("ux.change.added", change=flash))
    kind_name = st.selectbox(
        t("change.type"),
        list(CHANGE_TYPES),
        format_func=lambda k: t(f"change.kind.{k}"),
        key="change_type",
    )
    change: dict = {"type": kind_name}
    missing_required = []
    for field, (kind, required) in CHANGE_TYPES[kind_name].fields.items():
        value = _argument(sheet, kind_name, field, kind, required)
        if value is not None:
            change[field] = value
        elif required:
            missing_required.append(t(f"change.field.{field}"))
    change["reason"] = st.text_input(t("change.reason"), key=_key("change_reason")).strip()
    legal = st.text_input(t("change.legal_change"), key=_key("change_legal")).strip()
    if legal:
        change["legal_change"] = legal
    if not st.button(t("change.add"), key="change_add"):
        return None
    if missing_required:
        st.error(t("ux.change.missing", fields=", ".join(missing_required)))
        return None
    if not change["reason"]:
        st.error(t("change.reason_required"))
        return None
    return change


def added(change: dict) -> None:
    """Record that ``change`` joined the option: clear the fields and confirm on the next run."""
    st.session_state[CLEAR] = True
    st.session_state[FLASH] = change_summary(change)
    st.rerun()


def channel_text(code: str) -> str:
    """A channel code in words; ``all`` is every channel."""
    return t("ux.change.all_channels") if code == "all" else label("channel", code)


def argument_text(field: str, value: object, kind: str) -> str:
    """One argument of a change in words and Vietnamese numbers (never Python's repr)."""
    if kind == "shares":
        return ", ".join(
            f"{label('channel', c)} {percent(Decimal(str(v)) * 100)}" for c, v in value.items()
        )
    if kind == "channel_or_all":
        return channel_text(value)
    if kind == "channels":
        return ", ".join(label("channel", c) for c in value)
    if kind == "currency":
        return t(f"ux.currency.{value}")
    if kind == "money":
        return money(value)
    if kind == "days":
        return t("ux.change.days", days=number(value, 1))
    if kind == "hours":
        return t("ux.change.hours", hours=number(value, 2))
    if kind in ("frequency", "count"):
        return number(value, _SHOWN[kind])
    return str(value)


def change_summary(change: dict) -> str:
    """A change as one line: its type and its arguments in words."""
    spec = CHANGE_TYPES[change["type"]].fields
    parts = [
        f"{t(f'change.field.{k}')}: {argument_text(k, v, spec[k][0])}"
        for k, v in change.items()
        if k in spec
    ]
    if change["type"] == "set_deadline" and "channel" not in change:
        parts.append(f"{t('change.field.channel')}: {channel_text('all')}")
    head = t(f"change.kind.{change['type']}")
    return head + (" — " + "; ".join(parts) if parts else "")


def change_list(changes: list[dict]) -> None:
    """The changes of the custom option, in words, with a button to remove the last or all."""
    if not changes:
        st.caption(t("change.empty"))
        return
    rows = [
        {
            t("ux.change.number"): i,
            t("change.type"): t(f"change.kind.{c['type']}"),
            t("change.arguments"): change_summary(c).partition(" — ")[2] or "—",
            t("change.reason"): c["reason"],
            t("change.legal_change"): c.get("legal_change") or "—",
        }
        for i, c in enumerate(changes, start=1)
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
