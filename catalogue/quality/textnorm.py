"""Vietnamese text normalisation for search, duplicate detection and matching.

Two forms of a text are used:

* :func:`fold` — the *comparison form*: Unicode NFC, lower case, accents removed with
  đ → d, punctuation turned into spaces, spacing collapsed. Both spellings of a word
  (``ủy``/``uỷ``, ``hòa``/``hoà``), precomposed (NFC) and decomposed (NFD) input, and
  text typed without accents all fold to the same string.
* :func:`normalise_name` — the comparison form of a procedure *name* with the
  boilerplate that does not identify a procedure (level notes such as "(cấp huyện)",
  "(thực hiện tại cấp xã)", "- cấp Trung ương", a leading "Thủ tục", a code in
  brackets) separated out and kept as notes, and common abbreviations ("GCN",
  "UBND", …) expanded, so that "GCN" and "giấy chứng nhận" compare equal.

All functions are pure; nothing is computed at import time except constant tables.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

# Abbreviations used in procedure names and by people typing them, in folded form.
# Both sides of a comparison are expanded, so either spelling matches the other.
ABBREVIATIONS: dict[str, str] = {
    "gcn": "giay chung nhan",
    "gcnqsdd": "giay chung nhan quyen su dung dat",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "qsdd": "quyen su dung dat",
    "gp": "giay phep",
    "gpxd": "giay phep xay dung",
    "cchn": "chung chi hanh nghe",
    "dkkd": "dang ky kinh doanh",
    "bhxh": "bao hiem xa hoi",
    "bhyt": "bao hiem y te",
    "bhtn": "bao hiem that nghiep",
    "tw": "trung uong",
    "tnhh": "trach nhiem huu han",
    "mtv": "mot thanh vien",
    "gtgt": "gia tri gia tang",
    "tncn": "thu nhap ca nhan",
    "tndn": "thu nhap doanh nghiep",
    "kbnn": "kho bac nha nuoc",
    "dn": "doanh nghiep",
    "dncx": "doanh nghiep che xuat",
    "tnld": "tai nan lao dong",
    "tp": "thanh pho",
    "tthc": "thu tuc hanh chinh",
    "qd": "quyet dinh",
    "vn": "viet nam",
    "xnk": "xuat nhap khau",
    "pccc": "phong chay chua chay",
    "attp": "an toan thuc pham",
    "cqt": "co quan thue",
    "dk": "dang ky",
    "qsd": "quyen su dung",
    "htx": "hop tac xa",
}

# Level words as they appear in notes (folded), mapped to the registry's level codes.
LEVEL_WORDS: dict[str, str] = {
    "tw": "ministry",
    "trung uong": "ministry",
    "bo": "ministry",
    "tinh": "province",
    "huyen": "district",
    "xa": "commune",
}

_LEVEL_ALT = r"(?:tw|trung uong|bo|tinh|huyen|xa)"
_LEVEL_LIST = rf"cap\s+{_LEVEL_ALT}(?:\s*(?:,|va|hoac|/)\s*(?:cap\s+)?{_LEVEL_ALT})*"
_CODE = r"\d\.\d{6}(?:\.[a-z0-9]+)?"
# Boilerplate patterns, matched on the folded text (same length as the NFC original,
# so each match also slices the original spelling out to keep it as a note).
_NOTE_PATTERNS = (
    # "(cấp huyện)", "(thực hiện tại cấp xã)", "(cấp Bộ, cấp tỉnh)", "( 1.010727 )"
    re.compile(
        r"\(\s*(?:(?:thuc hien\s+)?(?:tai|o)\s+)?"
        rf"(?:{_LEVEL_LIST}|thuc hien\s+{_LEVEL_LIST}|{_CODE})\s*\)"
    ),
    # "... - cấp Trung ương" at the end
    re.compile(rf"\s[-–]\s*{_LEVEL_LIST}\s*\.?\s*$"),
    # "... thực hiện tại cấp huyện" at the end
    re.compile(rf"[,;\-–]?\s*(?:thuc hien\s+)?tai\s+{_LEVEL_LIST}\s*\.?\s*$"),
    # leading "Thủ tục"
    re.compile(r"^\s*thu tuc\s+"),
)
_LEVEL_IN_NOTE = re.compile(rf"\b{_LEVEL_ALT}\b")
_NON_WORD = re.compile(r"[\W_]+")
# The same on ASCII text as translation tables (several times faster than the pattern):
# each ASCII character the pattern matches becomes a space, or is deleted.
_ASCII_NON_WORD = [c for c in range(128) if _NON_WORD.fullmatch(chr(c))]
_ASCII_TO_SPACE = {c: " " for c in _ASCII_NON_WORD}
_ASCII_DELETE = dict.fromkeys(_ASCII_NON_WORD)


def _words(text: str) -> str:
    """Word runs of ``text`` joined by single spaces (everything else is a separator)."""
    if text.isascii():
        return " ".join(text.translate(_ASCII_TO_SPACE).split())
    return " ".join(_NON_WORD.sub(" ", text).split())


# Leading verbs that tell procedures apart ("Cấp" / "Cấp lại" / "Cấp đổi" / "Gia hạn" …),
# folded and without spaces so that "cấplại" and "cấ plại" are read too. Two spellings of
# one action share a code (the value).
ACTIONS: dict[str, str] = {
    "cap": "cap",
    "capmoi": "cap",
    "caplai": "cap lai",
    "capdoi": "cap doi",
    "doi": "cap doi",
    "giahan": "gia han",
    "dieuchinh": "dieu chinh",
    "capdieuchinh": "dieu chinh",
    "suadoi": "sua doi",
    "bosung": "bo sung",
    "thuhoi": "thu hoi",
    "huy": "huy",
    "xoa": "xoa",
    "xoadangky": "xoa dang ky",
    "dangky": "dang ky",
    "dangkylai": "dang ky lai",
    "dangkythaydoi": "dang ky thay doi",
    "thaydoi": "thay doi",
    "chamdut": "cham dut",
    "tamdung": "tam dung",
    "tralai": "tra lai",
    "congnhan": "cong nhan",
    "congnhanlai": "cong nhan lai",
    "chungnhan": "chung nhan",
    "chungnhanlai": "chung nhan lai",
    "congbo": "cong bo",
    "congbolai": "cong bo lai",
    "chuyendoi": "chuyen doi",
    "chuyennhuong": "chuyen nhuong",
    "dinhchinh": "dinh chinh",
}
_ACTION_KEYS = sorted(ACTIONS, key=len, reverse=True)
_ACTION_START = re.compile("|".join(re.escape(k) for k in _ACTION_KEYS))
_CONNECTORS = ("va", "hoac")

# Level notes read without spaces, so that typing slips inside a note ("(cấpTỉnh)",
# "tạ icấp trung ương", "(thựchiện tại cấp xã)") are still recognised as notes.
_LEVEL_COMPACT = {
    "tw": "ministry",
    "trunguong": "ministry",
    "bo": "ministry",
    "tinh": "province",
    "huyen": "district",
    "xa": "commune",
}
_LEVEL_COMPACT_ALT = "|".join(sorted(_LEVEL_COMPACT, key=len, reverse=True))
_COMPACT_NOTE = re.compile(
    rf"^(?:thuchien)?(?:(?:tai|o))?(?:cap(?:{_LEVEL_COMPACT_ALT})(?:va|hoac)?)+$"
)
_COMPACT_TAIL = re.compile(rf"(?:thuchien)?(?:tai|o)cap(?:{_LEVEL_COMPACT_ALT})$")
_COMPACT_LEVEL = re.compile(rf"cap({_LEVEL_COMPACT_ALT})")
_COMPACT_ENDS = tuple(f"cap{word}" for word in _LEVEL_COMPACT)
_TAIL_CHARS = 2 * max(map(len, _COMPACT_ENDS))
_LEVEL_ENDS = tuple(_LEVEL_COMPACT)
_BRACKETS = re.compile(r"\(([^()]*)\)")


def actions_of(core: str) -> frozenset[str]:
    """The leading action verbs of a name core ("cap, cap lai giay phep" → cấp, cấp lại).

    >>> sorted(actions_of("cap cap lai giay phep lien van"))
    ['cap', 'cap lai']
    >>> sorted(actions_of("caplai giay phep"))
    ['cap lai']
    >>> actions_of("thu tuc hai quan")
    frozenset()
    """
    text = core.replace(" ", "")
    found: set[str] = set()
    while text:
        # the alternation tries the keys longest first, as listed: the longest key wins
        match = _ACTION_START.match(text)
        if match is None:
            break
        key = match.group()
        found.add(ACTIONS[key])
        text = text[len(key) :]
        for connector in _CONNECTORS:
            rest = text[len(connector) :]
            if text.startswith(connector) and _ACTION_START.match(rest):
                text = rest
                break
    return frozenset(found)


def _compact(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_DELETE)
    return _NON_WORD.sub("", text)


_CANONICAL_NOTES = {
    f"{lead}cap{word}": level
    for word, level in _LEVEL_COMPACT.items()
    for lead in ("", "tai", "o", "thuchientai", "thuchieno")
}
_CANONICAL_KEYS = list(_CANONICAL_NOTES)
_CANONICAL_LEVELS = list(_CANONICAL_NOTES.values())
_CANONICAL_LENGTHS = np.array([len(c) for c in _CANONICAL_KEYS])
_LOOSE_CODE = re.compile(r"\(\s*\d\.\d{4,8}(?:\.[a-z0-9]+)?\s*\)")


def _near_note_level(compact: str) -> str | None:
    """The level of a compact note within one typo (two if long) of a canonical note."""
    if len(compact) < 5:
        return None
    allowed = 1 if len(compact) <= 10 else 2
    # every canonical note's distance in one C call (beyond ``allowed`` reads allowed + 1)
    edits = process.cdist(
        [compact], _CANONICAL_KEYS, scorer=OSA.distance, score_cutoff=allowed, dtype=np.int32
    )[0]
    near = (edits <= allowed) & (np.abs(_CANONICAL_LENGTHS - len(compact)) <= allowed)
    # the first canonical note in table order, as a loop over the table would find it
    return _CANONICAL_LEVELS[int(near.argmax())] if near.any() else None


def _compact_note_levels(folded_note: str) -> frozenset[str]:
    compact = _compact(folded_note)
    found = frozenset(_LEVEL_COMPACT[m] for m in _COMPACT_LEVEL.findall(compact))
    if found:
        return found
    near = _near_note_level(compact)
    return frozenset({near}) if near else frozenset()


class _FoldTable(dict):
    """Per-character fold map filled on first use: one char in, one char out."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        base = base.lower().replace("đ", "d")
        base = "".join(
            c for c in unicodedata.normalize("NFD", base) if not unicodedata.combining(c)
        )
        folded = base if len(base) == 1 else char.lower()[:1] or char
        self[code] = folded
        return folded


