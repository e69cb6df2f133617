"""The cycle page and the savings page show the same savings in force (issue 12 item 4).

The page-test cycle (tests/ui/cycle_fixture.py) adopts, enacts and publishes a plan in the
law's order, in force on a past day: both pages count it in force, and the savings page's
first programme (NQ 66) shows that saving as its in-force progress.
"""

from __future__ import annotations

import cycle_fixture
from ui_helpers import no_exception, open_page

cycle_db_file, cycle_app = cycle_fixture.cycle_db_file, cycle_fixture.cycle_app  # fixtures


def _as(cycle_app, role):
    at, pid = cycle_app
    at.session_state["user"] = {"username": role, "role": role, "full_name": None}
    at.session_state["procedure_id"] = pid
    return at.run()


def _in_force(at) -> str:
    values = [m.value for m in at.metric if m.label == "Đã có hiệu lực"]
    assert len(values) == 1, [m.label for m in at.metric]
    return values[0]


def _ty(text: str) -> float:
    """A headline in tỷ đồng as a number of tỷ ("1.234,5 tỷ đồng" → 1234.5)."""
    assert text.endswith("tỷ đồng"), text
    return float(text.removesuffix("tỷ đồng").strip().replace(".", "").replace(",", "."))


def test_cycle_and_savings_pages_agree_on_what_is_in_force(cycle_app):
    cycle = open_page(_as(cycle_app, "analyst"), "cycle")
    no_exception(cycle)
    on_cycle = _in_force(cycle)
    savings = open_page(cycle, "savings")
    no_exception(savings)
    on_savings = _in_force(savings)
    # two published proposals, both with a saving: never "0 đ" in force
    assert on_cycle.strip() not in ("0 đ", "0")
    # both pages write the headline in tỷ đồng ("654,67 tỷ đồng", "650 tỷ đồng"): the same amount
    assert abs(_ty(on_cycle) - _ty(on_savings)) <= 0.005
    captions = " ".join(c.value for c in savings.caption)
    assert "Đã có hiệu lực:" in captions and "Đang trên đường:" in captions
