"""Fee cells of the national portal's channel rows (pure functions, no I/O).

A fee cell is ``Miễn phí``, ``Không có thông tin`` or one or more amounts with a currency
(``70,000 Việt Nam Đồng``, ``10 USD(/lần)``, ``15000000/lần Đồng``), each optionally
followed by a note in parentheses; the rest of the row is the channel's description.
:func:`parse_fee_cell` keeps every amount as written with its unit and raw text, and
flags what the surrounding text contradicts (``free_but_amount_stated``,
``fee_amount_suspect``: an amount below 1.000 đ, usually thousands written without
their zeros). What the amounts *mean* for one execution (alternatives, tiers, caps,
per-unit fees, reductions) is read by the cost model, :mod:`analysis.fee_reading`, from
these rows and their raw text, so that a stored catalogue needs no re-import when that
reading improves.
"""

from __future__ import annotations

import re
from typing import Any

Flag = dict[str, Any]

NO_INFO = "Không có thông tin"


def flag(kind: str, field: str, message: str, raw: str | None) -> Flag:
    """One flag: what could not be parsed, where, and the raw text kept."""
    return {"kind": kind, "field": field, "message": message, "raw": raw}


# ---------------------------------------------------------------- amounts

_CURRENCY_WORDS = r"Việt Nam Đồng|VNĐ|VND|USD|đồng|Đồng"
# An amount, an optional unit glued before the currency ("15000000/lần Đồng"), a currency.
_FEE_RE = re.compile(
    rf"(?P<sign>-\s*)?(?P<amount>\d[\d.,]*)\s*"
    rf"(?P<unit>/[^\s\d()/]+(?: (?!{_CURRENCY_WORDS})[^\s\d()/]+)?)?\s*"
    rf"(?P<currency>{_CURRENCY_WORDS})"
)
_FEE_START = re.compile(rf"Miễn phí|{NO_INFO}|-?\s*\d[\d.,]*\s*(?:/\S+\s*)?(?:{_CURRENCY_WORDS})")
_WELL_FORMED_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*")
# Amounts stated in prose: "20.000 đồng", "200 USD", "40.000đồng/lần".
_STATED_AMOUNT = re.compile(r"(\d[\d.,]*)\s*(?:đồng|đ\b|Đ\b|vnđ|VNĐ|VND|USD)", re.IGNORECASE)


