"""Compare options: keep / amend / abolish / replace and a custom amend built from change
types; a proposal the chair returned is reopened here, revised and saved in its place."""

import streamlit as st

from ui import sheet_widgets, widgets, workflow_widgets
from ui.i18n import t
from ui.option_form import added, change_form, change_list
from ui.state import catalogue as catalogue_state

st.title(t("compare.title"))
widgets.show_flash()
pid = catalogue_state.selected_procedure()
rec = catalogue_state.record(pid) if pid is not None else None
if rec is None:
    st.info(t("detail.none"))
    st.page_link("ui/pages/catalogue.py", label=t("nav.catalogue"), icon=":material/search:")
    st.stop()
st.subheader(f"{rec['code'] or '—'} · {rec['name']}")
baseline = sheet_widgets.baseline_sheet(pid)
if baseline is None:
    st.stop()

custom = st.session_state.setdefault("compare_option", {"procedure_id": pid, "changes": []})
if custom["procedure_id"] != pid:
    custom.update(procedure_id=pid, changes=[])
# A bordered box, not an expander: it stays open and in place after every change.
with st.container(border=True):
    st.markdown(f"**{t('compare.build')}**")
    new = change_form(baseline)
    if new is not None and sheet_widgets.evaluated(baseline, [*custom["changes"], new]) is not None:
        custom["changes"].append(new)
        st.session_state["compare_action"] = "amend"
        added(new)
    change_list(custom["changes"])

result = sheet_widgets.evaluated(baseline, custom["changes"])
if result is None:
    st.stop()
if custom["changes"]:
    sheet_widgets.option_metrics(result, "amend")
sheet_widgets.comparison_table(result)
sheet_widgets.comparison_charts(result)
sheet_widgets.sensitivity_panel(baseline, custom["changes"])
workflow_widgets.add_to_plan(rec, pid, result, custom["changes"])
