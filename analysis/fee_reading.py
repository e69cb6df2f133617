"""Reading a procedure's fee rows for what they say, for an estimated costing sheet.

The portal lists a channel's fees as rows of text; summing them is wrong whenever they are
cases rather than parts (TT 02/2017/TT-VPCP, Điều 27: where figures differ, take the low
average). The rules, per channel row (a "Trực tiếp" row; a record may have several rows of
the same channel for different cases):

* a fee without an amount, or flagged ``fee_amount_suspect`` at import, is left out until
  a reviewer confirms it (named in ``left_out``);
* fees of different kinds (phí, lệ phí) are both paid and add up; fees of one kind are
  alternatives (by case, entry type, subject) unless a fee is a *tier* ("từ trang thứ ba
  trở lên …"), a *cap* ("tối đa …", "không quá …") or a *reduction* for some subjects
  ("giảm …", "đối với sinh viên …"): a tier prices the units past its threshold, a cap
  bounds the total, a reduction is not added to the normal fee (it is used only when it
  is the row's only fee);
* tiers and caps written in the row's description (``2.000 đồng/trang; từ trang thứ 3
  trở lên thu 1.000 đồng/trang, tối đa … 200.000 đồng/bản``) are read the same way;
* a per-unit fee is multiplied by the typical quantity of its unit from the parameters
  (``typical_quantity.page`` for ``/trang``); per-execution units (``/lần``, ``/hồ sơ``,
  ``/bản`` …) count once; a unit with no typical quantity (``/tấn``) is left out;
* the alternatives of one kind give their low average
  (:func:`analysis.sensitivity.low_average`), each listed;
* amounts in USD are converted at the dated ``usd_rate``;
* "Miễn phí" with a note that the provincial council (HĐND) sets the fee, or that it is
  set under the Law on fees and charges ("Theo quy định của Luật phí và lệ phí …", most
  land records), counts 0 đ and says so: the amount is not on the record;
* several rows of the same channel are alternatives too: their totals give the low
  average.

Every reading states its computation in Vietnamese (``2 trang × 2.000 đ = 4.000 đ``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from analysis.formatting import format_number
from analysis.parameters import ParameterSet
from analysis.sensitivity import low_average

__all__ = ["FeeReading", "read_channel_fees"]

# a cap names an amount ("tối đa không quá 200.000 đồng/bản"), not a duration ("không quá 90 ngày")
_CAP = re.compile(
    r"(?:tối đa|không quá|cao nhất)[^\d;]{0,20}\d[\d.,]*\s*(?:đồng|đ\b|vnđ|usd)", re.IGNORECASE
)
_TIER = re.compile(r"(?:từ|kể từ) (?:trang|bản|lần|tờ) thứ (\w+)|trở lên|tiếp theo", re.I)
_REDUCTION = re.compile(
    r"giảm|ưu đãi|đối với (?:học sinh|sinh viên|người có công|thân nhân|người khuyết tật"
    r"|hộ nghèo|người cao tuổi|trẻ em|đồng bào)",
    re.IGNORECASE,
)
_BY_COUNCIL = re.compile(r"Hội đồng nhân dân|HĐND", re.IGNORECASE)
# "Miễn phí (Theo quy định của Luật phí và lệ phí …)": a fee exists, set by other documents
_BY_FEE_LAW = re.compile(r"luật phí và lệ phí", re.IGNORECASE)
_ORDINALS = {"hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6}
_PAGE_UNITS = ("/trang", "/tờ")
# Units that mean one payment per execution (per dossier, case, copy, person…).
_PER_EXECUTION = (
    "/lần", "/1 lần", "/hồ sơ", "/bộ", "/bản", "/trường hợp", "/giao dịch", "/văn bản",
    "/giấy", "/chiếc", "/người", "/di chúc", "/hợp đồng", "/giấy phép", "/chứng chỉ",
    "/thẻ", "/việc", "/yêu cầu", "/đơn", "/quyển", "/sổ", "/cuốn", "/lượt",
)  # fmt: skip
_DESC_TIER = re.compile(
    r"từ trang thứ (\w+) trở lên (?:thu )?(\d[\d.,]*)\s*(?:đồng|đ)\s*/\s*trang", re.IGNORECASE
)
_DESC_CAP = re.compile(r"(?:tối đa|không quá)[^\d;]{0,20}(\d[\d.,]*)\s*(?:đồng|đ)\b", re.I)


def _vnd(value: Decimal) -> str:
    return format_number(value, 2 if value != value.to_integral_value() else 0) + " đ"


def _amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[.,]", "", text))


def _q2(value: Decimal) -> Decimal:
    """Half-up to hào (2 decimals); whole đồng written without decimals."""
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


@dataclass(frozen=True)
class FeeReading:
    """The fee one channel kind takes in an estimate, and how it was read.

    ``amount`` is in ``currency`` (USD kept only for a single plain USD fee, so that the
    sheet converts it at its dated rate); ``amount_vnd`` is always in đồng.
    """

    kind: str  # phi, le_phi, unspecified, or "cases" for alternative rows
    amount: Decimal
    currency: str
    amount_vnd: Decimal
    alternatives: tuple[str, ...]
    rule: str
    left_out: tuple[str, ...] = ()


def _role(fee: dict[str, Any]) -> str:
    raw = fee.get("raw") or ""
    if _CAP.search(raw):
        return "cap"
    if _TIER.search(raw):
        return "tier"
    if _REDUCTION.search(raw):
        return "reduction"
    return "base"


def _threshold(raw: str) -> int:
    """The first unit a tier applies to (``từ trang thứ ba`` → 3; default 3)."""
    match = re.search(r"thứ (\w+)", raw)
    if match is None:
        return 3
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _ORDINALS.get(word, 3)


class _Reader:
    """Converts and describes amounts at one date (the USD rate and typical quantities)."""

    def __init__(self, params: ParameterSet, on: date):
        self.params, self.on = params, on

    def vnd(self, amount: Decimal, currency: str) -> tuple[Decimal, str]:
        if currency != "USD":
            return amount, _vnd(amount)
        rate = self.params.value("usd_rate", self.on)
        value = amount * rate
        return value, f"{format_number(amount, 2, strip=True)} USD × {_vnd(rate)} = {_vnd(value)}"

    def quantity(self, unit: str | None) -> tuple[Decimal, str] | None:
        """Units per execution and its wording, or None when the unit has no typical value."""
        unit = (unit or "").strip().lower()
        if not unit or unit.startswith(_PER_EXECUTION):
            return Decimal(1), ""
        if unit.startswith(_PAGE_UNITS):
            return self.params.value("typical_quantity.page", self.on), "trang"
        return None


def _kind_total(
    reader: _Reader, fees: list[dict[str, Any]], description: str, left_out: list[str]
) -> tuple[Decimal, list[str], str] | None:
    """One kind's fees on one row: (đồng, alternatives, rule) or None if nothing is left."""
    roles = [(fee, _role(fee)) for fee in fees]
    base = [f for f, r in roles if r == "base"]
    reductions = [f for f, r in roles if r == "reduction"]
    if not base and reductions:
        base, reductions = reductions, []
    for fee in reductions:
        left_out.append(f"{fee.get('raw')}: mức giảm cho một số đối tượng, không cộng")
    if not base:
        return None
    tiers = [f for f, r in roles if r == "tier"]
    caps = [f for f, r in roles if r == "cap"]
    values, texts, notes = [], [], []
    for fee in base:
        got = _one_base(reader, fee, tiers if len(base) == 1 else [], caps, description)
        if got is None:
            left_out.append(
                f"{fee.get('raw')}: đơn vị {fee.get('unit')} chưa có số lượng điển hình"
            )
            continue
        value, text = got
        values.append(value)
        texts.append(f"{fee.get('raw') or ''}: {text}".strip(": "))
        notes.append(text)
    if not values:
        return None
    if len(values) == 1:
        return values[0], [], notes[0]
    chosen = _q2(low_average(values))
    listed = ", ".join(_vnd(v) for v in values)
    rule = f"bình quân thấp của {len(values)} trường hợp ({listed}) = {_vnd(chosen)}"
    return chosen, texts, rule


