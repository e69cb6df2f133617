"""Parsers for the portal's documents, steps and legal-basis cells (pure functions).

Companion of :mod:`catalogue.sources.portal_parse` (channels and fees). Each function takes one
flattened text cell of a portal record and returns canonical pieces (see
:mod:`catalogue.registry.records`) plus flags for what could not be read; raw text is kept.

Documents (thành phần hồ sơ) arrive as ``--Tên giấy tờMẫu đơn, tờ khaiSố lượng`` then,
per document, its name, optional template file names and a count cell such as
``1 bản chính`` or ``0 bản chính,1 bản sao``. A case title (``Trường hợp ủy quyền…:``)
may precede a header; several case sections each repeat the header, so the text
after the last count of one section is the title of the next.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from catalogue.sources.portal_parse import (
    DOCUMENT_HEADER,
    LEGAL_HEADER,
    Flag,
    clean_text,
    flag,
)

# ---------------------------------------------------------------- documents

_COUNT_ITEM = r"(\d+)\s*(bản chính|bản sao có chứng thực|bản sao chứng thực|bản sao)"
_COUNT_RE = re.compile(rf"{_COUNT_ITEM}(?:\s*,\s*{_COUNT_ITEM})*")
_COUNT_PART = re.compile(_COUNT_ITEM)
_COUNT_KEYS = {
    "bản chính": "originals",
    "bản sao": "copies",
    "bản sao có chứng thực": "certified_copies",
    "bản sao chứng thực": "certified_copies",
}
_EXTENSIONS = r"docx?|pdf|xlsx?|rar|zip|odt|rtf"
_TEMPLATE_END = re.compile(rf"\.(?:{_EXTENSIONS})(?: \(\d+\)\.(?:{_EXTENSIONS}))?$", re.IGNORECASE)
# Words a template file name starts with, glued to the document name before it.
_TEMPLATE_WORDS = re.compile(
    r"(?:Mau|Mẫu|MẪU|mẫu|Phụ lục|PHỤ LỤC|Phu luc|Phl|TK|Ms|Biểu|Bieu|Tờ khai|To khai|\d+\. )"
)
# list marks a name may start with, Wingdings bullets of pasted Word text included
_BULLETS = "-+*•\t \uf0fc\uf0d8\uf0a7"
_CASE_WORDS = re.compile(r"trường hợp|đối với|nếu", re.IGNORECASE)


def _count_accepted(body: str, match: re.Match[str]) -> bool:
    """Whether a count-like phrase is the count cell rather than words inside a name.

    The portal writes the count cell with plain numbers (``1 bản chính``) and the next
    document's name follows with no space; a name's own "01 bản sao có chứng thực" or
    "01 bản chính hoặc …" has padding or continues the sentence.
    """
    if any(len(n) > 1 and n.startswith("0") for n in re.findall(r"\d+", match.group(0))):
        return False
    after = body[match.end() : match.end() + 2]
    if not after or after[0] in '\n\t-+*•(“"' or after[0].isupper() or after[0].isdigit():
        return True
    # glued to a small letter or a Wingdings bullet (private use, U+F0FC …), the next
    # name has begun: "1 bản chínhbiên bản kiểm tra…", "1 bản chính\uf0fc\tTrường hợp…"
    # (an independent reading of the real records found these merged into one document)
    return after[0].islower() or unicodedata.category(after[0]) == "Co"


def _split_template(text: str) -> tuple[str, str | None]:
    """Split ``name`` + glued template file names (``…theo mẫuMau 01.docx``)."""
    templates: list[str] = []
    rest = text
    while match := _TEMPLATE_END.search(rest):
        previous = list(re.finditer(rf"\.(?:{_EXTENSIONS})(?=\S)", rest[: match.start()], re.I))
        if previous and not rest[previous[-1].end()].isspace():
            start = previous[-1].end()
            if start == match.start():
                break
            templates.insert(0, rest[start:])
            rest = rest[:start]
            continue
        start = _template_start(rest[: match.start()])
        if start is None:
            if not templates:
                return text, None  # name and file name cannot be told apart: keep it whole
            break
        templates.insert(0, rest[start:])
        rest = rest[:start]
        break
    if not templates:
        return text, None
    return rest, "; ".join(t.strip() for t in templates)


def _template_start(text: str) -> int | None:
    """Where a template file name begins inside ``name`` + ``file name`` glued together.

    First choice: the earliest glue point (no space) followed by a template word;
    otherwise the last glue point; None when the text shows no glue point at all.
    """
    glue_points = [i for i in range(1, len(text)) if _is_glue(text, i)]
    for point in glue_points:
        if _TEMPLATE_WORDS.match(text, point):
            return point
    return glue_points[-1] if glue_points else None


def _is_glue(text: str, i: int) -> bool:
    """Two cells meet at ``i``: punctuation, a small letter or a digit directly before a
    capital, or an acronym directly before a capitalised word ("NĐ-CPMẫu")."""
    before, here = text[i - 1], text[i]
    if here.isspace():
        return False
    if before in ";:.)]”":
        return True
    if here.isupper() and (before.islower() or before.isdigit()):
        return True
    return before.isupper() and here.isupper() and text[i + 1 : i + 2].islower()


def _document(row: str, count: re.Match[str] | None, case: str | None) -> dict[str, Any]:
    text = row.strip()
    name, template = _split_template(text)
    counts: dict[str, int | None] = {"originals": None, "copies": None, "certified_copies": None}
    if count is not None:
        for number, what in _COUNT_PART.findall(count.group(0)):
            key = _COUNT_KEYS[what]
            counts[key] = (counts[key] or 0) + int(number)
    return {
        "name": name.strip().lstrip(_BULLETS).strip() or None,
        **counts,
        "template": template,
        "case": case,
        "raw": text + (count.group(0) if count else ""),
    }


def parse_documents(text: str | None) -> tuple[list[dict[str, Any]], list[Flag]]:
    """Thành phần hồ sơ → document dicts ``{name, originals, copies, certified_copies,
    template, case, raw}``.

    >>> docs, flags = parse_documents("--" + DOCUMENT_HEADER + "Đơn đề nghị1 bản chính"
    ...                              "Bản sao giấy phép0 bản chính,1 bản sao")
    >>> [(d["name"], d["originals"], d["copies"]) for d in docs]
    [('Đơn đề nghị', 1, None), ('Bản sao giấy phép', 0, 1)]
    """
    body = clean_text(text)
    if body is None:
        return [], []
    if DOCUMENT_HEADER not in body:
        return [], [flag("documents_unstructured", "documents", "no documents table", body)]
    sections = body.split(DOCUMENT_HEADER)
    several = len(sections) > 2
    documents: list[dict[str, Any]] = []
    flags: list[Flag] = []
    lead = sections[0]
    for index, section in enumerate(sections[1:], start=1):
        case = _case_title(lead, several, flags)
        counts = [m for m in _COUNT_RE.finditer(section) if _count_accepted(section, m)]
        position = 0
        for count in counts:
            document = _document(section[position : count.start()], count, case)
            if document["name"] is None:
                message = "document row without a name"
                flags.append(flag("document_name_missing", "documents", message, document["raw"]))
            documents.append(document)
            position = count.end()
        tail = section[position:]
        if index < len(sections) - 1:
            lead = tail
        elif clean_text(tail):
            documents.append(_document(tail, None, case))
            flags.append(flag("document_count_missing", "documents", "no count cell", tail))
    if not documents:
        flags.append(flag("documents_unstructured", "documents", "no document rows", body))
    return documents, flags


def _case_title(lead: str, several: bool, flags: list[Flag]) -> str | None:
    """The text before a header: a case title, or a lead-in sentence kept as a flag."""
    title = lead.strip().strip("-").strip()
    if not title:
        return None
    if several or _CASE_WORDS.search(title):
        return title
    flags.append(flag("documents_lead_in", "documents", "text before the documents table", title))
    return None


# ---------------------------------------------------------------- steps

# "Bước 1:", "Bước 2.", "- Bước 3", "6.1.1. Bước 1 nộp hồ sơ" at the start of a line.
_STEP_RE = re.compile(
    r"(?:^|(?<=\n))[ \t]*(?:[-+*•][ \t]*|\d+(?:\.\d+)*\.?[ \t]*)?"
    r"Bước[ \t]*(\d+)[ \t]*[:.\-–)]?[ \t]*",
    re.IGNORECASE,
)
# Actors named as the grammatical subject at the very start of a step.
_ACTORS = (
    "Tổ chức, cá nhân",
    "Cá nhân, tổ chức",
    "Người nộp thuế",
    "Người yêu cầu",
    "Người đề nghị",
    "Doanh nghiệp",
    "Công dân",
)


def _actor(text: str) -> str | None:
    for actor in _ACTORS:
        if re.match(re.escape(actor) + r"(?=[\s:])", text):
            return actor
    return None


def parse_steps(text: str | None) -> tuple[list[dict[str, Any]], list[Flag]]:
    """Trình tự thực hiện → ``[{order, text, actor}]`` split on ``Bước N`` markers.

    >>> steps, _ = parse_steps("Bước 1: Tổ chức, cá nhân nộp hồ sơ.\\nBước 2: Cơ quan xử lý.")
    >>> [(s["order"], s["text"], s["actor"]) for s in steps]
    [(1, 'Tổ chức, cá nhân nộp hồ sơ.', 'Tổ chức, cá nhân'), (2, 'Cơ quan xử lý.', None)]
    """
    body = clean_text(text)
    if body is None:
        return [], []
    markers = list(_STEP_RE.finditer(body))
    if not markers:
        message = "no 'Bước N' markers; kept as one step"
        return [{"order": 1, "text": body, "actor": None}], [
            flag("steps_unstructured", "steps", message, body)
        ]
    flags: list[Flag] = []
    lead = body[: markers[0].start()].strip()
    if re.search(r"\w{2,}", lead):
        flags.append(flag("steps_lead_in", "steps", "text before 'Bước 1'", lead))
    steps = []
    for i, marker in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < len(markers) else len(body)
        step_text = body[marker.end() : end].strip()
        steps.append({"order": i + 1, "text": step_text, "actor": _actor(step_text)})
    numbers = [int(m.group(1)) for m in markers]
    if numbers != list(range(1, len(numbers) + 1)):
        message = f"steps renumbered in order; the text numbers them {numbers}"
        flags.append(flag("steps_renumbered", "steps", message, None))
    return steps, flags


# ---------------------------------------------------------------- legal bases

# 121/2021/NĐ-CP, 51/2019/QH14, 123/QĐ-UBND, 20/2013/TTLT-BYT-BCT, 24/2026/NQ-CP, 01/VBHN-BTC
# Symbol tokens are capitals; only the legislature's carry digits (QH14, UBTVQH15). This
# ends "QH1165/2006/QH11" (a title's number glued to the number cell) after "QH11", and
# "NĐ-CP118/2014/NĐ-CP" after "CP". A number may also follow a year ("năm 202076/2025/QH15").
_TOKEN = r"(?:[A-ZĐ]*QH\d{2}|[A-ZĐ]+(?:&[A-ZĐ]+)?(?:g(?![a-zà-ỹ]))?)"
_SYMBOL = rf"{_TOKEN}(?:-{_TOKEN})*"
_NUMBER_RE = re.compile(
    rf"(?:(?<![\d/])(?<!\d\.)|(?<=QH\d\d)|(?<=[^\d/](?:19|20)\d\d))\d{{1,4}}(?:\.\d{{1,2}})?/"
    rf"(?:\d{{4}}/)?{_SYMBOL}"
)


# Issuers that end a number's symbol; used to cut a symbol glued to an all-capital title
# ("18/2026/NĐ-CPBAN HÀNH, …").
_ISSUERS = frozenset(
    "CP TTg BTC BTP BXD BNNMT BNNPTNT BGTVT BTNMT BYT BCT VPCP NHNN BCA BQP BLĐTBXH BKHĐT "
    "BTTTT BNG BNV BGDĐT BVHTTDL BKHCN UBND HĐND BHXH CTN TANDTC VKSNDTC KTNN UBCKNN".split()
)


def _number_end(text: str, match: re.Match[str]) -> int:
    """End of a document number, giving back the capitals that start the next title.

    ``121/2025/NĐ-CPThông tư …``: the run ``CPT`` is followed by a lower-case letter, so
    its last capital begins the next title; ``NĐ-CPBAN HÀNH`` is cut after the longest
    known issuer (``CP``).
    """
    end = match.end()
    token = re.split(r"[-/]", text[match.start() : end])[-1]
    if token in _ISSUERS or re.fullmatch(r"[A-ZĐ]*QH\d\d", token):
        return end
    known = [n for n in range(1, len(token)) if token[:n] in _ISSUERS]
    if known:
        return end - (len(token) - max(known))
    if end < len(text) and text[end].islower() and text[end - 1].isupper():
        end -= 1
    return end


def _doubled(text: str) -> int | None:
    """If ``text`` is a title written twice (``BỘ LUẬT XBỘ LUẬT  X``), where the copy ends.

    Works on the text with runs of white space folded to one space, remembering where
    each folded character stands in ``text``; the second copy must start right after the
    first (spaces aside) and repeat it whole.

    >>> t = "BỘ LUẬT DÂN SỰBỘ LUẬT  DÂN SỰ"; t[: _doubled(t)]
    'BỘ LUẬT DÂN SỰBỘ LUẬT  DÂN SỰ'
    >>> _doubled("Nghị định về đăng ký doanh nghiệp") is None
    True
    """
    folded: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if folded and folded[-1] == " ":
                continue
            ch = " "
        folded.append(ch)
        where.append(i)
    squeezed = "".join(folded)
    lead = len(squeezed) - len(squeezed.lstrip())
    head = squeezed[lead : lead + 4]
    if len(head) < 4:
        return None
    start = squeezed.find(head, lead + 1)
    while start != -1:
        first = squeezed[lead:start].rstrip()
        if where[start - 1] >= 7 and squeezed.startswith(first, start):
            if where[lead + len(first) - 1] + 1 <= len(text) - 8:
                return where[start + len(first) - 1] + 1
        start = squeezed.find(head, start + 1)
    return None


def parse_legal_bases(text: str | None) -> tuple[list[dict[str, Any]], list[Flag]]:
    """Căn cứ pháp lý → ``[{number, title, raw}]`` from title+number pairs glued together.

    >>> bases, _ = parse_legal_bases(LEGAL_HEADER + "Nghị định 121/2021/NĐ-CP121/2021/NĐ-CP")
    >>> bases[0]["number"], bases[0]["title"]
    ('121/2021/NĐ-CP', 'Nghị định 121/2021/NĐ-CP')
    """
    body = clean_text(text)
    if body is None:
        return [], []
    if body.startswith(LEGAL_HEADER):
        body = body[len(LEGAL_HEADER) :]
    bases: list[dict[str, Any]] = []
    flags: list[Flag] = []
    position = 0
    for match in _NUMBER_RE.finditer(body):
        if match.start() < position:
            continue
        end = _number_end(body, match)
        title = body[position : match.start()]
        # The number cell follows its title directly: a number inside the title is the
        # title's own text, so take the *last* number before the next title begins.
        if not _ends_entry(body, end):
            continue
        _add_entry(bases, flags, title, body[match.start() : end].rstrip("."), body[position:end])
        position = end
    rest = body[position:].strip()
    if rest:
        _add_entry(bases, flags, rest, None, rest)
    return bases, flags


def _ends_entry(body: str, end: int) -> bool:
    """A number ends an entry when the next title (or the end) follows it directly."""
    after = body[end : end + 2]
    if after[:1].isdigit() or after[:1] == "." and after[1:].isdigit():
        return False  # another number follows: this one is part of the title
    return after == "" or after[0] in ".;" or not after[0].isspace() and after[0] not in ",)/"


def _add_entry(bases: list, flags: list, title: str, number: str | None, raw: str) -> None:
    title = title.strip().strip(".;").strip()
    doubled = _doubled(title) if title else None
    if doubled is not None and doubled < len(title):
        head = title[:doubled]
        bases.append({"number": None, "title": _half(head), "raw": head})
        flags.append(flag("legal_basis_unsplit", "legal_bases", "no document number", head))
        title = title[doubled:].strip()
    elif doubled is not None and number is None:
        bases.append({"number": None, "title": _half(title), "raw": raw})
        flags.append(flag("legal_basis_unsplit", "legal_bases", "no document number", raw))
        return
    if number is None:
        flags.append(flag("legal_basis_unsplit", "legal_bases", "no document number", raw))
    elif not title:
        flags.append(flag("legal_basis_unsplit", "legal_bases", "no title", raw))
    bases.append({"number": number, "title": title or None, "raw": raw.strip()})


def _half(text: str) -> str:
    squeezed = re.sub(r"\s+", " ", text).strip()
    for cut in range(len(squeezed) // 2 - 1, len(squeezed) // 2 + 2):
        if squeezed[:cut].strip() == squeezed[cut:].strip():
            return squeezed[:cut].strip()
    return squeezed
