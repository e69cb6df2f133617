"""Sign in with a username and password from the users table; sign out."""

import streamlit as st

from ui.i18n import label, t
from ui.state import session as session_state
from ui.widgets import after_sign_in, run_service

st.title(t("ux.nav.account") if session_state.user() is not None else t("account.title"))

if session_state.user() is not None:
    st.success(
        t(
            "account.signed_in_as",
            user=session_state.username(),
            role=label("role", session_state.role()),
        )
    )
    if st.button(t("account.sign_out"), key="account_sign_out"):
        st.session_state.pop("user", None)
        st.rerun()
else:
    with st.form("account_form"):
        name = st.text_input(t("account.username"), key="account_username")
        password = st.text_input(t("account.password"), type="password", key="account_password")
        submitted = st.form_submit_button(t("account.sign_in"), key="account_submit")
    if submitted:
        ok, found = run_service(session_state.sign_in, name.strip(), password)
        if ok and found is not None:
            st.session_state["user"] = found
            after_sign_in()  # a shared link asked for a page: open it now
            st.rerun()
        elif ok:
            st.error(t("account.failed"))
    st.caption(t("account.demo_hint"))