def _one_base(
    reader: _Reader,
    fee: dict[str, Any],
    tiers: list[dict[str, Any]],
    caps: list[dict[str, Any]],
    description: str,
) -> tuple[Decimal, str] | None:
    """One execution's amount of a base fee with its tiers and cap, and the computation."""
    quantity = reader.quantity(fee.get("unit"))
    if quantity is None:
        return None
    count, unit_word = quantity
    rate = Decimal(str(fee["amount"])) if not fee.get("free") else Decimal(0)
    currency = fee.get("currency") or "VND"
    if fee.get("free"):
        if _BY_COUNCIL.search(f"{fee.get('raw') or ''} {description}"):
            return Decimal(0), "mức phí do HĐND cấp tỉnh quy định, chưa có trên hồ sơ: tính 0 đ"
        if _BY_FEE_LAW.search(f"{fee.get('raw') or ''} {description}"):
            return Decimal(0), (
                "mức phí theo Luật Phí và lệ phí và văn bản hướng dẫn, chưa có trên hồ sơ: tính 0 đ"
            )
        return Decimal(0), "miễn phí"
    tier_rate = tier_from = None
    if tiers:
        tier_rate, tier_from = Decimal(str(tiers[0]["amount"])), _threshold(tiers[0]["raw"] or "")
    elif unit_word and (found := _DESC_TIER.search(description)):
        tier_from = int(found.group(1)) if found.group(1).isdigit() else _threshold(found.group(0))
        tier_rate = _amount(found.group(2))
    cap = None
    if caps:
        cap = Decimal(str(caps[0]["amount"]))
    elif unit_word and (found := _DESC_CAP.search(description)):
        cap = _amount(found.group(1))
    if not unit_word:
        value, text = reader.vnd(rate, currency)
        return value, text
    first = count if tier_rate is None else min(count, Decimal(tier_from - 1))
    rest = count - first
    value, _ = reader.vnd(rate * first + (tier_rate or 0) * rest, currency)
    text = f"{format_number(first, 0)} {unit_word} × {_vnd(rate)}"
    if rest > 0:
        text += f" + {format_number(rest, 0)} {unit_word} × {_vnd(tier_rate)}"
    if tier_rate is not None and rest <= 0:
        text += f" (từ {unit_word} thứ {tier_from}: {_vnd(tier_rate)}/{unit_word}, không áp dụng)"
    if cap is not None and value > cap:
        text += f", tối đa {_vnd(cap)}"
        value = cap
    elif cap is not None:
        text += f" (tối đa {_vnd(cap)}, chưa đạt)"
    return value, f"{text} = {_vnd(value)}"


