"""Streamlit entry point: page configuration and role-based routing only."""

import streamlit as st

from ui import state, widgets
from ui.i18n import t

st.set_page_config(page_title="TTHC", page_icon="📋", layout="wide")
widgets.sidebar()

# Pages each role may open; services still refuse whatever a role may not do.
EVERYONE = (None, "reviewer", "chair", "analyst", "admin")
SIGNED_IN = ("reviewer", "chair", "analyst", "admin")
PAGES = [
    ("ui/pages/overview.py", "nav.overview", "📊", EVERYONE),
    ("ui/pages/catalogue.py", "nav.catalogue", "🔎", EVERYONE),
    ("ui/pages/detail.py", "nav.detail", "📄", EVERYONE),
    ("ui/pages/compare.py", "nav.compare", "⚖️", ("reviewer", "chair", "admin")),
    ("ui/pages/plan.py", "nav.plan", "🗂️", ("reviewer", "admin")),
    ("ui/pages/queue.py", "nav.queue", "✅", ("chair",)),
    ("ui/pages/decisions.py", "nav.decisions", "📜", SIGNED_IN),
    ("ui/pages/savings.py", "nav.savings", "📈", SIGNED_IN),
    ("ui/pages/data.py", "nav.data", "📥", ("admin",)),
    ("ui/pages/account.py", "nav.account", "👤", EVERYONE),
]
role = state.role()
pages = [
    st.Page(path, title=t(title), icon=icon, default=i == 0)
    for i, (path, title, icon, roles) in enumerate(PAGES)
    if role in roles
]
st.navigation(pages).run()
