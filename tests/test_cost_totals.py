"""Yearly burden by group (``cost_totals``): figures worked out by hand on five procedures.

Only procedures in force with a known population are counted; one with an unknown
population is counted apart (``unknown_population``); an abolished one is left out; the
estimated count takes only counted procedures whose figures are estimated.
"""

from __future__ import annotations

import pandas as pd

from catalogue.costing.burden import cost_totals


def _costs() -> pd.DataFrame:
    rows = [  # field, in force, population known, estimated, yearly cost
        ("A", True, True, True, 100),
        ("A", True, True, False, 50),
        ("A", True, False, True, None),  # unknown population: not counted, not 0 đ
        ("B", False, True, True, 70),  # abolished: out of the totals
        ("B", True, True, True, 30),
    ]
    frame = pd.DataFrame(
        rows, columns=["field", "in_force", "population_known", "estimated", "annual_cost"]
    )
    frame["annual_cost"] = frame["annual_cost"].astype("Int64")
    frame["counted"] = frame["in_force"] & frame["population_known"]
    return frame


def test_totals_by_field_count_what_is_in_force_with_a_known_population():
    totals = cost_totals(_costs(), "field").set_index("field")
    assert list(totals.index) == ["A", "B"]  # largest first: 150 đ, then 30 đ
    assert totals.loc["A"].to_dict() == {
        "procedures": 2, "annual_cost": 150, "estimated": 1, "unknown_population": 1,
    }  # fmt: skip
    assert totals.loc["B"].to_dict() == {
        "procedures": 1, "annual_cost": 30, "estimated": 1, "unknown_population": 0,
    }  # fmt: skip
