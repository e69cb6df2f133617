"""How people type procedure names, written independently of the matcher's own tables.

Used to measure matching quality (tests and ``bench/matching.py``). Nothing here is
imported from ``catalogue``: the abbreviations are the ones seen in provincial lists and
one-stop desk registers (written down for this module, not copied from
``catalogue.quality.textnorm``), and the slips are those of a hurried typist on a
Telex/VNI keyboard: a letter dropped, doubled or swapped, a neighbour key, accents left
out, a space missing or shifted by one letter ("tạ icấp"), a level note mistyped.
"""

from __future__ import annotations

import random
import re
import unicodedata

KINDS = (
    "no_accents",
    "dropped_letter",
    "doubled_letter",
    "neighbour_key",
    "swapped_letters",
    "missing_space",
    "shifted_space",
    "abbreviated",
    "note_slip",
    "mixed",
)

# Abbreviations officials write in lists and registers (long form → short form).
PEOPLE_ABBREVIATIONS = (
    ("giấy chứng nhận", "GCN"),
    ("Giấy chứng nhận", "GCN"),
    ("giấy phép", "GP"),
    ("Giấy phép", "GP"),
    ("ủy ban nhân dân", "UBND"),
    ("Ủy ban nhân dân", "UBND"),
    ("đăng ký", "ĐK"),
    ("Đăng ký", "ĐK"),
    ("quyền sử dụng đất", "QSD đất"),
    ("doanh nghiệp", "DN"),
    ("hợp tác xã", "HTX"),
    ("thủ tục hành chính", "TTHC"),
    ("phòng cháy chữa cháy", "PCCC"),
    ("chứng chỉ hành nghề", "CCHN"),
    ("bảo hiểm xã hội", "BHXH"),
    ("Việt Nam", "VN"),
    ("nước ngoài", "NN"),
)

# Neighbouring keys on a QWERTY keyboard (lower-case ASCII letters only).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _i, _ch in enumerate(_row):
        near = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
        _NEIGHBOURS[_ch] = near


def without_accents(text: str) -> str:
    """The text typed with no Vietnamese diacritics (đ → d)."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


def _letters(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if c.isalpha()]


def _inner_letter(text: str, rng: random.Random) -> int | None:
    """A letter inside a word of at least 4 letters (people rarely slip on short words)."""
    spots = []
    for m in re.finditer(r"\w{4,}", text):
        spots.extend(range(m.start() + 1, m.end()))
    return rng.choice(spots) if spots else None


def _spaces(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if c == " " and 0 < i < len(text) - 1]


def typed(name: str, kind: str, rng: random.Random) -> str | None:
    """``name`` as a person might type it, or None when the slip does not apply."""
    if kind == "no_accents":
        return without_accents(name)
    if kind in ("dropped_letter", "doubled_letter", "neighbour_key", "swapped_letters"):
        i = _inner_letter(name, rng)
        if i is None:
            return None
        if kind == "dropped_letter":
            return name[:i] + name[i + 1 :]
        if kind == "doubled_letter":
            return name[:i] + name[i] + name[i:]
        if kind == "neighbour_key":
            base = without_accents(name[i]).lower()
            if base not in _NEIGHBOURS:
                return None
            return name[:i] + rng.choice(_NEIGHBOURS[base]) + name[i + 1 :]
        if i + 1 < len(name) and name[i + 1].isalpha():
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        return None
    if kind == "missing_space":
        spaces = _spaces(name)
        if not spaces:
            return None
        i = rng.choice(spaces)
        return name[:i] + name[i + 1 :]
    if kind == "shifted_space":
        # "tại cấp" → "tạ icấp": the space typed one letter early
        spots = [i for i in _spaces(name) if name[i - 1].isalpha() and name[i - 2].isalpha()]
        if not spots:
            return None
        i = rng.choice(spots)
        return name[: i - 1] + " " + name[i - 1] + name[i + 1 :]
    if kind == "abbreviated":
        found = [(long, short) for long, short in PEOPLE_ABBREVIATIONS if long in name]
        if not found:
            return None
        long, short = rng.choice(found)
        return name.replace(long, short, 1)
    if kind == "note_slip":
        m = re.search(r"\(([^()]*cấp[^()]*)\)|(tại cấp \w+( \w+)?)\s*$", name, flags=re.I)
        if not m:
            return None
        start, end = m.span(1) if m.group(1) else m.span(2)
        note = name[start:end]
        spaces = [i for i, c in enumerate(note) if c == " "]
        if not spaces:
            return None
        i = rng.choice(spaces)
        slipped = (
            note[:i] + note[i + 1 :]
            if rng.random() < 0.5
            else (note[: i - 1] + " " + note[i - 1] + note[i + 1 :] if i > 1 else note)
        )
        return name[:start] + slipped + name[end:]
    if kind == "mixed":
        out = without_accents(name) if rng.random() < 0.5 else name
        for slip in rng.sample(("dropped_letter", "neighbour_key", "missing_space"), 2):
            out = typed(out, slip, rng) or out
        return out
    raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")
