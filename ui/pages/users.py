"""Admin page: the accounts, creating one, changing a role, deactivating or reactivating,
and resetting a password. Every action goes through the services, which check the role."""

import pandas as pd
import streamlit as st

from catalogue.registry.auth import ROLES
from ui.i18n import label, t
from ui.state import users as users_state
from ui.widgets import require_role, run_service

st.title(t("users.title"))

if require_role("admin"):
    ok, accounts = run_service(users_state.users)
    accounts = accounts or []
    frame = pd.DataFrame(accounts, columns=["username", "full_name", "role", "active"])
    st.dataframe(
        frame.assign(role=[label("role", r) for r in frame["role"]]).rename(
            columns={c: t(f"users.col.{c}") for c in frame.columns}
        ),
        hide_index=True,
    )
    names = [a["username"] for a in accounts]

    with st.form("users_create", clear_on_submit=True):
        st.subheader(t("users.create"))
        name = st.text_input(t("account.username"), key="users_new_name")
        full_name = st.text_input(t("users.col.full_name"), key="users_new_full_name")
        role = st.selectbox(
            t("users.col.role"), list(ROLES), format_func=lambda r: label("role", r),
            key="users_new_role",
        )  # fmt: skip
        password = st.text_input(t("account.password"), type="password", key="users_new_pw")
        if st.form_submit_button(t("users.create"), key="users_create_submit"):
            done, _ = run_service(users_state.create, name, role, password, full_name or None)
            if done:
                st.success(t("users.done"))
                st.rerun()

    if names:
        st.subheader(t("users.change"))
        who = st.selectbox(t("account.username"), names, key="users_who")
        current = next(a for a in accounts if a["username"] == who)
        left, right = st.columns(2)
        with left:
            new_role = st.selectbox(
                t("users.col.role"), list(ROLES), index=list(ROLES).index(current["role"]),
                format_func=lambda r: label("role", r), key="users_role",
            )  # fmt: skip
            if st.button(t("users.set_role"), key="users_set_role"):
                if run_service(users_state.set_role, who, new_role)[0]:
                    st.rerun()
            toggle = "users.deactivate" if current["active"] else "users.reactivate"
            if st.button(t(toggle), key="users_toggle"):
                if run_service(users_state.set_active, who, not current["active"])[0]:
                    st.rerun()
        with right:
            reset = st.text_input(t("users.new_password"), type="password", key="users_reset_pw")
            if st.button(t("users.reset"), key="users_reset"):
                if run_service(users_state.reset_password, who, reset)[0]:
                    st.success(t("users.done"))