_FOLD = _FoldTable({ord("đ"): "d", ord("Đ"): "d"})


def fold_chars(text: str) -> str:
    """NFC, lower case and accents removed, character for character (length kept).

    >>> fold_chars("Giấy Chứng Nhận (cấp huyện)")
    'giay chung nhan (cap huyen)'
    """
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def fold(text: str | None) -> str:
    """Comparison form: NFC, lower case, accents removed (đ → d), punctuation and spacing folded.

    >>> fold("  Cấp lại Giấy phép—hoạt động  ĐO ĐẠC. ")
    'cap lai giay phep hoat dong do dac'
    >>> fold("Uỷ ban") == fold("Ủy ban") == fold("uy ban")
    True
    """
    if not text:
        return ""
    return _words(fold_chars(text))


def expand_abbreviations(folded: str) -> str:
    """Replace known abbreviations (folded tokens) by their folded expansion.

    >>> expand_abbreviations("cap gcn cua ubnd")
    'cap giay chung nhan cua uy ban nhan dan'
    """
    tokens = folded.split()
    return " ".join(map(ABBREVIATIONS.get, tokens, tokens))


def levels_of_note(note: str) -> frozenset[str]:
    """Level codes one note names ("(cấp tỉnh)" → {"province"}; a typo'd note by distance)."""
    text = fold(note)
    text = re.sub(r"\btrung uong\b", "tw", text)
    words = frozenset(LEVEL_WORDS[m] for m in _LEVEL_IN_NOTE.findall(text))
    return words or _compact_note_levels(text)


