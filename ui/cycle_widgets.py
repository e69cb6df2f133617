"""The law's sequence on the cycle page: the Quyết định thông qua, the legal acts and their
links, the Quyết định công bố and the changes still to come (issue 12).

Each action calls one service of :mod:`catalogue.cycle` as the signed-in user (the service
checks the role and every rule); signing asks for confirmation after a summary of what will
happen, and the page then shows the new state with a short confirmation
(:func:`ui.widgets.flash`). Every code is shown by its name from the catalogues.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from catalogue.cycle import SECTION_OF_ACTION
from ui import tables, workflow_widgets
from ui.i18n import day, label, missing, money, percent, t
from ui.state import core as core_state
from ui.state import cycle as cycle_state
from ui.widgets import flash, headline, run_service

WARNINGS_KEY = "cycle_warnings"
ROUTES = ("recommendation", "province")
EXTENTS = ("whole", "part", "declined")


def _proc(row: Any) -> str:
    return t("cycle_ui.procedure", code=row.code or "—", name=row.name)


def route_words(row: Any) -> str:
    """``kiến nghị Bộ Tư pháp`` or ``thuộc thẩm quyền của tỉnh: Sở Tư pháp chủ trì, hạn …``."""
    if row["route"] == "province":
        due = day(row["due_on"]) if not missing(row["due_on"]) else "—"
        return t("cycle_ui.route_province_to", department=row["department"] or "—", due=due)
    return t("cycle_ui.route_recommendation_to", addressee=row["addressee"] or "—")


def show_warnings() -> None:
    """The warnings of the last signing (05 working days), after the rerun that follows it."""
    for warning in st.session_state.pop(WARNINGS_KEY, []):
        st.warning(warning)


def stage_metrics(today: date) -> None:
    """Savings per stage of the cycle on ``today``: proposed, adopted, enacted, in force."""
    ok, totals = run_service(cycle_state.stage_totals, today)
    if not ok:
        return
    columns = st.columns(len(totals))
    for column, row in zip(columns, totals.itertuples(), strict=True):
        value, full = headline(row.savings)  # tỷ đồng when large, the full amount below
        column.metric(t(f"cycle_steps.stage.{row.stage}"), value)
        caption = t("cycle_steps.stage_caption", n=row.procedures, rate=percent(row.cut_rate))
        column.caption(f"{full} · {caption}" if full else caption)


def _route_input(p: Any, default: str) -> dict[str, Any]:
    """The route of one approved proposal, as the chair sets it."""
    st.markdown(
        t("cycle_ui.adopt_item", line=_proc(p), action=label("action", p.action)),
    )
    kind = st.radio(
        t("cycle_steps.route"),
        ROUTES,
        index=ROUTES.index(default),
        format_func=lambda k: t(f"cycle_steps.route_{k}"),
        key=f"cycle_route_{p.id}",
        horizontal=True,
    )
    if kind == "province":
        left, right = st.columns(2)
        department = left.text_input(t("cycle_steps.department"), key=f"cycle_dept_{p.id}")
        due_on = right.date_input(
            t("cycle_steps.due_on"), key=f"cycle_due_{p.id}", format="DD/MM/YYYY"
        )
        return {"route": kind, "department": department, "due_on": due_on, "addressee": None}
    addressee = st.text_input(t("cycle_steps.addressee"), key=f"cycle_to_{p.id}")
    return {"route": kind, "addressee": addressee, "department": None, "due_on": None}


def adopt_section() -> None:
    """The chair signs the Quyết định thông qua of one submitted, fully decided phương án."""
    st.header(t("cycle_steps.adopt"))
    ok, plans = run_service(cycle_state.workflow, "plans_frame")
    submitted = plans[plans["status"] == "submitted"] if ok else pd.DataFrame()
    if submitted.empty:
        st.caption(t("cycle_steps.none_to_adopt"))
        return
    plan_id = workflow_widgets.pick_plan(submitted, key="cycle_adopt_plan")
    ok, proposals = run_service(cycle_state.workflow, "proposals_frame", plan_id=plan_id)
    if not ok:
        return
    open_ones = proposals[proposals["status"].isin(["draft", "submitted", "returned"])]
    if not open_ones.empty:
        st.info(t("cycle_ui.not_ready", n=len(open_ones)))
        st.page_link("ui/pages/queue.py", label=t("nav.queue"), icon=":material/gavel:")
        return
    approved = proposals[(proposals["status"] == "approved") & (proposals["action"] != "keep")]
    defaults = cycle_state.default_routes(approved["procedure_id"].astype(int).tolist())
    routes = {
        int(p.id): _route_input(p, defaults[int(p.procedure_id)]) for p in approved.itertuples()
    }
    left, middle, right = st.columns(3)
    number = left.text_input(
        t("cycle_steps.number"), key="cycle_adopt_number", placeholder="125/QĐ-UBND"
    )
    signed_on = middle.date_input(
        t("cycle_steps.signed_on"), key="cycle_adopt_signed", format="DD/MM/YYYY"
    )
    signer = right.text_input(t("cycle_steps.signer"), key="cycle_adopt_signer")
    _adopt_summary(approved, routes, number, signed_on, signer)
    sure = st.checkbox(t("cycle_steps.confirm"), key="cycle_adopt_sure")
    if st.button(
        t("cycle_steps.adopt_button"), key="cycle_adopt", disabled=not sure, type="primary"
    ):
        done, adoption = run_service(
            cycle_state.workflow,
            "adopt_plan",
            plan_id=plan_id,
            number=number,
            signed_on=signed_on,
            signer=signer,
            routes=routes,
        )
        if done:
            core_state.data_changed()
            flash(t("cycle_ui.adopted", number=adoption.number, n=len(routes)))


def _adopt_summary(
    approved: pd.DataFrame, routes: dict[int, dict], number: str, signed_on: date, signer: str
) -> None:
    """What signing will do: each proposal with its route and savings, the total, no change."""
    lines = [
        t(
            "cycle_ui.adopt_line",
            line=_proc(p),
            action=label("action", p.action),
            route=route_words(routes[int(p.id)]),
            savings=money(p.savings),
        )
        for p in approved.itertuples()
    ]
    st.info(
        t(
            "cycle_ui.adopt_confirm",
            number=number or "—",
            date=day(signed_on),
            signer=signer or "—",
            n=len(lines),
            savings=money(int(approved["savings"].fillna(0).sum())),
        )
        + "\n\n"
        + "\n".join(f"- {line}" for line in lines)
    )


def act_form() -> None:
    """Record a legal act (VBQPPL) that implements adopted proposals."""
    st.header(t("cycle_steps.act"))
    with st.form("cycle_act_form", clear_on_submit=True):
        left, right = st.columns(2)
        values = {
            "number": left.text_input(t("cycle_steps.act_number"), key="cycle_act_number"),
            "issuer": right.text_input(t("cycle_steps.act_issuer"), key="cycle_act_issuer"),
            "title": st.text_input(t("cycle_steps.act_title"), key="cycle_act_title"),
            "issued_on": left.date_input(
                t("cycle_steps.issued_on"), key="cycle_act_issued", format="DD/MM/YYYY"
            ),
            "in_force_on": right.date_input(
                t("cycle_steps.in_force_on"), key="cycle_act_force", format="DD/MM/YYYY"
            ),
        }
        ministry = st.text_input(t("cycle_steps.ministry_decision"), key="cycle_act_ministry")
        recorded = st.form_submit_button(t("cycle_steps.act_button"), key="cycle_act_button")
    if recorded:
        done, act = run_service(
            cycle_state.workflow, "record_act", **values, ministry_decision=ministry or None
        )
        if done:
            core_state.data_changed()
            flash(t("cycle_ui.act_recorded", number=act.number, date=day(act.in_force_on)))


def _acts_of(links: pd.DataFrame, routing_id: int) -> str:
    rows = links[links["routing_id"] == routing_id]
    words = [
        t("cycle_ui.act_link", act=r.act, extent=t(f"cycle_ui.extent.{r.extent}"))
        for r in rows.itertuples()
    ]
    return ", ".join(words) or "—"


def routings_table(routings: pd.DataFrame, links: pd.DataFrame) -> None:
    """The adopted proposals as signed: route, who acts, by when, savings, acts linked."""
    col = {k: t(f"cycle_ui.col.{k}") for k in ("adoption", "action", "route", "acts")}
    view = pd.DataFrame(
        {
            t("catalogue.col.code"): routings["code"].fillna("—"),
            t("catalogue.col.name"): routings["name"],
            col["action"]: routings["action"].map(lambda a: label("action", a)),
            t("plan.col.savings"): routings["savings"].map(money),
            col["acts"]: [_acts_of(links, int(i)) for i in routings["id"]],
            col["route"]: [route_words(r) for _, r in routings.iterrows()],
            col["adoption"]: routings["adoption"],
        }
    )
    tables.show(
        view,
        pinned=[t("catalogue.col.code")],
        money=[t("plan.col.savings")],
        long=[t("catalogue.col.name"), col["route"]],
    )


def routing_choices(routings: pd.DataFrame) -> dict[int, str]:
    """Picker lines for adopted proposals: ``#id · code · name — action (decision)``."""
    return {
        int(r.id): t(
            "cycle_ui.routing_line",
            id=r.proposal_id,
            line=_proc(r),
            action=label("action", r.action),
            adoption=r.adoption,
        )
        for r in routings.itertuples()
    }