def parse_amount(text: str) -> int | float | None:
    """A number as written on the portal: ``70,000``/``70.000`` thousands, ``0.5`` decimal.

    >>> parse_amount("1,350,000"), parse_amount("70.000"), parse_amount("0.5")
    (1350000, 70000, 0.5)
    """
    text = text.strip().rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d+", text):
        return int(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+[.,]\d+", text):
        value = float(text.replace(",", "."))
        return int(value) if value.is_integer() else value
    return None


def stated_amounts(text: str | None) -> set[int | float]:
    """Positive amounts written with a currency word in prose (notes, descriptions)."""
    amounts: set[int | float] = set()
    for match in _STATED_AMOUNT.finditer(text or ""):
        value = parse_amount(match.group(1))
        if value:
            amounts.add(value)
    return amounts


def _currency(word: str) -> str:
    return "USD" if word.upper() == "USD" else "VND"


# ---------------------------------------------------------------- fees


def _note_at(text: str) -> str:
    """The parenthesised note starting at text[0] (balanced; unbalanced → up to last ')')."""
    if not text.startswith("("):
        return ""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return text[: i + 1]
    last = text.rfind(")")
    return text[: last + 1] if last > 0 else text


_NOTE_UNIT = re.compile(
    r"\(\s*(?:đồng|đ|vnđ|usd)?\s*(/\s*[^\s()/;,.:]+(?: (?!đồng|vnđ|usd)[^\s()/;,.:\d]+){0,2})",
    re.IGNORECASE,
)


def _fee_kind(note: str, context: str, amount: int | float | None) -> str:
    """phí / lệ phí when the note or the text around the amount says so, else unspecified."""
    head = note.lstrip("( -+*").lower()
    if head.startswith("lệ phí"):
        return "le_phi"
    if re.match(r"phí\b", head):
        return "phi"
    if not amount:
        return "unspecified"
    for written in {f"{amount:,}", f"{amount:,}".replace(",", ".")}:
        for found in re.finditer(re.escape(written) + r"(?!\d)", context):
            before = re.split(r"[;\n(]|\. ", context[max(0, found.start() - 100) : found.start()])
            lead = before[-1].lower().replace("miễn phí", "").replace("phí, lệ phí", "")
            if "lệ phí" in lead:
                return "le_phi"
            if re.search(r"\bphí\b", lead):
                return "phi"
    return "unspecified"


def parse_fee_cell(text: str) -> tuple[list[dict[str, Any]], str, list[Flag]]:
    """Fee cell and what follows it → (fees, description, flags).

    The cell is ``Miễn phí``, ``Không có thông tin`` or one or more amounts with a
    currency, each optionally followed by a note in parentheses; the rest of the text is
    the channel's description.

    >>> fees, description, flags = parse_fee_cell("10 USD(/lần)")
    >>> fees[0]["amount"], fees[0]["currency"], fees[0]["unit"], description
    (10, 'USD', '/lần', '')
    """
    rest = text
    fees: list[dict[str, Any]] = []
    flags: list[Flag] = []
    notes: list[str] = []
    if rest.startswith("Miễn phí"):
        rest = rest[len("Miễn phí") :]
        note = _note_at(rest)
        rest = rest[len(note) :]
        fees.append(
            {"kind": "unspecified", "amount": 0, "currency": "VND", "free": True, "unit": None}
            | {"raw": "Miễn phí" + note}
        )
        notes.append(note)
    elif rest.startswith(NO_INFO):
        rest = rest[len(NO_INFO) :]
        flags.append(flag("fee_unknown", "channels", "fee not stated", NO_INFO))
    else:
        while match := _FEE_RE.match(rest):
            note = _note_at(rest[match.end() :])
            raw = rest[: match.end()] + note
            rest = rest[match.end() + len(note) :]
            fees.append(_fee_from_match(match, note, raw, flags))
            notes.append(note)
        if not fees:
            flags.append(flag("fee_unparsed", "channels", "fee cell not recognised", text))
    description = rest.strip()
    for fee, note in zip(fees, notes, strict=True):
        _check_fee(fee, note, description, flags)
    note_text = [_note_inner(note) for note, fee in zip(notes, fees, strict=True)]
    note_text = [n for n, fee in zip(note_text, fees, strict=True) if not _only_unit(n, fee)]
    description = "\n".join(part for part in [*note_text, description] if _has_words(part))
    return fees, description, flags


def _note_inner(note: str) -> str:
    return (note[1:-1] if note.endswith(")") else note[1:]).strip()


def _only_unit(inner: str, fee: dict) -> bool:
    """True when a note such as ``(đồng/lần)`` says nothing but the fee's unit."""
    rest = inner.replace(fee["unit"] or "\0", "")
    rest = re.sub(r"/\s+", "/", rest)
    rest = rest.replace(fee["unit"] or "\0", "")
    return not re.sub(r"(?i)đồng|vnđ|usd|đ", "", rest).strip(" /")


def _has_words(text: str) -> bool:
    return bool(re.search(r"\w", text)) and text.strip("() ") not in {"", NO_INFO}


def _fee_from_match(match: re.Match[str], note: str, raw: str, flags: list[Flag]) -> dict:
    amount = parse_amount(match.group("amount"))
    if amount is None:
        flags.append(flag("fee_unparsed", "channels", "amount not recognised", raw))
    if match.group("sign") and amount:
        flags.append(flag("negative_fee", "channels", f"negative fee -{amount}", raw))
        amount = None
    unit = match.group("unit")
    if unit is None and (unit_match := _NOTE_UNIT.match(note)):
        unit = unit_match.group(1)
    unit = re.sub(r"/\s+", "/", unit.strip()) if unit else None
    return {
        "kind": "unspecified",
        "amount": amount,
        "currency": _currency(match.group("currency")),
        "free": False,
        "unit": unit,
        "raw": raw,
    }


def _check_fee(fee: dict, note: str, description: str, flags: list[Flag]) -> None:
    """Fee kind from the text, and flags for amounts the surrounding text contradicts."""
    context = f"{note}\n{description}"
    stated = stated_amounts(context)
    if fee["free"]:
        if stated:
            message = f"free, but the text states an amount: {sorted(stated)}"
            flags.append(flag("free_but_amount_stated", "channels", message, context.strip()))
        return
    amount = fee["amount"]
    fee["kind"] = _fee_kind(note, context, amount)
    if fee["currency"] == "VND" and amount and amount < 1000:
        if amount * 1000 in stated:
            message = f"{amount} VND while the text states {amount * 1000:,} đồng; kept as written"
        else:
            message = f"{amount} VND is implausibly small; kept as written"
        flags.append(flag("fee_amount_suspect", "channels", message, fee["raw"]))