@dataclass(frozen=True)
class NormalisedName:
    """A procedure name split into its identifying core and its boilerplate notes.

    ``core`` is in comparison form with abbreviations expanded; ``notes`` are the removed
    parts in their original spelling (kept for display and for telling level variants apart).
    """

    core: str
    notes: tuple[str, ...] = ()

    @property
    def note_levels(self) -> frozenset[str]:
        """Level codes named in the notes ("(cấp tỉnh)" → {"province"})."""
        found: set[str] = set()
        for note in self.notes:
            found.update(levels_of_note(note))
        return frozenset(found)

    @property
    def key(self) -> str:
        """Core plus folded notes: equal only for names that differ in spelling alone."""
        if not self.notes:
            return self.core
        return self.core + " | " + " ".join(fold(n) for n in self.notes)


def normalise_name(name: str | None) -> NormalisedName:
    """Split a procedure name into its comparison core and its boilerplate notes.

    >>> normalise_name("Thủ tục cấp GCN (thực hiện tại cấp huyện)")
    NormalisedName(core='cap giay chung nhan', notes=('Thủ tục', '(thực hiện tại cấp huyện)'))
    >>> normalise_name("Cấp giấy phép môi trường (cấp Tỉnh) ( 1.010727 )").core
    'cap giay phep moi truong'
    """
    if not name:
        return NormalisedName("")
    original = unicodedata.normalize("NFC", name).strip()
    folded = fold_chars(original)
    spans: list[tuple[int, int]] = []
    # A pattern cannot match a text lacking one of its literal parts: skip its scan. The
    # two patterns anchored at the end need the name to end in a level word (then
    # spaces or a full stop), so its compact form ends in one.
    end = _compact_end(folded)
    at_end = "cap" in folded and end.endswith(_LEVEL_ENDS)
    dash = at_end and ("-" in folded or "–" in folded)
    wanted = ("(" in folded, dash, at_end and "tai" in folded, "thu tuc" in folded)
    for pattern, run in zip(_NOTE_PATTERNS, wanted, strict=True):
        if run:
            spans.extend(match.span() for match in pattern.finditer(folded))
    spans.extend(_slipped_note_spans(folded, spans, end))
    lead = _slipped_lead(folded)
    if lead and not any(start == 0 for start, _ in spans):
        spans.append((0, lead))
    spans.sort()
    kept: list[str] = []
    notes: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            continue
        kept.append(folded[pos:start])
        note = original[start:end].strip(" ,;-–.")
        if note:
            notes.append(note)
        pos = end
    kept.append(folded[pos:])
    core = expand_abbreviations(_words(" ".join(kept)))
    if not core:
        # A name that is nothing but boilerplate keeps its folded text as the core.
        core = expand_abbreviations(fold(original))
    return NormalisedName(core, tuple(notes))