def link_form(routings: pd.DataFrame, acts: pd.DataFrame) -> None:
    """Say which adopted proposal an act implements, wholly or in part, or declines."""
    act_ids = {int(a.id): a.number for a in acts.itertuples()}
    choices = routing_choices(routings)
    with st.form("cycle_link_form", clear_on_submit=True):
        act_id = st.selectbox(
            t("cycle_steps.act"), list(act_ids), format_func=act_ids.get, key="cycle_link_act"
        )
        routing_id = st.selectbox(
            t("cycle_steps.routing"),
            list(choices),
            format_func=choices.get,
            key="cycle_link_routing",
        )
        extent = st.radio(
            t("cycle_steps.extent"),
            EXTENTS,
            format_func=lambda e: t(f"cycle_ui.extent.{e}"),
            key="cycle_link_extent",
            horizontal=True,
        )
        note = st.text_input(t("cycle_steps.note"), key="cycle_link_note")
        linked = st.form_submit_button(t("cycle_steps.link_button"), key="cycle_link_button")
    if linked:
        done, _ = run_service(
            cycle_state.workflow,
            "link_act",
            act_id=act_id,
            routing_id=int(routing_id),
            extent=extent,
            note=note or None,
        )
        if done:
            core_state.data_changed()
            flash(
                t(
                    "cycle_ui.linked",
                    act=act_ids[act_id],
                    proposal=choices[routing_id],
                    extent=t(f"cycle_ui.extent.{extent}"),
                )
            )


