"""Calibration: estimated costs of typical procedures against the APCI survey's figures.

``../shared/data/benchmarks/apci.yaml`` gives, for eight groups of procedures, what one
execution cost a firm (APCI 2018). This script prices every real portal record
(``../shared/data/portal/procedures.jsonl.gz``, 2.039 procedures) with the estimator, as
the catalogue would without a reviewer's sheet, and per group prints the median
estimated cost of one execution, the published figure and their ratio (goal: within a
factor of three, 1/3 ≤ ratio ≤ 3).

Which records are a group's *typical procedures*: those in force whose field (lĩnh vực)
is one of the group's ``fields`` in ``apci.yaml`` and whose name matches the group's
:data:`TYPICAL` pattern when one is given (the APCI groups measured the procedures of a
firm's project: for construction, permits and design appraisals, not practice
certificates). ``licences`` has no field: its procedures are
the licences, practice certificates and certificates of eligibility of every field.
Each figure also states the estimate's hours and its money part (fees, consultants,
copies, fares). A published figure that excludes the firm's time (tax: :data:`TIME_EXCLUDED`)
is compared as its money plus its hours at the enterprise hourly rate, and its money part
alone is shown too (``ratio_money``). For land and customs, :data:`TYPICAL` follows what
the APCI reports say the group measured (see the comments there).

Usage: python bench/calibration.py [--json] [--date 2026-01-01]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
RECORDS = DATA / "portal" / "procedures.jsonl.gz"
APCI = DATA / "benchmarks" / "apci.yaml"

TYPICAL = {
    "construction": r"giấy phép xây dựng|thẩm định|thiết kế|nghiệm thu|dự án",
    "environment": r"tác động môi trường|giấy phép môi trường|giấy phép|thẩm định",
    "licences": r"^cấp (?:mới )?(?:giấy phép|chứng chỉ hành nghề|giấy chứng nhận đủ điều kiện)",
    # APCI's land group measured three procedures of a firm's land (APCI 2022, as reported
    # by en.sggp.org.vn, 22/06/2023, "Land-related procedures remain burdensome for
    # businesses"): first registration and certificate; registration of changes, transfer
    # and capital contribution in land-use rights; change of land-use purpose. Not
    # disputes, corrections, revocations, lost certificates, gifts to the State.
    "land": r"lần đầu|đăng ký biến động|nhận chuyển nhượng|góp vốn|chuyển nhượng dự án"
    r"|chuyển mục đích",
    # APCI's customs group is the clearance of a firm's exported and imported goods (the
    # VNACCS/VCIS declaration: vietnam-briefing.com, "Vietnam Releases the Administrative
    # Procedure Compliance Costs Index", 2018), not duty-free shops, portal accounts,
    # diplomats' cars or tax refunds.
    "customs": r"^thủ tục hải quan (?:đối với |cho )?(?:hàng h(?:óa|oá)|xuất khẩu|nhập khẩu)",
}
# Names that match a group's pattern but are not the procedure the group measured.
NOT_TYPICAL = {
    "land": r"tranh chấp|thu hồi|đính chính|^xóa|điều chỉnh quyết định|tặng cho",
}
# Groups whose published cost is the money firms paid *besides* their time, the time being
# published as hours: APCI 2018 reported tax at 73.750 đ and 2,9 hours (vietnamplus.vn,
# 17/08/2018), APCI 2020 at 11.600 đ and 3,8 hours (vietnamplus.vn, 17/03/2021), and the
# benchmark file notes that the money figure excludes the time. It cannot include it:
# construction's time was 7 % of 64,1 million đ for about 104 hours (≈ 43.000 đ/h,
# english.haiquanonline.com.vn), so 2,9 hours alone would be ≈ 125.000 đ. Like is compared
# with like: the published total is the money plus the published hours at the enterprise
# hourly rate of the parameters (the one the estimate uses for firms).
TIME_EXCLUDED = ("tax",)
# Hours published in the press but missing from the benchmark file (shown, not compared).
PRESS_HOURS = {
    # vietnam-briefing.com, "Vietnam Releases the Administrative Procedure Compliance Costs
    # Index" (APCI 2018): customs procedures cost 3,5 million đ and 12,1 working hours
    "customs": 12.1,
}


def _groups(apci: dict) -> dict[str, dict]:
    return apci["groups"]


def _member(group: str, spec: dict, record: dict) -> bool:
    name = (record.get("name") or "").lower()
    pattern = TYPICAL.get(group)
    if group == "licences":
        return bool(re.search(pattern, name))
    fields = set(spec.get("fields") or [])
    if record.get("field") not in fields:
        return False
    if group in NOT_TYPICAL and re.search(NOT_TYPICAL[group], name):
        return False
    return pattern is None or bool(re.search(pattern, name))


def _published_total(group: str, spec: dict, enterprise_rate: Decimal) -> tuple[int, str]:
    """The published cost of one execution, time included, and how it was formed."""
    if group in TIME_EXCLUDED and spec.get("hours"):
        time = Decimal(str(spec["hours"])) * enterprise_rate
        total = int((Decimal(spec["cost"]) + time).to_integral_value())
        how = f"{spec['cost']} đ + {spec['hours']} h × {enterprise_rate} đ/h (enterprise rate)"
        return total, how
    return int(spec["cost"]), "published cost (time included)"


def _priced(records: list[dict], on: date) -> list[tuple[dict, int, Decimal, Decimal]]:
    """(record, cost of one execution, hours, money part) of every record in force."""
    from analysis import estimate_sheet, evaluate_sheet, load_parameters
    from analysis.vocab import IN_FORCE_STATUSES

    params = load_parameters()
    out = []
    for record in records:
        if record.get("status") not in IN_FORCE_STATUSES:
            continue
        sheet = estimate_sheet(record, params, on=on)
        unit = evaluate_sheet(sheet).baseline.unit_cost
        hours = money = Decimal(0)
        for channel, share in sheet.channels.items():
            for a in sheet.activities:
                if a.applies_to(channel):
                    hours += share * a.hours.value * a.people.value
                    money += share * a.out_of_pocket.value
            for fee in sheet.fees:
                if fee.applies_to(channel):
                    money += share * sheet.fee_vnd(fee)
        out.append((record, unit, hours, money))
    return out


def calibrate(on: date) -> dict:
    """The calibration figures (see the module docstring) as a JSON-ready dict."""
    import yaml

    from catalogue.sources.portal import parse_portal_record

    with gzip.open(RECORDS, "rt", encoding="utf-8") as handle:
        records = [parse_portal_record(json.loads(line)) for line in handle if line.strip()]
    from analysis import load_parameters

    apci = yaml.safe_load(APCI.read_text(encoding="utf-8"))
    priced = _priced(records, on)
    enterprise_rate = load_parameters().value("hourly_income.enterprise", on)
    groups = {}
    for group, spec in _groups(apci).items():
        members = [p for p in priced if _member(group, spec, p[0])]
        if not members:
            groups[group] = {"procedures": 0, "estimate": None, "published": spec["cost"]}
            continue
        estimate = int(statistics.median(p[1] for p in members))
        published, how = _published_total(group, spec, enterprise_rate)
        money = int(statistics.median(p[3] for p in members))
        groups[group] = {
            "procedures": len(members),
            "estimate": estimate,
            "published": published,
            "published_basis": how,
            "ratio": round(estimate / published, 2),
            "within_factor_3": 1 / 3 <= estimate / published <= 3,
            "estimate_hours": round(float(statistics.median(p[2] for p in members)), 1),
            "published_hours": spec.get("hours") or PRESS_HOURS.get(group),
            "estimate_money": money,
        }
        if group in TIME_EXCLUDED:
            groups[group]["published_money"] = spec["cost"]
            groups[group]["ratio_money"] = round(money / spec["cost"], 2)
    return {
        "records": len(records),
        "in_force": len(priced),
        "date": on.isoformat(),
        "survey": apci.get("survey"),
        "groups": groups,
        "within_factor_3": sum(bool(g.get("within_factor_3")) for g in groups.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--date", default="2026-01-01", help="parameter date (YYYY-MM-DD)")
    args = parser.parse_args()
    result = calibrate(date.fromisoformat(args.date))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for group, figures in result["groups"].items():
        print(
            f"{group:24} n={figures['procedures']:4}  estimate={figures['estimate']}  "
            f"published={figures['published']}  ratio={figures.get('ratio')}"
        )


if __name__ == "__main__":
    main()
