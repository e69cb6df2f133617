"""The cycle page and the savings page show the same savings in force (issue 12 item 4).

The demo cycle (tests/ui/cycle_fixture.py) publishes a plan by the older one-step path on
05/03/2026, effective 20/03/2026: on any later day both pages count it in force, and the
savings page's first programme (NQ 66) shows that saving as its in-force progress.
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


def test_cycle_and_savings_pages_agree_on_what_is_in_force(cycle_app):
    cycle = open_page(_as(cycle_app, "analyst"), "cycle")
    no_exception(cycle)
    on_cycle = _in_force(cycle)
    savings = open_page(cycle, "savings")
    no_exception(savings)
    on_savings = _in_force(savings)
    # two published proposals, both with a saving: never "0 đ" in force
    assert on_cycle.strip() not in ("0 đ", "0")
    # the cycle page writes the amount in đồng ("654.670.349.135 đ (…)"), the savings page's
    # headline in tỷ đồng with two decimals ("654,67 tỷ đồng"): the same amount
    amount = int(on_cycle.split(" đ")[0].strip().replace(".", ""))
    ty = on_savings.removesuffix("tỷ đồng").strip().replace(".", "").replace(",", ".")
    assert abs(float(ty) * 1e9 - amount) <= 0.005e9
    captions = " ".join(c.value for c in savings.caption)
    assert "Đã có hiệu lực:" in captions and "Đang trên đường:" in captions