def _entry_line(link: Any, routing: Any, replacements: dict[int, str]) -> str:
    section = SECTION_OF_ACTION.get(routing.action, "amended")
    text = t(
        "cycle_ui.entry_line",
        line=_proc(routing),
        section=t(f"decisions.section.{section}"),
        act=link.act,
        date=day(link.in_force_on),
    )
    if int(routing.proposal_id) in replacements:
        text += t("cycle_ui.replaced_by", name=replacements[int(routing.proposal_id)])
    return text


def _replacements() -> dict[int, str]:
    """Proposal id → the replacing procedure's line, for the replace proposals."""
    ok, proposals = run_service(cycle_state.workflow, "proposals_frame")
    if not ok:
        return {}
    replacing = proposals.dropna(subset=["replacement_procedure_id"])
    if replacing.empty:
        return {}
    from ui.labels import procedure_line
    from ui.state import catalogue as catalogue_state

    ids = replacing["replacement_procedure_id"].astype(int).tolist()
    rows = catalogue_state.procedure_rows(ids)
    return {
        int(p.id): procedure_line(rows.loc[int(p.replacement_procedure_id)])
        for p in replacing.itertuples()
        if int(p.replacement_procedure_id) in rows.index
    }


def publish_section(routings: pd.DataFrame, links: pd.DataFrame) -> None:
    """The chair signs the Quyết định công bố: entries implemented by an act, not yet listed."""
    st.header(t("cycle_steps.publish"))
    ready = links[links["extent"].isin(["whole", "part"]) & links["decision"].isna()]
    if ready.empty:
        st.caption(t("cycle_ui.nothing_to_publish"))
        return
    by_id = routings.set_index("id", drop=False)
    replacements = _replacements()
    lines = {
        int(link.id): _entry_line(link, by_id.loc[int(link.routing_id)], replacements)
        for link in ready.itertuples()
    }
    chosen = st.multiselect(
        t("cycle_steps.entries"),
        list(lines),
        default=list(lines),
        format_func=lines.get,
        key="cycle_publish_entries",
        placeholder=t("cycle_ui.pick_entries"),
    )
    left, middle, right = st.columns(3)
    number = left.text_input(
        t("cycle_steps.number"), key="cycle_publish_number", placeholder="200/QĐ-UBND"
    )
    signed_on = middle.date_input(
        t("cycle_steps.signed_on"), key="cycle_publish_signed", format="DD/MM/YYYY"
    )
    signer = right.text_input(t("cycle_steps.signer"), key="cycle_publish_signer")
    picked = ready.set_index("id", drop=False).loc[chosen] if chosen else ready.iloc[:0]
    _publish_summary(picked, by_id, lines, number, signed_on)
    sure = st.checkbox(t("cycle_steps.confirm"), key="cycle_publish_sure")
    pressed = st.button(
        t("cycle_steps.publish_button"), key="cycle_publish", disabled=not sure, type="primary"
    )
    if not pressed:
        return
    entries = [
        {"routing_id": int(r.routing_id), "act_id": int(r.act_id)} for r in picked.itertuples()
    ]
    done, result = run_service(
        cycle_state.workflow,
        "publish_list",
        number=number,
        signed_on=signed_on,
        signer=signer,
        entries=entries,
    )
    if done:
        core_state.data_changed()
        st.session_state[WARNINGS_KEY] = list(result.warnings)
        flash(t("cycle_ui.published", number=result.decision.number, n=len(entries)))


