"""The organisation profile (admin): names, signers and recipients every document uses."""

import streamlit as st

from ui.i18n import t
from ui.state import profile as profile_state
from ui.widgets import run_service

st.title(t("profile_page.title"))
st.caption(t("profile_page.intro"))

values = profile_state.current()
lists = profile_state.list_fields()
with st.form("profile_form"):
    entered = {}
    for name, (_vi, _en, example) in profile_state.fields().items():
        label = t(f"profile_page.field.{name}")
        if name in lists:
            text = st.text_area(
                label,
                "\n".join(values[name] or ()),
                placeholder=example,
                help=t("profile_page.one_per_line"),
                key=f"profile_{name}",
            )
            entered[name] = [line for line in text.splitlines() if line.strip()]
        else:
            entered[name] = st.text_input(label, values[name] or "", placeholder=example,
                                          key=f"profile_{name}")  # fmt: skip
    submitted = st.form_submit_button(t("profile_page.save"), key="profile_save")
if submitted:
    ok, _ = run_service(profile_state.save, entered)
    if ok:
        st.success(t("profile_page.saved"))