def _slipped_note_spans(
    folded: str, found: list[tuple[int, int]], end: str
) -> list[tuple[int, int]]:
    """Level notes that the patterns missed because a space was dropped or shifted.

    ``end`` is :func:`_compact_end` of ``folded``.
    """
    taken = lambda s, e: any(a < e and s < b for a, b in found)  # noqa: E731
    extra: list[tuple[int, int]] = []
    if "(" in folded:
        extra.extend(_slipped_bracket_notes(folded, taken))
    # a note at the end: the longest run of final words that reads "(thực hiện) tại cấp X".
    # Each run's compact form ends the name's compact form, so a name whose compact form
    # does not end in "cấp" + a level has no such run.
    if not end.endswith(_COMPACT_ENDS):
        return extra
    words = list(re.finditer(r"\S+", folded))
    for k in range(min(6, len(words) - 1), 0, -1):
        start = words[-k].start()
        if _COMPACT_TAIL.fullmatch(_compact(folded[start:])):
            if not taken(start, len(folded)):
                extra.append((start, len(folded)))
            break
    return extra


def _compact_end(folded: str) -> str:
    """A suffix of ``_compact(folded)`` long enough to test which note ending it has."""
    tail = _compact(folded[-_TAIL_CHARS:])
    if len(tail) >= _TAIL_CHARS // 2 or len(folded) <= _TAIL_CHARS:
        return tail
    return _compact(folded)


def _slipped_bracket_notes(folded: str, taken) -> list[tuple[int, int]]:
    """Bracketed level notes or codes typed with a slip, not already taken by a pattern."""
    extra = []
    for match in _BRACKETS.finditer(folded):
        if taken(*match.span()):
            continue
        compact = _compact(match.group(1))
        if (
            _COMPACT_NOTE.match(compact)
            or _near_note_level(compact)
            or _LOOSE_CODE.fullmatch(match.group(0))
        ):
            extra.append(match.span())
    return extra


def _slipped_lead(folded: str) -> int:
    """End of a leading "Thủ tục" typed with a shifted or missing space ("Thủ tụ cđăng ký")."""
    letters = 0
    for pos, char in enumerate(folded):
        if char == " ":
            continue
        if char != "thutuc"[letters]:
            return 0
        letters += 1
        if letters == 6:
            end = pos + 1
            return end if end < len(folded) else 0
    return 0


def normalise_query(text: str | None) -> str:
    """Comparison form of a search query: folded, abbreviations expanded, boilerplate dropped."""
    return normalise_name(text).core


def sorted_tokens(core: str) -> str:
    """Tokens in alphabetical order, so that word order does not matter to a plain ratio."""
    return " ".join(sorted(core.split()))