def _publish_summary(
    picked: pd.DataFrame, by_id: pd.DataFrame, lines: dict[int, str], number: str, signed_on: date
) -> None:
    """What signing will do: each entry, the savings, how many records change on which day."""
    savings = sum(int(by_id.loc[int(r.routing_id), "savings"] or 0) for r in picked.itertuples())
    when = Counter(picked["in_force_on"])
    text = t(
        "cycle_ui.publish_confirm",
        number=number or "—",
        date=day(signed_on),
        n=len(picked),
        savings=money(savings),
    )
    items = [f"- {lines[int(i)]}" for i in picked["id"]]
    items += [t("cycle_ui.publish_when", date=day(d), n=n) for d, n in sorted(when.items())]
    st.info(text + "\n\n" + "\n".join(items))
    for d in sorted(when):
        days, least = cycle_state.working_days(signed_on, d)
        if days < least:
            st.warning(t("cycle_ui.late", days=f"{days:02d}", date=day(d)))


def pending_section() -> None:
    """The changes still to come for one procedure, found by its code."""
    st.header(t("cycle_steps.pending"))
    code = st.text_input(t("cycle_steps.pending_code"), key="cycle_pending_code")
    if not code:
        return
    ok, pid = run_service(cycle_state.workflow, "find_procedure_id", ref=code)
    if not ok:
        return
    ok, pending = run_service(cycle_state.workflow, "pending_changes", procedure_id=pid)
    if not ok:
        return
    if not pending:
        st.caption(t("cycle_steps.none_pending"))
    for change in pending:
        when = day(change["in_force_on"]) if change["in_force_on"] else "—"
        st.markdown(
            t(
                "cycle_ui.pending_line",
                stage=t(f"cycle_ui.pending_stage.{change['stage']}"),
                action=label("action", change["action"]),
                adoption=change["adoption"],
                acts=", ".join(change["acts"]) or "—",
                date=when,
            )
        )
        st.markdown("\n".join(f"- {line}" for line in change["changes"]))
