"""An estimated costing sheet derived from a procedure's registry record.

Every catalogued procedure without a reviewer's sheet gets one, flagged ``estimated``,
with every figure marked ``default`` or ``estimate`` and its source. The derivation must
be defensible figure by figure:

* **population** is evidence or nothing: ``volume`` if the caller gives one, else the
  latest yearly number of dossiers received (one-stop statistics or an imported volume;
  frequency 1). Without either the population is *unknown*: the sheet keeps its cost of
  one execution, ``population_known`` is false and yearly totals leave it out;
* **who pays**: the subjects give the shares of citizens and enterprises
  (:func:`subject_shares`; "Tổ chức (không bao gồm doanh nghiệp, HTX)" is not an
  enterprise) and the hourly rate is the share-weighted one;
* **documents** are priced by kind (:mod:`analysis.document_kinds`): standard hours
  ``hours.document.<kind>``, copies (``price.copy``) and certified copies
  (``fee.certify_copy``) for their counts, a consultant line ``consultant.<kind>`` for
  technical dossiers; a document only shown at the counter (xuất trình) costs nothing.
  Documents of two or more different cases (``case``) are alternatives: the cases whose
  cost is at or below the mean of the cases are kept, each weighted 1/k (the low average,
  TT 02/2017 Điều 27); a single case is counted in full (an overestimate a reviewer
  corrects);
* **level**: the nearest of the record's levels (a procedure of ``Cấp bộ, Cấp tỉnh, Cấp
  xã`` is mostly done at the commune), default ``province``; a procedure filed under the
  commune whose agencies are all regional offices (a customs branch) is a trip to ``other``;
* **channels**: two trips (submit, collect) at the level's travel time and fare for
  ``direct``, postage both ways for ``postal``, an online submission for ``online``; a
  resubmission (``resubmission_share`` of dossiers: the fix, plus one more trip when
  direct); shares from the latest yearly online count, else equal;
* **deadlines** in working days (calendar days × 5/7, hours ÷ 8, months × 22); several
  rows of one channel give the low average;
* **fees** are read for what they say (:mod:`analysis.fee_reading`).

:data:`ESTIMATOR_VERSION` changes whenever this derivation does, so that cached results
of an older estimator are recomputed.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from analysis.document_kinds import TECHNICAL_KINDS, document_kind
from analysis.fee_reading import FeeReading, read_channel_fees
from analysis.model import CHANNEL_CODES, Activity, Document, Fee, Figure, Sheet
from analysis.parameters import ParameterSet
from analysis.sensitivity import low_average
from analysis.sheet import UNKNOWN_POPULATION, weighted_hourly_rate
from analysis.vocab import LEVEL_CODES

__all__ = ["ESTIMATOR_VERSION", "estimate_sheet", "subject_shares"]

log = logging.getLogger(__name__)

ESTIMATOR_VERSION = "2026-12-01.3"

# Levels from the nearest to the subject to the farthest ("other" agencies as a province).
_NEAREST_FIRST = ("commune", "district", "province", "other", "ministry")
# A regional office of a central agency: a customs branch (Chi cục Hải quan khu vực, Hải
# quan cửa khẩu: at ports, airports and border gates, one per several provinces) or any
# "… khu vực" office. The portal files their procedures under "Cấp xã", which names the
# tier, not where the subject goes: the trip is to an "other" agency, not to the commune.
_REGIONAL_AGENCY = re.compile(r"hải quan|\bkhu vực\b", re.IGNORECASE)
_LOCAL_AGENCY = re.compile(r"\bxã\b|\bphường\b|ủy ban nhân dân|\bubnd\b", re.IGNORECASE)

# Subjects, read after dropping "(không bao gồm …)"; enterprise words are tried first.
_EXCLUDED = re.compile(r"\((?:không bao gồm|trừ)[^)]*\)", re.IGNORECASE)
_ENTERPRISE = re.compile(
    r"doanh nghiệp|hợp tác xã|\bhtx\b|công ty|tổ chức kinh tế|nhà đầu tư|chủ đầu tư"
    r"|hộ kinh doanh|thương nhân|tổ hợp tác|enterprise",
    re.IGNORECASE,
)
# Organisations that are not businesses (tổ chức, cơ quan, đơn vị sự nghiệp, hội): their
# staff are priced at the average worker's income, the citizen rate.
_OTHER = re.compile(
    r"tổ chức|cơ quan|đơn vị|hội\b|công dân|người|cá nhân|hộ gia đình|cán bộ|công chức"
    r"|viên chức|đảng viên|trẻ em|học sinh|sinh viên|thương binh|citizen",
    re.IGNORECASE,
)


def subject_shares(subjects: list[str] | None) -> dict[str, Decimal]:
    """Shares of citizens and enterprises among the recognised subjects (4 decimals).

    Each recognised subject counts once; non-business organisations count with the
    citizens (see above). No recognised subject: all citizens.

    >>> subject_shares(["Công dân Việt Nam", "Tổ chức (không bao gồm doanh nghiệp, HTX)"])
    {'citizen': Decimal('1'), 'enterprise': Decimal('0')}
    >>> subject_shares(["Công dân Việt Nam", "Doanh nghiệp", "Hợp tác xã"])
    {'citizen': Decimal('0.3333'), 'enterprise': Decimal('0.6667')}
    """
    enterprise = citizen = 0
    for subject in subjects or []:
        text = _EXCLUDED.sub("", subject)
        if _ENTERPRISE.search(text):
            enterprise += 1
        elif _OTHER.search(text):
            citizen += 1
    if enterprise + citizen == 0:
        return {"citizen": Decimal(1), "enterprise": Decimal(0)}
    share = (Decimal(enterprise) / (enterprise + citizen)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    return {"citizen": 1 - share, "enterprise": share}


def _q(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _working_days(deadline: dict[str, Any] | None) -> Decimal | None:
    if not deadline or deadline.get("value") is None:
        return None
    value = Decimal(str(deadline["value"]))
    unit = deadline.get("unit")
    if unit == "working_days":
        return _q(value, 2)
    if unit == "days":
        return _q(value * 5 / 7, 2)
    if unit == "hours":
        return _q(value / 8, 2)
    if unit == "months":
        return _q(value * 22, 2)
    return None


def _latest_volume(record: dict[str, Any]) -> dict[str, Any] | None:
    volumes = [v for v in record.get("volumes") or [] if v.get("received") is not None]
    return max(volumes, key=lambda v: v["year"]) if volumes else None


def _shares(kinds: list[str], volume: dict[str, Any] | None) -> dict[str, Decimal]:
    if not kinds:
        return {"direct": Decimal(1)}
    if volume and "online" in kinds and volume.get("online") is not None and volume["received"]:
        online = min(_q(Decimal(volume["online"]) / Decimal(volume["received"]), 4), Decimal(1))
        others = [k for k in kinds if k != "online"]
        if not others:
            return {"online": Decimal(1)}
        return _split(others, 1 - online) | {"online": online}
    return _split(kinds, Decimal(1))


def _split(kinds: list[str], total: Decimal) -> dict[str, Decimal]:
    """``total`` split equally at 4 decimals, the remainder on the first channel."""
    each = (total / len(kinds)).quantize(Decimal("0.0001"), rounding="ROUND_DOWN")
    shares = dict.fromkeys(kinds, each)
    shares[kinds[0]] += total - each * len(kinds)
    return shares


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


class _Params:
    """Parameter figures at one date, each with its key and source."""

    def __init__(self, params: ParameterSet, on: date):
        self.params, self.on = params, on

    def __call__(self, key: str, method: str = "estimate", times: Decimal | int = 1) -> Figure:
        found = self.params.get(key, self.on)
        source = f"{key}: {found.source}"
        if times != 1:
            source = f"{times} × {source}"
        return Figure(found.value * Decimal(times), source, method)


def _travel_level(record: dict[str, Any]) -> str:
    """The level whose trip prices a direct submission.

    Done at several levels, a procedure is mostly done at the nearest one (default
    ``province``); but when that is the commune or district and the executing agencies
    name a regional office (:data:`_REGIONAL_AGENCY`) and no commune body, the trip is to
    ``other``.

    >>> _travel_level({"levels": ["commune"], "agency": "Chi cục Hải quan khu vực"})
    'other'
    >>> _travel_level({"levels": ["province", "commune"], "agency": "UBND cấp xã"})
    'commune'
    """
    levels = [lv for lv in record.get("levels") or [] if lv in LEVEL_CODES]
    level = min(levels, key=_NEAREST_FIRST.index) if levels else "province"
    agency = record.get("agency") or ""
    if level in ("commune", "district") and _REGIONAL_AGENCY.search(agency):
        if not _LOCAL_AGENCY.search(agency):
            return "other"
    return level


def _population(
    record: dict[str, Any], volume: int | None, latest: dict[str, Any] | None
) -> tuple[Figure, bool]:
    if volume is not None:
        return Figure(Decimal(volume), "volume given by the caller", "estimate"), True
    if latest is not None:
        source = f"số hồ sơ tiếp nhận năm {latest['year']} (tần suất 1: mỗi hồ sơ một đối tượng)"
        return Figure(Decimal(latest["received"]), source, "estimate"), True
    return Figure(Decimal(0), UNKNOWN_POPULATION, None), False


def _document_activities(
    raw: dict[str, Any], name: str, param: _Params, weight: Decimal, note: str
) -> list[Activity]:
    """The activities of preparing one document (weighted for alternative cases)."""
    kind = document_kind(raw.get("name"), template=bool(raw.get("template")))
    if kind == "shown":
        return []  # shown at the counter (xuất trình): nothing to prepare

    def scaled(figure: Figure, places: int) -> Figure:
        if weight == 1:
            return figure
        return Figure(_q(figure.value * weight, places), f"{note}{figure.source}", figure.method)

    copies = int(raw.get("copies") or 0)
    certified = int(raw.get("certified_copies") or 0)
    out = [
        Activity(
            f"Chuẩn bị: {name}",
            scaled(param(f"hours.document.{kind}"), 3),
            out_of_pocket=scaled(param("price.copy", times=copies), 2)
            if copies
            else Figure(Decimal(0), None, "default"),
            document=name,
            kind=kind,
        )
    ]
    if certified:
        out.append(
            Activity(
                f"Chứng thực bản sao: {name}",
                scaled(param("hours.document.certified_copy"), 3),
                out_of_pocket=scaled(param("fee.certify_copy", times=certified), 2),
                document=name,
                kind="certify_copy",
            )
        )
    if kind in TECHNICAL_KINDS:
        out.append(
            Activity(
                f"Thuê tư vấn, dịch vụ: {name}",
                Figure(Decimal(0), None, "default"),
                out_of_pocket=scaled(param(f"consultant.{kind}"), 2),
                document=name,
                kind="consultant",
            )
        )
    return out


def _case_weights(
    docs: list[dict[str, Any]], names: list[str], param: _Params
) -> dict[str, Decimal]:
    """Weight of each document: 1 without a case; for 2+ cases, 1/k on the k cheap cases."""
    cases: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        if doc.get("case"):
            cases.setdefault(doc["case"], []).append(i)
    weights = dict.fromkeys(names, Decimal(1))
    if len(cases) < 2:
        return weights
    rate = Decimal(50000)  # only to rank the cases: time and money on one scale

    def cost(i: int) -> Decimal:
        return sum(
            (a.hours.value * rate + a.out_of_pocket.value
             for a in _document_activities(docs[i], names[i], param, Decimal(1), "")),
            Decimal(0),
        )  # fmt: skip

    totals = {case: sum((cost(i) for i in items), Decimal(0)) for case, items in cases.items()}
    mean = sum(totals.values()) / len(totals)
    kept = [case for case, total in totals.items() if total <= mean]
    for case, items in cases.items():
        for i in items:
            weights[names[i]] = Decimal(1) / len(kept) if case in kept else Decimal(0)
    return weights


def _channel_activities(kinds: list[str], level: str, param: _Params) -> list[Activity]:
    out = []
    share = param("resubmission_share").value
    fix = param("hours.resubmission_fix")
    if "direct" in kinds or not kinds:
        travel, fare = param(f"travel_hours.{level}"), param(f"fare.{level}")
        out.append(
            Activity(
                "Đi lại, nộp hồ sơ và nhận kết quả (2 lượt)",
                Figure(travel.value * 2, travel.source, "estimate"),
                out_of_pocket=Figure(fare.value * 2, fare.source, "estimate"),
                channels=("direct",),
                kind="travel",
            )
        )
        out.append(
            Activity(
                f"Bổ sung hồ sơ ({share} hồ sơ: sửa đổi và thêm 1 lượt đi lại)",
                Figure(
                    _q(share * (fix.value + travel.value), 3),
                    f"resubmission_share × (hours.resubmission_fix + travel_hours.{level})",
                    "estimate",
                ),
                out_of_pocket=Figure(
                    _q(share * fare.value, 2), f"resubmission_share × fare.{level}", "estimate"
                ),
                channels=("direct",),
                kind="resubmission",
            )
        )  # fmt: skip
    if "postal" in kinds:
        postage = param("postage")
        out.append(
            Activity(
                "Gửi hồ sơ và nhận kết quả qua bưu chính",
                param("hours.send_post"),
                out_of_pocket=Figure(postage.value * 2, postage.source, "estimate"),
                channels=("postal",),
                kind="postal",
            )
        )
    others = tuple(k for k in ("online", "postal") if k in kinds)
    if others:
        out.append(
            Activity(
                f"Bổ sung hồ sơ ({share} hồ sơ: sửa đổi, gửi lại)",
                Figure(_q(share * fix.value, 3), "resubmission_share × hours.resubmission_fix",
                       "estimate"),
                channels=others,
                kind="resubmission",
            )
        )  # fmt: skip
    if "online" in kinds:
        out.append(
            Activity(
                "Nộp hồ sơ trực tuyến",
                param("hours.submit_online"),
                out_of_pocket=Figure(Decimal(0), None, "default"),
                channels=("online",),
                kind="online",
            )
        )
    return out


_LABELS = {"phi": "Phí", "le_phi": "Lệ phí", "unspecified": "Phí, lệ phí", "cases": "Phí, lệ phí"}


def _fees(
    channels: list[dict[str, Any]], kinds: list[str], record: dict[str, Any], params, on: date
) -> tuple[Fee, ...]:
    """One fee per kind read on each channel; identical readings on several channels merged."""
    merged: dict[tuple, tuple[FeeReading, list[str]]] = {}
    flags = record.get("flags") or []
    for kind in kinds:
        rows = [c for c in channels if c["kind"] == kind]
        for reading in read_channel_fees(rows, flags, params, on):
            for text in reading.left_out:
                log.info("procedure %s: fee left out: %s", record.get("code"), text)
            key = (reading.kind, reading.amount, reading.currency, reading.rule)
            merged.setdefault(key, (reading, []))[1].append(kind)
    names = _unique_names([_LABELS[r.kind] for r, _ in merged.values()])
    fees = []
    for (reading, fee_channels), name in zip(merged.values(), names, strict=True):
        applies = None if set(fee_channels) >= set(kinds) else tuple(fee_channels)
        rule = reading.rule
        if reading.left_out:
            rule += "; không tính: " + "; ".join(reading.left_out)
        figure = Figure(reading.amount, f"hồ sơ TTHC: {reading.rule}", "default")
        fees.append(Fee(name, figure, reading.currency, applies, reading.alternatives, rule))
    return tuple(fees)


def _deadlines(channels: list[dict[str, Any]], kinds: list[str]) -> dict[str, Decimal]:
    """Working days per channel; several rows of one channel give their low average."""
    out = {}
    for kind in kinds:
        days = [d for c in channels if c["kind"] == kind if (d := _working_days(c.get("deadline")))]
        if days:
            out[kind] = _q(low_average(days), 2)
    return out


def estimate_sheet(
    record: dict[str, Any],
    params: ParameterSet,
    *,
    volume: int | None = None,
    on: date | None = None,
) -> Sheet:
    """An estimated baseline sheet for a procedure record (see the module docstring).

    ``record`` is the canonical dict of :mod:`catalogue.registry.records`; ``on`` is the
    parameter date (default today).
    """
    on = on or date.today()
    code = record.get("code") or "?"
    param = _Params(params, on)
    level = _travel_level(record)
    channels = [c for c in record.get("channels") or [] if c.get("kind") in CHANNEL_CODES]
    kinds = list(dict.fromkeys(c["kind"] for c in channels))
    latest = _latest_volume(record)
    population, known = _population(record, volume, latest)

    docs = record.get("documents") or []
    names = _unique_names([str(d.get("name") or f"Giấy tờ {i + 1}") for i, d in enumerate(docs)])
    weights = _case_weights(docs, names, param)
    documents = []
    activities = [
        Activity("Tìm hiểu yêu cầu TTHC", param("hours.learn_requirements"), kind="learn")
    ]
    for raw, name in zip(docs, names, strict=True):
        copies = int(raw.get("copies") or 0)
        certified = int(raw.get("certified_copies") or 0)
        documents.append(Document(name, copies, certified))
        weight = weights[name]
        if weight:
            note = (
                "" if weight == 1 else f"trường hợp '{raw.get('case')}', trọng số {_q(weight, 4)}: "
            )
            activities += _document_activities(raw, name, param, weight, note)

    activities += _channel_activities(kinds, level, param)
    shares = subject_shares(record.get("subjects"))
    subject = "enterprise" if shares["enterprise"] > Decimal("0.5") else "citizen"
    return Sheet(
        code=record.get("code"),
        name=record.get("name"),
        date=on,
        subject=subject,
        hourly_rate=weighted_hourly_rate(params, shares, on),
        usd_rate=params.value("usd_rate", on),
        population=population,
        frequency=param("default_frequency", "default"),
        channels=_shares(kinds, latest),
        deadline_days=_deadlines(channels, kinds),
        documents=tuple(documents),
        fees=_fees(channels, kinds, record, params, on),
        activities=tuple(activities),
        estimated=True,
        parameters=params.label(on),
        source_file=f"<estimate {code}>",
        population_known=known,
        subject_shares=shares,
    )
