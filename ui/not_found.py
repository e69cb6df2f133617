"""Addresses that name nothing: a page path no page has, a procedure id that does not
exist. The app answers in its own words instead of Streamlit's English "Page not
found" dialog (shown by the browser when no page of ``st.navigation`` has the path)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

from ui.i18n import t

# The page path a link may name: one segment of letters, digits, "-" and "_" (Streamlit's
# own page paths); anything else still gets Streamlit's dialog (README lists it).
_PAGE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


def unknown_page_name(known: Iterable[str]) -> str | None:
    """The page path in the address when no page of the app has it, else None.

    Reads the page name Streamlit resolves the address with (its script run context);
    None when that is unavailable (tests, another Streamlit version) or not a plain name.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return None
    name = str(getattr(manager, "intended_page_name", None) or "").strip("/")
    if not name or name in set(known) or not _PAGE_NAME.fullmatch(name):
        return None
    return name


def not_found_page() -> None:
    """The page shown at an address that names no page: say so, and offer the first page."""
    st.title(t("stages_ui.not_found.title"))
    st.warning(t("stages_ui.not_found.page"))
    st.page_link("ui/pages/overview.py", label=t("nav.overview"), icon=":material/dashboard:")


def not_found_id(kind: str, value: object) -> None:
    """An id in the address (``?id=``) that names nothing, in words."""
    st.warning(t(f"stages_ui.not_found.{kind}", id=value))
