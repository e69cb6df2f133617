"""Small reusable widgets: the sidebar, figure cards, paging, chart axes and safe service calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from catalogue.registry.errors import ImportFailed, ServiceError
from ui.i18n import LANGUAGES, billions, label, lang, money, t
from ui.state import session as session_state

log = logging.getLogger(__name__)


# Streamlit's file uploader writes "Upload" and "100MB per file" with no parameter to change
# them; the page draws the user's language over them (the words are hidden, not removed,
# so the control works as before).
UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span {{display: none;}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after
{{content: "{button}";}}
[data-testid="stFileUploaderDropzoneInstructions"] div::after {{content: "{limit}";}}
</style>"""


def streamlit_texts() -> None:
    """Replace the texts Streamlit writes itself where CSS can (see README)."""
    from catalogue.sources.limits import MAX_UPLOAD_BYTES

    limit = t("ux.uploader.limit", mb=MAX_UPLOAD_BYTES // 2**20)
    st.html(UPLOADER_CSS.format(button=t("ux.uploader.button"), limit=limit))


def sidebar() -> None:
    """Language toggle and who is signed in."""
    streamlit_texts()
    with st.sidebar:
        st.radio(
            t("sidebar.language"),
            LANGUAGES,
            format_func=lambda code: t(f"language.{code}"),
            horizontal=True,
            key="lang",
        )
        if session_state.user() is None:
            st.caption(t("sidebar.anonymous"))
        else:
            st.caption(
                t(
                    "sidebar.signed_in",
                    user=session_state.username(),
                    role=label("role", session_state.role()),
                )
            )


def require_role(*roles: str) -> bool:
    """Show a message and return False unless the signed-in role is one of ``roles``."""
    if session_state.role() in roles:
        return True
    st.info(t("common.not_allowed"))
    return False


def run_service(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Call a service and turn its refusals into messages, never a traceback.

    Returns (ok, result). Service errors show their (user-facing) message; anything
    unexpected is logged and shown as a generic error.
    """
    try:
        return True, func(*args, **kwargs)
    except ImportFailed as exc:
        problem_table(exc.problems)
        return False, None
    except ServiceError as exc:
        from ui.problems import service_text

        st.error(service_text(str(exc)))
        return False, None
    except Exception:  # a page must never show a raw traceback
        log.exception("service call failed")
        st.error(t("ux.unexpected"))
        return False, None


def problem_table(problems: list) -> None:
    """A validation report: one row per problem with file, line, field and message."""
    st.error(t("data.problems", count=len(problems)))
    from ui.problems import message_text, path_text

    numbered = all(p.line is not None for p in problems)  # else "—" for the missing ones
    rows = [
        {
            t("data.col.file"): p.file,
            t("data.col.line"): p.line if numbered else ("—" if p.line is None else str(p.line)),
            t("data.col.field"): path_text(p.field),
            t("data.col.message"): message_text(p.message),
        }
        for p in problems
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def headline(amount: object) -> tuple[str, str | None]:
    """A money figure short enough for a metric (tỷ đồng when large) and the full amount."""
    if amount is not None and abs(amount) >= 1_000_000_000:
        return billions(amount), money(amount)
    return money(amount), None


def metric_row(items: list[tuple[str, str, str | None]]) -> None:
    """A row of metrics: (label, value, caption under it)."""
    for column, (name, value, caption) in zip(st.columns(len(items)), items, strict=True):
        with column:
            st.metric(name, value)
            if caption:
                st.caption(caption)


def pager(total: int, *, key: str, page_size: int = 50) -> tuple[int, int]:
    """Paging controls; returns the (start, stop) slice of the current page."""
    pages = max(1, -(-total // page_size))
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = 1
    page = st.number_input(
        t("common.page", pages=pages), min_value=1, max_value=pages, step=1, key=key
    )
    start = (int(page) - 1) * page_size
    return start, min(start + page_size, total)


# Vega formats numbers the English way; swap every separator for Vietnamese (1.234,5).
# A plain string pattern would replace only the first one, hence the global regexps.
VI_AXIS_LABELS = (
    "replace(replace(replace(datum.label, regexp(',', 'g'), '_'), "
    "regexp('[.]', 'g'), ','), regexp('_', 'g'), '.')"
)


# At most two decimals on an axis and no step below 0,01: Vega's default format follows
# the step, so tiny values (a few đồng on a tỷ đồng axis) printed "0.000000".
AXIS_FORMAT = ",.2~f"


def value_axis() -> Any:
    """An Altair axis for a quantity, labelled with the current language's separators and
    never more than two decimals."""
    import altair as alt

    if lang() == "vi":
        return alt.Axis(labelExpr=VI_AXIS_LABELS, format=AXIS_FORMAT, tickMinStep=0.01)
    return alt.Axis(format=AXIS_FORMAT, tickMinStep=0.01)


# Units of money on a chart axis, largest first: (divisor, key under stages_ui.unit).
MONEY_UNITS = ((1_000_000_000, "ty"), (1_000_000, "trieu"), (1, "dong"))


def money_unit(amounts: Any) -> tuple[int, str]:
    """The divisor and the unit's name for an axis of ``amounts`` in đồng: tỷ đồng from
    1 tỷ, triệu đồng from 1 triệu, else đồng, so that the labels are readable numbers."""
    values = [abs(float(a)) for a in amounts if a is not None and a == a]
    largest = max(values, default=0.0)
    for divisor, key in MONEY_UNITS:
        if largest >= divisor:
            return divisor, t(f"stages_ui.unit.{key}")
    return 1, t("stages_ui.unit.dong")


FLASH_KEY = "ux_flash"


def flash(message: str) -> None:
    """Confirm an action after the rerun that shows its result (the new state)."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_flash() -> None:
    """The confirmation of the last action, once, at the top of the page."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


AFTER_SIGN_IN = "ux_after_sign_in"


def page_gate(path: str) -> None:
    """A page this user may not open (a shared link): sign in first, then it opens."""
    st.title(t("ux.gate.title"))
    if session_state.user() is None:
        st.info(t("ux.gate.sign_in"))
        st.session_state[AFTER_SIGN_IN] = path
        st.page_link("ui/pages/account.py", label=t("nav.account"), icon=":material/login:")
    else:
        st.info(t("common.not_allowed"))


def after_sign_in() -> None:
    """After signing in, open the page a shared link asked for (if any)."""
    wanted = st.session_state.pop(AFTER_SIGN_IN, None)
    if wanted:
        st.switch_page(wanted)
