"""The cost form (biểu tính chi phí tuân thủ) as Vietnamese tables, and back to a sheet.

A reviewer edits a procedure's costing sheet as five tables (PROCESS.md §3) instead of
YAML: activities, documents, fees, channels (shares in %, deadlines) and the population
and frequency, each figure with its source and method. Numbers are typed the Vietnamese
way (``0,5``, ``1.234.567``). :func:`sheet_from_tables` reads the tables back into sheet
data and refuses them whole, naming table, row and column in Vietnamese
(``Hoạt động, dòng 3, Số giờ: phải là số không âm``); the sheet is then checked by the
cost model and stored by :func:`catalogue.costing.burden.save_sheet`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from analysis.formatting import format_number
from analysis.vocab import CHANNEL_CODES
from catalogue.registry.errors import ServiceError

# Channel names in the tables (Vietnamese) ↔ the cost model's codes.
CHANNEL_VI = {"direct": "trực tiếp", "online": "trực tuyến", "postal": "bưu chính"}
_CHANNEL_CODE = {v: k for k, v in CHANNEL_VI.items()} | {k: k for k in CHANNEL_VI}
METHODS_VI = {
    "statistics": "thống kê",
    "survey": "khảo sát",
    "estimate": "ước tính",
    "default": "mặc định",
}
_METHOD_CODE = {v: k for k, v in METHODS_VI.items()} | {k: k for k in METHODS_VI}

# Table name → its columns (Vietnamese headers), in order.
TABLES: dict[str, tuple[str, ...]] = {
    "Hoạt động": (
        "Tên hoạt động",
        "Số giờ",
        "Số người",
        "Chi phí khác (đồng)",
        "Cách thức",
        "Thành phần hồ sơ",
    ),
    "Thành phần hồ sơ": ("Tên giấy tờ", "Số bản sao", "Số bản sao chứng thực"),
    "Phí, lệ phí": ("Tên khoản phí", "Số tiền", "Đơn vị tiền", "Cách thức"),
    "Cách thức thực hiện": ("Cách thức", "Tỷ lệ (%)", "Thời hạn (ngày làm việc)"),
    "Đối tượng, tần suất": ("Chỉ tiêu", "Giá trị", "Nguồn", "Phương pháp"),
}
POPULATION = "Số đối tượng/năm"
FREQUENCY = "Số lần thực hiện/đối tượng/năm"
HOURLY_RATE = "Thu nhập bình quân (đồng/giờ)"
_FIGURE_KEY = {POPULATION: "population", FREQUENCY: "frequency", HOURLY_RATE: "hourly_rate"}

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234.567 or 1.234,5
_PLAIN = re.compile(r"^\d+(,\d+)?$")  # 12 or 0,5


class CostFormError(ServiceError):
    """One value that cannot be read; ``message`` says why in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CostFormRefused(ServiceError):
    """The tables hold problems; ``problems`` lists each with table, row and column."""

    def __init__(self, problems: list[str]):
        super().__init__(
            "Biểu tính chi phí không hợp lệ, không có gì được lưu:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
        self.problems = problems


def parse_vn_number(value: Any) -> Decimal:
    """A number typed the Vietnamese way: ``.`` groups thousands, ``,`` marks decimals.

    >>> parse_vn_number("1.234.567"), parse_vn_number("0,5"), parse_vn_number(12)
    (Decimal('1234567'), Decimal('0.5'), Decimal('12'))
    >>> parse_vn_number("-2,5")
    Decimal('-2.5')
    """
    if isinstance(value, bool):
        raise CostFormError("phải là số (must be a number)")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell of a numeric column
            raise CostFormError("chưa nhập số (empty)")
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if not (_GROUPED.match(digits) or _PLAIN.match(digits)):
        raise CostFormError(
            f"'{value}' không phải số viết theo cách Việt Nam (ví dụ 1.234.567 hoặc 0,5)"
        )
    try:
        return sign * Decimal(digits.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude it
        raise CostFormError(f"'{value}' không phải số") from exc


def format_vn_number(value: Any) -> str:
    """A number as the tables show it (:func:`analysis.formatting.format_number`, 6 places).

    >>> format_vn_number(Decimal("1234567")), format_vn_number(Decimal("0.50"))
    ('1.234.567', '0,5')
    """
    return format_number(value, 6, strip=True)


def _figure_parts(raw: Any) -> tuple[Any, str, str]:
    if isinstance(raw, dict):
        method = raw.get("method") or ""
        return raw.get("value"), raw.get("source") or "", METHODS_VI.get(method, method)
    return raw, "", ""


def _cell(value: Any) -> str:
    return "" if value is None else format_vn_number(value)


def _channels_text(channels: Any) -> str:
    return ", ".join(CHANNEL_VI.get(c, c) for c in channels or [])


def tables_from_sheet(sheet: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The sheet data as the form's tables (numbers as Vietnamese text)."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in TABLES}
    for a in sheet.get("activities") or []:
        hours = _figure_parts(a.get("hours"))[0]
        rows["Hoạt động"].append([
            a["name"], _cell(hours), _cell(_figure_parts(a.get("people", 1))[0]),
            _cell(_figure_parts(a.get("out_of_pocket", 0))[0]), _channels_text(a.get("channels")),
            a.get("document") or "",
        ])  # fmt: skip
    for d in sheet.get("documents") or []:
        d = {"name": d} if isinstance(d, str) else d
        rows["Thành phần hồ sơ"].append(
            [d["name"], _cell(d.get("copies", 0)), _cell(d.get("certified_copies", 0))]
        )
    for f in sheet.get("fees") or []:
        rows["Phí, lệ phí"].append([
            f["name"], _cell(_figure_parts(f.get("amount"))[0]), f.get("currency", "VND"),
            _channels_text(f.get("channels")),
        ])  # fmt: skip
    shares = sheet.get("channels") or {}
    deadlines = sheet.get("deadline_days") or {}
    for code in CHANNEL_CODES:
        if code in shares or code in deadlines:
            share = shares.get(code)
            rows["Cách thức thực hiện"].append([
                CHANNEL_VI[code], "" if share is None else _cell(Decimal(str(share)) * 100),
                _cell(deadlines.get(code)),
            ])  # fmt: skip
    for label, key in _FIGURE_KEY.items():
        if key in sheet:
            value, source, method = _figure_parts(sheet[key])
            rows["Đối tượng, tần suất"].append([label, _cell(value), source, method])
    return {name: pd.DataFrame(rows[name], columns=list(cols)) for name, cols in TABLES.items()}


class _Reader:
    """Collects problems while reading cells; each names table, row (from 1) and column."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def where(self, table: str, row: int, column: str) -> str:
        return f"{table}, dòng {row + 1}, {column}"

    def text(self, table: str, row: int, column: str, value: Any, required: bool = True):
        text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        if required and not text.strip():
            self.problems.append(f"{self.where(table, row, column)}: chưa nhập (empty)")
        return text.strip() or None

    def number(self, table: str, row: int, column: str, value: Any, default: Any = None):
        """A number ≥ 0; ``default`` for an empty optional cell."""
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty or (isinstance(value, float) and value != value):
            if default is not None:
                return Decimal(default)
        try:
            number = parse_vn_number(value)
        except CostFormError as exc:
            message = "phải là số không âm" if empty else exc.message
            self.problems.append(f"{self.where(table, row, column)}: {message}")
            return None
        if number < 0:
            self.problems.append(f"{self.where(table, row, column)}: phải là số không âm")
            return None
        return number

    def channels(self, table: str, row: int, column: str, value: Any) -> list[str] | None:
        text = self.text(table, row, column, value, required=False)
        if text is None:
            return None
        out = []
        for part in (p.strip().lower() for p in text.split(",")):
            if part not in _CHANNEL_CODE:
                known = ", ".join(CHANNEL_VI.values())
                self.problems.append(
                    f"{self.where(table, row, column)}: cách thức '{part}' không hợp lệ ({known})"
                )
                continue
            out.append(_CHANNEL_CODE[part])
        return out


def _records(tables: dict[str, pd.DataFrame], name: str) -> list[dict[str, Any]]:
    frame = tables.get(name)
    if frame is None:
        return []
    frame = frame.dropna(how="all")
    return [
        r
        for r in frame.to_dict("records")
        if any(str(v).strip() for v in r.values() if v is not None)
    ]


def _whole(value: Decimal | None) -> int | Decimal | None:
    return int(value) if value is not None and value == value.to_integral_value() else value


def _read_rows(tables: dict[str, pd.DataFrame], r: _Reader) -> dict[str, Any]:
    """Activities, documents and fees, each row read cell by cell."""
    out: dict[str, Any] = {"activities": [], "documents": [], "fees": []}
    t = "Hoạt động"
    for i, row in enumerate(_records(tables, t)):
        item = {
            "name": r.text(t, i, "Tên hoạt động", row.get("Tên hoạt động")),
            "hours": _whole(r.number(t, i, "Số giờ", row.get("Số giờ"))),
            "people": _whole(r.number(t, i, "Số người", row.get("Số người"), default=1)),
            "out_of_pocket": _whole(
                r.number(t, i, "Chi phí khác (đồng)", row.get("Chi phí khác (đồng)"), default=0)
            ),
        }
        channels = r.channels(t, i, "Cách thức", row.get("Cách thức"))
        document = r.text(t, i, "Thành phần hồ sơ", row.get("Thành phần hồ sơ"), required=False)
        item.update({k: v for k, v in (("channels", channels), ("document", document)) if v})
        out["activities"].append(item)
    t = "Thành phần hồ sơ"
    for i, row in enumerate(_records(tables, t)):
        out["documents"].append({
            "name": r.text(t, i, "Tên giấy tờ", row.get("Tên giấy tờ")),
            "copies": _whole(r.number(t, i, "Số bản sao", row.get("Số bản sao"), default=0)),
            "certified_copies": _whole(r.number(
                t, i, "Số bản sao chứng thực", row.get("Số bản sao chứng thực"), default=0
            )),
        })  # fmt: skip
    t = "Phí, lệ phí"
    for i, row in enumerate(_records(tables, t)):
        currency = r.text(t, i, "Đơn vị tiền", row.get("Đơn vị tiền"), required=False) or "VND"
        if currency not in ("VND", "USD"):
            r.problems.append(f"{r.where(t, i, 'Đơn vị tiền')}: phải là VND hoặc USD")
        fee = {
            "name": r.text(t, i, "Tên khoản phí", row.get("Tên khoản phí")),
            "amount": _whole(r.number(t, i, "Số tiền", row.get("Số tiền"))),
            "currency": currency,
        }
        channels = r.channels(t, i, "Cách thức", row.get("Cách thức"))
        if channels:
            fee["channels"] = channels
        out["fees"].append(fee)
    return out


def _read_channels_and_figures(tables: dict[str, pd.DataFrame], r: _Reader) -> dict[str, Any]:
    out: dict[str, Any] = {}
    t = "Cách thức thực hiện"
    shares, deadlines = {}, {}
    for i, row in enumerate(_records(tables, t)):
        codes = r.channels(t, i, "Cách thức", row.get("Cách thức")) or []
        if len(codes) != 1:
            if not r.problems or "Cách thức" not in r.problems[-1]:
                r.problems.append(f"{r.where(t, i, 'Cách thức')}: cần đúng một cách thức")
            continue
        share = r.number(t, i, "Tỷ lệ (%)", row.get("Tỷ lệ (%)"))
        if share is not None and share > 100:
            r.problems.append(f"{r.where(t, i, 'Tỷ lệ (%)')}: không được lớn hơn 100")
        elif share is not None:
            shares[codes[0]] = _whole(share / 100)
        deadline = row.get("Thời hạn (ngày làm việc)")
        if deadline is not None and str(deadline).strip() and deadline == deadline:
            days = r.number(t, i, "Thời hạn (ngày làm việc)", deadline)
            if days is not None:
                deadlines[codes[0]] = _whole(days)
    if shares and sum(shares.values()) != 1:
        total = format_vn_number(sum(Decimal(str(v)) for v in shares.values()) * 100)
        r.problems.append(f"{t}, Tỷ lệ (%): tổng các tỷ lệ phải bằng 100 (đang là {total})")
    out["channels"], out["deadline_days"] = shares, deadlines
    t = "Đối tượng, tần suất"
    for i, row in enumerate(_records(tables, t)):
        label = r.text(t, i, "Chỉ tiêu", row.get("Chỉ tiêu"))
        if label not in _FIGURE_KEY:
            r.problems.append(
                f"{r.where(t, i, 'Chỉ tiêu')}: phải là một trong {', '.join(_FIGURE_KEY)}"
            )
            continue
        value = _whole(r.number(t, i, "Giá trị", row.get("Giá trị")))
        figure: dict[str, Any] = {"value": value}
        source = r.text(t, i, "Nguồn", row.get("Nguồn"), required=False)
        method = r.text(t, i, "Phương pháp", row.get("Phương pháp"), required=False)
        if method and method.lower() not in _METHOD_CODE:
            r.problems.append(
                f"{r.where(t, i, 'Phương pháp')}: phải là một trong "
                + ", ".join(METHODS_VI.values())
            )
        elif method:
            figure["method"] = _METHOD_CODE[method.lower()]
        if source:
            figure["source"] = source
        out[_FIGURE_KEY[label]] = figure
    for label, key in (("Số đối tượng/năm", "population"), (FREQUENCY, "frequency")):
        if key not in out:
            r.problems.append(f"{t}: thiếu dòng '{label}' (missing row)")
    return out


def sheet_from_tables(
    tables: dict[str, pd.DataFrame], *, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Sheet data from the form's tables; :class:`CostFormRefused` lists every problem.

    ``base`` supplies what the tables do not show (procedure, date, subject); the
    tables replace every figure they hold, and the sheet stops being an estimate.
    """
    r = _Reader()
    data = {k: v for k, v in (base or {}).items() if k in ("procedure", "date", "subject")}
    data.update(_read_rows(tables, r))
    data.update(_read_channels_and_figures(tables, r))
    if not data["deadline_days"]:
        data.pop("deadline_days")
    if r.problems:
        raise CostFormRefused(r.problems)
    return data


def still_estimated(data: dict[str, Any]) -> list[str]:
    """Which figures of the sheet are still estimates, as the form names them.

    >>> still_estimated({"population": {"value": 10, "method": "estimate"}, "frequency": 1})
    ['Số đối tượng/năm']
    """
    out = []
    for label, key in _FIGURE_KEY.items():
        raw = data.get(key)
        if isinstance(raw, dict) and raw.get("method") in ("estimate", "default"):
            out.append(label)
    return out


def save_cost_form(
    *,
    session: Any,
    actor: str,
    procedure_id: int,
    tables: dict[str, pd.DataFrame],
    base: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Any:
    """Read the tables (refused whole, naming table, row, column) and store the sheet."""
    from catalogue.costing.burden import save_sheet

    data = sheet_from_tables(tables, base=base)
    return save_sheet(
        session=session,
        actor=actor,
        procedure_id=procedure_id,
        content=data,
        expected_version=expected_version,
    )