def _suspect_raws(flags: list[dict[str, Any]]) -> set[str]:
    return {f.get("raw") for f in flags if f.get("kind") == "fee_amount_suspect" and f.get("raw")}


def _row_reading(
    reader: _Reader, row: dict[str, Any], suspects: set[str]
) -> tuple[dict[str, tuple[Decimal, list[str], str]], list[str], list[dict[str, Any]]]:
    """Per fee kind, one row's total; what was left out; the fees read (for currency)."""
    left_out: list[str] = []
    usable = []
    for fee in row.get("fees") or []:
        if fee.get("free"):
            usable.append(fee)
        elif fee.get("amount") is None:
            left_out.append(f"{fee.get('raw')}: không có số tiền")
        elif fee.get("raw") in suspects:
            left_out.append(f"{fee.get('raw')}: số tiền đáng ngờ, chờ xác nhận")
        else:
            usable.append(fee)
    kinds: dict[str, list[dict[str, Any]]] = {}
    for fee in usable:
        kinds.setdefault(fee.get("kind") or "unspecified", []).append(fee)
    description = row.get("description") or ""
    totals = {}
    for kind, fees in kinds.items():
        got = _kind_total(reader, fees, description, left_out)
        if got is not None:
            totals[kind] = got
    return totals, left_out, usable


def read_channel_fees(
    rows: list[dict[str, Any]], flags: list[dict[str, Any]], params: ParameterSet, on: date
) -> list[FeeReading]:
    """The fees one channel kind takes, from all its rows (see the module docstring)."""
    reader = _Reader(params, on)
    suspects = _suspect_raws(flags)
    per_row = [_row_reading(reader, row, suspects) for row in rows]
    left_out = tuple(text for _, out, _ in per_row for text in out)
    read = [(totals, usable) for totals, _, usable in per_row if totals]
    if not read:
        return []
    if len(read) == 1:
        totals, usable = read[0]
        out = []
        for kind, (value, alternatives, rule) in totals.items():
            plain_usd = [f for f in usable if (f.get("kind") or "unspecified") == kind]
            if (
                len(plain_usd) == 1
                and plain_usd[0].get("currency") == "USD"
                and reader.quantity(plain_usd[0].get("unit")) == (Decimal(1), "")
            ):
                amount, currency = Decimal(str(plain_usd[0]["amount"])), "USD"
            else:
                amount, currency = _q2(value), "VND"
            out.append(
                FeeReading(kind, amount, currency, _q2(value), tuple(alternatives), rule, left_out)
            )
        return out
    row_totals = [sum(v for v, _, _ in totals.values()) for totals, _ in read]
    texts = tuple(
        "; ".join(rule for _, _, rule in totals.values()) + f" → {_vnd(_q2(total))}"
        for (totals, _), total in zip(read, row_totals, strict=True)
    )
    chosen = _q2(low_average(row_totals))
    listed = ", ".join(_vnd(_q2(t)) for t in row_totals)
    rule = f"bình quân thấp của {len(row_totals)} dòng theo trường hợp ({listed}) = {_vnd(chosen)}"
    return [FeeReading("cases", chosen, "VND", chosen, texts, rule, left_out)]
