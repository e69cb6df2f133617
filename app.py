"""Streamlit entry point: page configuration and role-based routing only."""

import streamlit as st

from catalogue.registry.auth import ROLES
from ui import not_found, widgets
from ui.i18n import t
from ui.state import core
from ui.state import session as session_state

st.set_page_config(page_title="TTHC", page_icon=":material/fact_check:", layout="wide")
core.refresh_version()  # one query: changes made by other processes show at this rerun
session_state.restore()  # the user and procedure after F5; signed out when deactivated
widgets.sidebar()

# Pages each role may open; services still refuse whatever a role may not do.
SIGNED_IN = tuple(ROLES)
EVERYONE = (None, *SIGNED_IN)
PAGES = [
    ("ui/pages/overview.py", "nav.overview", ":material/dashboard:", EVERYONE),
    ("ui/pages/catalogue.py", "nav.catalogue", ":material/search:", EVERYONE),
    ("ui/pages/quality.py", "nav.quality", ":material/join_inner:", ("reviewer", "admin")),
    ("ui/pages/detail.py", "nav.detail", ":material/description:", EVERYONE),
    ("ui/pages/onestop.py", "nav.onestop", ":material/how_to_reg:", EVERYONE),
    ("ui/pages/priorities.py", "nav.priorities", ":material/low_priority:", SIGNED_IN),
    (
        "ui/pages/compare.py",
        "nav.compare",
        ":material/compare_arrows:",
        ("reviewer", "chair", "admin"),
    ),
    ("ui/pages/review_plan.py", "review_cycle.nav_plan", ":material/event_note:", SIGNED_IN),
    ("ui/pages/review.py", "review_cycle.nav_review", ":material/rule:", SIGNED_IN),
    ("ui/pages/plan.py", "nav.plan", ":material/folder_open:", ("reviewer", "admin")),
    ("ui/pages/queue.py", "nav.queue", ":material/task_alt:", ("chair",)),
    ("ui/pages/decisions.py", "nav.decisions", ":material/gavel:", SIGNED_IN),
    ("ui/pages/cycle.py", "cycle_steps.nav", ":material/account_tree:", SIGNED_IN),
    ("ui/pages/savings.py", "nav.savings", ":material/trending_down:", SIGNED_IN),
    ("ui/pages/data.py", "nav.data", ":material/upload_file:", ("admin",)),
    ("ui/pages/users.py", "users.nav", ":material/group:", ("admin",)),
    ("ui/pages/profile.py", "profile_page.nav", ":material/badge:", ("admin",)),
    ("ui/pages/account.py", "nav.account", ":material/person:", EVERYONE),
]
role = session_state.role()
# Signed in, the account page is "Tài khoản", no longer "Đăng nhập".
ACCOUNT_TITLE = "ux.nav.account" if role is not None else "nav.account"
# Pages the role may not open are routed but hidden: a shared link to one asks to sign in
# (and opens it after), instead of Streamlit's English "Page not found".
pages = {
    path: st.Page(
        path,
        title=t(ACCOUNT_TITLE if title == "nav.account" else title),
        icon=icon,
        default=i == 0,
        visibility="visible" if role in roles else "hidden",
    )
    for i, (path, title, icon, roles) in enumerate(PAGES)
}
allowed = {path for path, _title, _icon, roles in PAGES if role in roles}
listed = list(pages.values())
# A link to a page path that does not exist gets our own words, not Streamlit's dialog.
unknown = not_found.unknown_page_name(page.url_path for page in listed)
if unknown is not None:
    listed.append(st.Page(not_found.not_found_page, title=t("stages_ui.not_found.title"),
                          url_path=unknown, visibility="hidden"))  # fmt: skip
chosen = st.navigation(listed, expanded=True)  # every page listed
path = next((p for p, page in pages.items() if page == chosen), None)
if path is None or path in allowed:
    chosen.run()
else:
    widgets.page_gate(path)
