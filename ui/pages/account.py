"""Sign in with a username and password; sign out; change one's own password.

The demo accounts' hint shows only in a database created for the demo.
"""

import streamlit as st

from ui.i18n import label, t
from ui.state import session as session_state
from ui.widgets import run_service

st.title(t("account.title"))

if session_state.user() is not None:
    st.success(
        t(
            "account.signed_in_as",
            user=session_state.username(),
            role=label("role", session_state.role()),
        )
    )
    if st.button(t("account.sign_out"), key="account_sign_out"):
        session_state.sign_out()
        st.rerun()
    with st.form("account_password_form", clear_on_submit=True):
        st.subheader(t("accounts.change_password"))
        old = st.text_input(t("accounts.old_password"), type="password", key="account_old")
        new = st.text_input(t("accounts.new_password"), type="password", key="account_new")
        again = st.text_input(t("accounts.repeat"), type="password", key="account_again")
        change = st.form_submit_button(t("accounts.change"), key="account_change")
    if change:
        if new != again:
            st.error(t("accounts.mismatch"))
        else:
            ok, _ = run_service(session_state.change_password, old, new)
            if ok:
                st.success(t("accounts.changed"))
else:
    with st.form("account_form"):
        name = st.text_input(t("account.username"), key="account_username")
        password = st.text_input(t("account.password"), type="password", key="account_password")
        submitted = st.form_submit_button(t("account.sign_in"), key="account_submit")
    if submitted:
        ok, found = run_service(session_state.sign_in, name.strip(), password)
        if ok and found is not None:
            st.session_state["user"] = found
            st.rerun()
        elif ok:
            st.error(t("account.failed"))
    if session_state.is_demo():
        st.caption(t("account.demo_hint"))
