"""The first page's orientation: what the tool is for, the year's cycle with the steps of
the signed-in role, and what waits for this user, each with a link to the page."""

from __future__ import annotations

import streamlit as st

from ui.i18n import label, number, t
from ui.widgets import run_service

# The year's cycle (PROCESS.md §1): each stage and who acts in it.
CYCLE = (
    ("plan", ("reviewer", "chair")),
    ("review", ("reviewer",)),
    ("options", ("reviewer",)),
    ("adopt", ("chair",)),
    ("act", ("reviewer", "admin")),
    ("publish", ("chair",)),
    ("report", ("analyst",)),
)


def orientation(role: str | None) -> None:
    """What the tool is for and the year's cycle, the signed-in role's steps marked."""
    st.markdown(t("ux.home.purpose"))
    if role is None:
        st.info(t("ux.home.sign_in"))
        st.page_link("ui/pages/account.py", label=t("nav.account"), icon=":material/login:")
    else:
        st.caption(t("ux.home.your_role", role=label("role", role)))
    lines = []
    for i, (stage, roles) in enumerate(CYCLE, start=1):
        text = t(f"ux.home.stage.{stage}")
        who = ", ".join(label("role", r) for r in roles)
        mine = role in roles
        line = t("ux.home.stage_line", n=i, text=text, who=who)
        lines.append(f"{i}. **{line}** ← {t('ux.home.you')}" if mine else f"{i}. {line}")
    with st.expander(t("ux.home.cycle"), expanded=role is not None):
        st.markdown("\n".join(lines))


def _count(name: str, **kwargs) -> int | None:
    from ui.state import cycle as cycle_state

    ok, frame = run_service(cycle_state.workflow, name, **kwargs)
    return len(frame) if ok else None


def waiting(role: str | None) -> None:
    """What waits for this user: proposals to decide, plans to work on, flags to fix."""
    if role is None:
        return
    items: list[tuple[str, int, str]] = []
    if role == "chair":
        items.append(("to_decide", _count("approval_queue"), "ui/pages/queue.py"))
    if role in ("reviewer", "chair", "admin", "analyst"):
        from ui.state import cycle as cycle_state

        ok, plans = run_service(cycle_state.workflow, "plans_frame")
        if ok and role == "reviewer":
            items.append(("drafts", int((plans["status"] == "draft").sum()), "ui/pages/plan.py"))
            ok_p, proposals = run_service(cycle_state.workflow, "proposals_frame")
            if ok_p:
                returned = int((proposals["status"] == "returned").sum())
                items.append(("returned", returned, "ui/pages/plan.py"))
        if ok and role == "chair":
            approved = int((plans["status"] == "approved").sum())
            items.append(("to_publish", approved, "ui/pages/queue.py"))
    if role == "admin":
        from ui.state import data_import as data_import_state

        items.append(("flags", len(data_import_state.flags()), "ui/pages/data.py"))
    if role == "analyst":
        items.append(("decisions", _count("decisions_frame"), "ui/pages/savings.py"))
    items = [item for item in items if item[1] is not None]
    if not items:
        return
    st.subheader(t("ux.home.waiting"))
    for column, (name, count, page) in zip(st.columns(len(items)), items, strict=True):
        with column:
            st.metric(t(f"ux.home.wait.{name}"), number(count))
            st.page_link(page, label=t(f"ux.home.go.{name}"), icon=":material/arrow_forward:")
