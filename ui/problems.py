"""Problems, flags and key paths said as sentences in the user's language.

The cost model (:class:`analysis.errors.SheetProblem`), the importers
(:class:`catalogue.registry.errors.Problem`) and the portal parser's flags speak English
to developers and logs. What the dashboard shows is the sentence of the catalogues
(``ux.problem.*``, ``ux.flag.*``, ``ux.path.*``) with the figures filled in the user's
way; a message no pattern knows is said as a general sentence, its detail kept in the log.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation

from ui.i18n import catalogue, label, lang, number, percent, t

log = logging.getLogger(__name__)

# Message patterns → catalogue key; named groups fill the sentence. The first match wins.
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"shares must (?:sum|add up) to 1, (?:got|not) (?P<share>[-\d.]+)", "shares_sum"),
    (r"a share must be between 0 and 1|must be between 0 and 1", "share_range"),
    (r"unknown (?P<what>document|fee|activity) '(?P<name>.*)' \(known: .*\)", "unknown_item"),
    (r"unknown document '(?P<name>.*)'", "unknown_document"),
    (r"activity '(?P<name>.*)' already exists", "activity_exists"),
    (r"no usd_rate parameter.*|a fee is in USD but.*", "no_usd_rate"),
    (r"set_activity needs at least one of .*", "set_activity_empty"),
    (r"must be 'all' or one of .*|unknown channel.*", "unknown_channel"),
    (r"must be one of (?P<allowed>.*)", "one_of"),
    (r"must be a number, got (?P<value>.*)|must be a finite number.*", "not_a_number"),
    (r"must not be negative, got (?P<value>.*)", "negative"),
    (r"must be at most (?P<maximum>[\d.]+), got (?P<value>.*)", "too_large"),
    (r"must not be empty|required field is missing or empty|required cell is empty", "empty"),
    (r"missing|required", "missing"),
    (r"must be text.*", "not_text"),
    (r"must be a date.*", "not_a_date"),
    (r"not (?:valid )?UTF-8 text.*", "not_utf8"),
    (r"truncated line.*|not valid JSON|refused JSON.*", "bad_json"),
    (r"a line must hold one JSON object", "bad_json"),
    (r"unknown level: '(?P<value>.*)'", "unknown_level"),
    (r"duplicate procedure '(?P<code>.*?)'.*(?:line/row|row) (?P<first>\d+)", "duplicate"),
    (r"duplicate identity .*\(first on row (?P<first>\d+)\)", "duplicate_row"),
    (r"missing column\(s\).*|header row not found.*", "missing_columns"),
    (r"unknown column\(s\).*|unknown keys: (?P<keys>.*)", "unknown_columns"),
    (r"the file is empty|empty file.*|no procedure rows under the header", "empty_file"),
    (r"not a readable workbook.*|cannot read workbook.*|sheet '.*' is missing", "bad_workbook"),
    (r"unknown file type .*", "file_type"),
    (r"file of (?P<size>\d+) bytes \(at most (?P<limit>\d+)\)", "too_big"),
    (r"(?:text|cell) of (?P<size>\d+) characters \(at most (?P<limit>\d+)\)", "too_long"),
    (r"contains control character.*", "control_character"),
    (r".* is outside the range a database column holds.*", "out_of_range"),
    (r"cannot read file.*|file not found", "cannot_read"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), key) for p, key in PATTERNS)
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip().strip("'\""))
    except (InvalidOperation, AttributeError):
        return None


def _fill(key: str, found: dict[str, str]) -> dict[str, str]:
    """The pattern's figures in the user's way (a share as %, numbers with separators)."""
    values = {k: v for k, v in found.items() if v is not None}
    if "share" in values and (share := _decimal(values["share"])) is not None:
        values["share"] = percent(share * 100)
    for name in ("maximum", "size", "limit", "first"):
        if name in values and (figure := _decimal(values[name].replace(".", ""))) is not None:
            values[name] = number(figure)
    if "what" in values:
        values["what"] = t(f"ux.problem.what.{values['what']}")
    if key == "unknown_level":
        values["value"] = values.get("value", "")
    return values


def message_text(message: str) -> str:
    """A service or importer message as a sentence in the user's language."""
    for pattern, key in _COMPILED:
        found = pattern.fullmatch(message.strip())
        if found:
            return t(f"ux.problem.{key}", **_fill(key, found.groupdict()))
    if re.search(r"[^\x00-\x7f]", message):  # the service wrote it in Vietnamese already
        return service_text(message)
    log.info("no sentence for problem message %r", message)
    return t("ux.problem.other")


def path_text(path: str | None) -> str:
    """A key path (``options[1].changes[0].value``) in words: ``Thay đổi thứ 1 › Giá trị``."""
    if not path:
        return "—"
    words: list[str] = []
    known = catalogue(lang())
    for name, index in _SEGMENT.findall(path):
        if index:
            ordinal = t("ux.path.nth", n=int(index) + 1)
            words[-1:] = [f"{words[-1]} {ordinal}" if words else ordinal]
        elif f"ux.path.{name}" in known:
            words.append(t(f"ux.path.{name}"))
        elif f"change.field.{name}" in known:
            words.append(t(f"change.field.{name}"))
        elif f"channel.{name}" in known:
            words.append(label("channel", name))
        else:
            words.append(name)
    return " › ".join(words)


def problem_text(path: str | None, message: str) -> str:
    """One problem as a line: where (in words) and what (as a sentence)."""
    where = path_text(path)
    what = message_text(message)
    return what if where == "—" else f"{where}: {what}"


def flag_text(kind: str) -> str:
    """What a parser flag means, as a sentence (``fee_unparsed`` → the fee text was not read)."""
    key = f"ux.flag.{kind}"
    return t(key) if key in catalogue(lang()) else t("ux.flag.other")


# Services write "Vietnamese sentence (English sentence)"; the tail is ASCII-only.
_BILINGUAL = re.compile(
    r"^(?P<vi>.*\S)\s*\((?P<en>[\x20-\x7e]*[a-zA-Z][\x20-\x7e]*)\)(?P<rest>[.:]?.*)$"
)


def service_text(message: str) -> str:
    """A service's refusal in the user's language: the matching half of a bilingual message."""
    found = _BILINGUAL.match(message.strip())
    if found is None or not re.search(r"[^\x00-\x7f]", found["vi"]):
        return message
    head = found["vi"] if lang() == "vi" else found["en"]
    return head + found["rest"]
