"""Compare options: keep / amend / abolish and a custom amend built from change types."""

import streamlit as st

from ui import state, widgets
from ui.i18n import t
from ui.option_form import change_form, change_list

st.title(t("compare.title"))
pid = state.selected_procedure()
rec = state.record(pid) if pid is not None else None
if rec is None:
    st.info(t("detail.none"))
    st.page_link("ui/pages/catalogue.py", label=t("nav.catalogue"), icon=":material/search:")
    st.stop()
st.subheader(f"{rec['code'] or '—'} · {rec['name']}")
baseline = widgets.baseline_sheet(pid)
if baseline is None:
    st.stop()

custom = st.session_state.setdefault("compare_option", {"procedure_id": pid, "changes": []})
if custom["procedure_id"] != pid:
    custom.update(procedure_id=pid, changes=[])
with st.expander(t("compare.build"), expanded=not custom["changes"]):
    added = change_form(baseline)
    if added is not None and widgets.evaluated(baseline, [*custom["changes"], added]) is not None:
        custom["changes"].append(added)
        st.session_state["compare_action"] = "amend"
change_list(custom["changes"])

result = widgets.evaluated(baseline, custom["changes"])
if result is None:
    st.stop()
if custom["changes"]:
    widgets.option_metrics(result, "amend")
widgets.comparison_table(result)
widgets.comparison_charts(result)
widgets.add_to_plan(rec, pid, result, custom["changes"])
