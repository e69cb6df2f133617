"""Streamlit entry point: page configuration and role-based routing only."""

import streamlit as st

from catalogue.registry.auth import ROLES
from ui import widgets
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
pages = [
    st.Page(path, title=t(title), icon=icon, default=i == 0)
    for i, (path, title, icon, roles) in enumerate(PAGES)
    if role in roles
]
st.navigation(pages, expanded=True).run()  # every page listed: roles see up to 13
