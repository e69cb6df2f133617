"""Random costing sheets with random options (hypothesis), in the README's sheet format.

Every baseline key the format has (subject, hourly rate as a number, a sourced figure or
disagreeing sources, subject shares, population, frequency, channel shares, deadlines,
documents, fees in VND and USD, activities on some channels or all) and every change type
of an amend option, with options that change a fee's currency. Changes are drawn against
the names the sheet has at that point of the option, so most options are valid; a few
name something absent on purpose, and both the oracle and the product must refuse them.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

CHANNELS = ("direct", "online", "postal")
CHANGE_TYPES = (
    "set_frequency",
    "set_population",
    "set_channels",
    "set_deadline",
    "set_fee",
    "remove_fee",
    "remove_document",
    "replace_document_with_lookup",
    "set_activity",
    "remove_activity",
    "add_activity",
)
FIRST_DAY = date(2024, 1, 1)  # the first usd_rate of the parameters is effective then


def decimals(places: int, high: int):
    """A Decimal in [0, high] with at most ``places`` decimals."""
    return st.integers(0, high * 10**places).map(lambda n: Decimal(n).scaleb(-places))


hours = decimals(3, 200)
money = decimals(2, 5_000_000)
whole_money = st.integers(0, 5_000_000)
usd = decimals(2, 2_000)
frequency = decimals(6, 24) | st.sampled_from([Decimal("0.2"), Decimal(1), Decimal(12)])
population = st.integers(0, 2_000_000)
channel_lists = st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=3, unique=True)
dates = st.integers(0, (date(2026, 12, 31) - FIRST_DAY).days).map(
    lambda n: FIRST_DAY + timedelta(days=n)
)


@st.composite
def sourced(draw, value):
    """A figure as a bare number, ``{value, source, method}`` or disagreeing sources."""
    form = draw(st.sampled_from(["bare", "bare", "sourced", "sources"]))
    if form == "bare":
        return draw(value)
    if form == "sourced":
        method = draw(st.sampled_from(["statistics", "survey", "estimate", "default"]))
        return {"value": draw(value), "source": "Nguồn thử", "method": method}
    values = draw(st.lists(value, min_size=2, max_size=4))
    return {"values": values, "sources": [f"Nguồn {i}" for i in range(len(values))]}


@st.composite
def shares(draw):
    """Channel shares with four decimals that add up to exactly 1 (a share may be 0)."""
    chosen = draw(channel_lists)
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=len(chosen) - 1, max_size=2)))
    cuts = cuts[: len(chosen) - 1]
    bounds = [0, *cuts, 10_000]
    return {c: Decimal(bounds[i + 1] - bounds[i]).scaleb(-4) for i, c in enumerate(chosen)}


def _maybe(draw, key, strategy, odds=0.5):
    return {key: draw(strategy)} if draw(st.integers(0, 9)) < odds * 10 else {}


@st.composite
def fee(draw, name):
    currency = draw(st.sampled_from([None, "VND", "USD"]))
    amount = draw(usd if currency == "USD" else st.one_of(whole_money, money))
    return {
        "name": name,
        "amount": amount,
        **({"currency": currency} if currency else {}),
        **_maybe(draw, "channels", channel_lists, 0.4),
    }


@st.composite
def activity(draw, name, documents):
    return {
        "name": name,
        "hours": draw(sourced(hours)),
        **_maybe(draw, "people", st.integers(0, 5)),
        **_maybe(draw, "out_of_pocket", sourced(money)),
        **_maybe(draw, "channels", channel_lists, 0.4),
        **(
            {"document": draw(st.sampled_from(documents))}
            if documents and draw(st.booleans())
            else {}
        ),
    }


def _pick(draw, names, absent):
    """A name on the sheet, or (rarely, on purpose) one that is not: ``absent``."""
    if names:
        return draw(st.sampled_from(sorted(names)))
    return absent


@st.composite
def change(draw, state, serial):
    """One change of any type, against the names ``state`` has now (updated in place)."""
    needs = {"fees": ("set_fee", "remove_fee"), "activities": ("set_activity", "remove_activity")}
    needs["documents"] = ("remove_document", "replace_document_with_lookup")
    possible = [
        k
        for k in CHANGE_TYPES
        if not any(k in kinds and not state[w] for w, kinds in needs.items())
    ]
    # now and then a change that names nothing on the sheet, which must refuse the sheet
    kind = draw(st.sampled_from(possible if draw(st.integers(0, 29)) else CHANGE_TYPES))
    out: dict = {"type": kind, "reason": "Lý do thử"}
    if draw(st.booleans()):
        out["legal_change"] = "Sửa đổi văn bản thử"
    if kind == "set_frequency":
        out["value"] = draw(frequency)
    elif kind == "set_population":
        out["value"] = draw(population)
    elif kind == "set_channels":
        out["value"] = draw(shares())
    elif kind == "set_deadline":
        out["days"] = draw(decimals(2, 60))
        out |= _maybe(draw, "channel", st.sampled_from([*CHANNELS, "all"]))
    elif kind == "set_fee":
        out["name"] = _pick(draw, state["fees"], "Phí không có")
        out["currency"] = draw(st.sampled_from([None, "VND", "USD"]))
        out["amount"] = draw(usd if out["currency"] == "USD" else whole_money)
        if out["currency"] is None:
            del out["currency"]
        out |= _maybe(draw, "channels", channel_lists, 0.3)
    elif kind == "remove_fee":
        out["name"] = _pick(draw, state["fees"], "Phí không có")
        state["fees"].discard(out["name"])
    elif kind in ("remove_document", "replace_document_with_lookup"):
        out["document"] = _pick(draw, state["documents"], "Giấy không có")
        if kind == "replace_document_with_lookup" and draw(st.booleans()):
            out["database"] = draw(st.sampled_from(["CSDL quốc gia về dân cư", "CSDL đất đai"]))
        state["documents"].discard(out["document"])
        state["activities"] -= state["by_document"].pop(out["document"], set())
    elif kind == "set_activity":
        out["name"] = _pick(draw, state["activities"], "Hoạt động không có")
        fields = draw(
            st.lists(
                st.sampled_from(["hours", "people", "out_of_pocket", "channels"]),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        values = {"hours": hours, "people": st.integers(0, 5), "out_of_pocket": money}
        for key in fields:
            out[key] = draw(channel_lists if key == "channels" else values[key])
    elif kind == "remove_activity":
        out["name"] = _pick(draw, state["activities"], "Hoạt động không có")
        state["activities"].discard(out["name"])
    else:  # add_activity
        name = f"Hoạt động mới {serial}"
        if state["activities"] and not draw(st.integers(0, 39)):
            name = sorted(state["activities"])[0]  # a duplicate name, on purpose
        out |= {"name": name, "hours": draw(hours)}
        out |= _maybe(draw, "people", st.integers(0, 5))
        out |= _maybe(draw, "out_of_pocket", money)
        out |= _maybe(draw, "channels", channel_lists, 0.4)
        if state["documents"] and draw(st.booleans()):
            out["document"] = draw(st.sampled_from(sorted(state["documents"])))
            state["by_document"].setdefault(out["document"], set()).add(name)
        state["activities"].add(name)
    return out


def _state(sheet: dict) -> dict:
    by_document: dict[str, set[str]] = {}
    for a in sheet["activities"]:
        if "document" in a:
            by_document.setdefault(a["document"], set()).add(a["name"])
    return {
        "fees": {f["name"] for f in sheet["fees"]},
        "documents": {d["name"] for d in sheet["documents"]},
        "activities": {a["name"] for a in sheet["activities"]},
        "by_document": by_document,
    }


@st.composite
def sheets(draw):
    """One costing sheet (a plain mapping, as loaded from YAML) with 1–5 options."""
    documents = [f"Giấy tờ {i}" for i in range(draw(st.integers(0, 3)))]
    sheet: dict = {
        "procedure": {"code": "1.000001", "name": "Thủ tục ngẫu nhiên"},
        "date": draw(dates),
        "subject": draw(st.sampled_from(["citizen", "enterprise"])),
        # now and then unknown (no evidence): no yearly cost, only the cost of one execution
        "population": None if not draw(st.integers(0, 19)) else draw(sourced(population)),
        "frequency": draw(sourced(frequency)),
        "channels": draw(shares()),
        "documents": [{"name": d} for d in documents],
        "fees": [draw(fee(f"Phí {i}")) for i in range(draw(st.integers(0, 3)))],
        "activities": [
            draw(activity(f"Hoạt động {i}", documents)) for i in range(draw(st.integers(0, 5)))
        ],
    }
    rate = draw(st.sampled_from(["sheet", "sheet", "parameters", "shares"]))
    if rate == "sheet":
        sheet["hourly_rate"] = draw(sourced(decimals(2, 500_000)))
    elif rate == "shares":
        cut = draw(st.integers(0, 100))
        sheet["subject_shares"] = {
            "citizen": Decimal(cut).scaleb(-2),
            "enterprise": Decimal(100 - cut).scaleb(-2),
        }
    form = draw(st.sampled_from(["none", "one", "some"]))
    if form == "one":
        sheet["deadline_days"] = draw(decimals(2, 60))
    elif form == "some":
        sheet["deadline_days"] = {c: draw(decimals(2, 60)) for c in draw(channel_lists)}
    options = []
    for i in range(draw(st.integers(1, 5))):
        action = draw(st.sampled_from(["amend", "amend", "amend", "keep", "abolish"]))
        option: dict = {"id": f"pa-{i}", "action": action}
        if action == "amend":
            state = _state(sheet)
            option["changes"] = [
                draw(change(state, f"{i}.{j}")) for j in range(draw(st.integers(1, 6)))
            ]
        else:
            option["reason"] = "Lý do thử"
        options.append(option)
    sheet["options"] = options
    return sheet
