"""An estimated costing sheet derived from a procedure's registry record.

Every catalogued procedure without a reviewer's sheet gets one, so that whole-catalogue
totals exist from day one. The derivation (every figure marked ``default`` or
``estimate``, and the sheet marked ``estimated``):

* subject: ``enterprise`` when the subjects mention doanh nghiệp / tổ chức / hợp tác xã,
  else ``citizen``; hourly rate from the parameters;
* level: the first level of the record (default ``province``), picks travel time and fare;
* activities: learning the requirements; for each document, preparing it (filling a
  form when it has a template, else preparing a paper one holds), copying it
  (``copies``) and certifying copies (``certified_copies``); per channel, submitting:
  two trips (submit, collect the result) for ``direct``, postage both ways for
  ``postal``, an online submission for ``online``;
* channel shares: the online share of the latest yearly volume when known, else equal
  shares of the record's channels (``direct`` alone when it lists none);
* deadlines: working days per channel (calendar days × 5/7, hours ÷ 8, months × 22);
* fees: amounts of the record (USD converted at evaluation); a fee without an amount is
  left out (logged), a free one counts 0;
* population: ``volume`` if given, else the latest yearly number of dossiers received,
  else the ``default_population`` parameter; frequency ``default_frequency`` (1).

Documents that apply only in some cases (``case``) are all counted: an overestimate a
reviewer corrects by writing a sheet.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from analysis.model import CHANNEL_CODES, Activity, Document, Fee, Figure, Sheet
from analysis.parameters import ParameterSet
from analysis.vocab import LEVEL_CODES

__all__ = ["estimate_sheet"]

log = logging.getLogger(__name__)

_ENTERPRISE_WORDS = ("doanh nghiệp", "tổ chức", "hợp tác xã", "công ty", "enterprise")


def _subject(record: dict[str, Any]) -> str:
    text = " ".join(record.get("subjects") or []).lower()
    return "enterprise" if any(w in text for w in _ENTERPRISE_WORDS) else "citizen"


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

    def param(key: str, method: str = "default") -> Figure:
        found = params.get(key, on)
        return Figure(found.value, f"{key}: {found.source}", method)

    subject = _subject(record)
    levels = [lv for lv in record.get("levels") or [] if lv in LEVEL_CODES]
    level = levels[0] if levels else "province"
    channels = [c for c in record.get("channels") or [] if c.get("kind") in CHANNEL_CODES]
    kinds = list(dict.fromkeys(c["kind"] for c in channels))
    latest = _latest_volume(record)

    if volume is not None:
        population = Figure(Decimal(volume), "volume given by the caller", "estimate")
    elif latest is not None:
        source = f"số hồ sơ tiếp nhận năm {latest['year']} (tần suất 1: mỗi hồ sơ một đối tượng)"
        population = Figure(Decimal(latest["received"]), source, "estimate")
    else:
        population = param("default_population")

    docs = record.get("documents") or []
    doc_names = _unique_names(
        [str(d.get("name") or f"Giấy tờ {i + 1}") for i, d in enumerate(docs)]
    )
    documents, activities = (
        [],
        [Activity("Tìm hiểu yêu cầu TTHC", param("hours.learn_requirements"))],
    )
    zero = Figure(Decimal(0), None, "default")
    for raw, name in zip(docs, doc_names, strict=True):
        copies = int(raw.get("copies") or 0)
        certified = int(raw.get("certified_copies") or 0)
        documents.append(Document(name, copies, certified))
        kind = "fill_form" if raw.get("template") else "prepare_document"
        activities.append(
            Activity(f"Chuẩn bị: {name}", param(f"hours.{kind}"), document=name, kind=kind)
        )
        if copies:
            hours, price = param("hours.obtain_copy"), param("price.copy")
            activities.append(
                Activity(
                    f"Sao chụp: {name}",
                    Figure(hours.value * copies, hours.source, "estimate"),
                    out_of_pocket=Figure(price.value * copies, price.source, "estimate"),
                    document=name,
                    kind="obtain_copy",
                )
            )
        if certified:
            fee = param("fee.certify_copy")
            activities.append(
                Activity(
                    f"Chứng thực bản sao: {name}",
                    param("hours.certify_copy"),
                    out_of_pocket=Figure(fee.value * certified, fee.source, "estimate"),
                    document=name,
                    kind="certify_copy",
                )
            )
    if "direct" in kinds or not kinds:
        travel, fare = param(f"travel_hours.{level}"), param(f"fare.{level}")
        activities.append(
            Activity(
                "Đi lại, nộp hồ sơ và nhận kết quả (2 lượt)",
                Figure(travel.value * 2, travel.source, "estimate"),
                out_of_pocket=Figure(fare.value * 2, fare.source, "estimate"),
                channels=("direct",),
                kind="travel",
            )
        )
    if "postal" in kinds:
        postage = param("postage")
        activities.append(
            Activity(
                "Gửi hồ sơ và nhận kết quả qua bưu chính",
                param("hours.send_post"),
                out_of_pocket=Figure(postage.value * 2, postage.source, "estimate"),
                channels=("postal",),
                kind="postal",
            )
        )
    if "online" in kinds:
        activities.append(
            Activity(
                "Nộp hồ sơ trực tuyến",
                param("hours.submit_online"),
                out_of_pocket=zero,
                channels=("online",),
            )
        )

    merged: dict[tuple, list[str]] = {}
    for channel in channels:
        for fee in channel.get("fees") or []:
            if fee.get("free"):
                amount = Decimal(0)
            elif fee.get("amount") is None:
                log.info("procedure %s: fee without an amount left out: %s", code, fee.get("raw"))
                continue
            else:
                amount = Decimal(str(fee["amount"]))
            key = (fee.get("kind") or "unspecified", amount, fee.get("currency") or "VND")
            merged.setdefault(key, []).append(channel["kind"])
    fees = []
    labels = {"phi": "Phí", "le_phi": "Lệ phí", "unspecified": "Phí, lệ phí"}
    names = _unique_names([labels.get(k[0], "Phí, lệ phí") for k in merged])
    for ((_, amount, currency), fee_channels), name in zip(merged.items(), names, strict=True):
        applies = None if set(fee_channels) >= set(kinds) else tuple(dict.fromkeys(fee_channels))
        fees.append(
            Fee(name, Figure(amount, "số liệu trên hồ sơ TTHC", "default"), currency, applies)
        )

    deadlines = {
        c["kind"]: d for c in channels if (d := _working_days(c.get("deadline"))) is not None
    }
    usd = params.value("usd_rate", on) if any(f.currency == "USD" for f in fees) else Decimal(0)
    hourly = params.hourly_income(subject, on)
    return Sheet(
        code=record.get("code"),
        name=record.get("name"),
        date=on,
        subject=subject,
        hourly_rate=Figure(hourly.value, hourly.source, "default"),
        usd_rate=usd,
        population=population,
        frequency=param("default_frequency"),
        channels=_shares(kinds, latest),
        deadline_days=deadlines,
        documents=tuple(documents),
        fees=tuple(fees),
        activities=tuple(activities),
        estimated=True,
        parameters=params.label(on),
        source_file=f"<estimate {code}>",
    )
