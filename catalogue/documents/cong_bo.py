"""The Quyết định công bố danh mục thủ tục hành chính (stage 6), in Word and its list in Excel.

Word (PROCESS.md §4): the heading, "QUYẾT ĐỊNH" and its subject, the chair's title, the
bases from ``data/documents/bases.yaml`` (kind ``cong_bo``: the laws, the legal acts that
made the change, the ministry's Quyết định công bố, the decision amended) and "Theo đề
nghị của …", three articles (what is published; in force from when, what ends; who
executes) and "./.", the signature of the signer (chair, or KT. for a vice-chair) with
"Nơi nhận". Then the annex, in a landscape section:

- **Phần I.** one table per kind present (mới ban hành, sửa đổi bổ sung, thay thế, bãi
  bỏ), each with its own columns, rows grouped by level (A. cấp tỉnh, B. cấp xã) then by
  field (I. Lĩnh vực …); the replacing procedure beside the one it replaces, and the
  legal act of every row;
- **Phần II.** (portrait) for each new, amended or replacing procedure its components
  (steps, channels, dossier, deadline, subjects, agency, result, fees, forms,
  requirements, legal basis), with what changed for an amended one.

The Excel list keeps the flat columns of :data:`catalogue.documents.exports.DECISION_HEADERS`
with the shared print setup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from catalogue.cycle import SECTIONS
from catalogue.documents import excel as X
from catalogue.documents import layout as L
from catalogue.documents import procedure_text as P
from catalogue.documents.bases import load_bases
from catalogue.documents.exports import (
    DECISION_HEADERS,
    SECTION_NUMBERS,
    DecisionList,
    decision_item_row,
    decision_list,
    vn_date,
)
from catalogue.documents.profile import Profile, require_profile
from catalogue.documents.words import GROUP_LETTERS, ROMAN_NUMERALS
from catalogue.registry.models import DecisionItem, LegalAct, Procedure, Proposal, Routing
from catalogue.registry.store import load_records

NEEDS = ("authority", "place", "chair", "review_head", "archive", "recipients")
SECTION_WORDS = {
    "new": "mới ban hành",
    "amended": "được sửa đổi, bổ sung",
    "replaced": "được thay thế",
    "abolished": "bị bãi bỏ",
}
_STT = L.Column("STT", 5, "center")
_CODE = L.Column("Mã số TTHC", 11, "center")
_FIELD = L.Column("Lĩnh vực", 13)
_AGENCY = L.Column("Cơ quan thực hiện", 16)
SECTION_COLUMNS: dict[str, list[L.Column]] = {
    "new": [_STT, L.Column("Tên thủ tục hành chính", 30), _FIELD, _AGENCY,
            L.Column("Thời hạn giải quyết", 12), L.Column("Phí, lệ phí", 12),
            L.Column("Căn cứ pháp lý", 22)],
    "amended": [_STT, _CODE, L.Column("Tên thủ tục hành chính", 30),
                L.Column("Tên VBQPPL quy định nội dung sửa đổi, bổ sung", 28), _FIELD, _AGENCY],
    "replaced": [_STT, _CODE, L.Column("Tên TTHC được thay thế", 24),
                 L.Column("Tên TTHC thay thế", 24),
                 L.Column("Tên VBQPPL quy định nội dung thay thế", 22), _FIELD, _AGENCY],
    "abolished": [_STT, _CODE, L.Column("Tên thủ tục hành chính", 30),
                  L.Column("Tên VBQPPL quy định việc bãi bỏ", 28), _FIELD, _AGENCY],
}  # fmt: skip


def _listed(words: Sequence[str]) -> str:
    """``a, b và c``."""
    return ", ".join(words[:-1]) + (" và " if len(words) > 1 else "") + words[-1]


def _present(data: DecisionList) -> list[str]:
    return [key for key in SECTIONS if data.sections[key]]


def _replacements(session: Session, items: list[DecisionItem]) -> dict[int, Procedure]:
    """Replaced item id → the procedure that replaces it (the entry's own, else the
    proposal's)."""
    out = {}
    for item in items:
        if item.replacement_procedure_id:
            out[item.id] = session.get(Procedure, item.replacement_procedure_id)
            continue
        proposal = session.get(Proposal, item.proposal_id) if item.proposal_id else None
        if proposal is not None and proposal.replacement_procedure_id:
            out[item.id] = session.get(Procedure, proposal.replacement_procedure_id)
    return out


ACT_KINDS = ("Nghị quyết", "Nghị định", "Thông tư liên tịch", "Thông tư", "Quyết định", "Luật")


def act_citation(act: LegalAct) -> str:
    """A legal act as a base cites it: ``Thông tư số 05/2027/TT-BTP ngày 01 tháng 02 năm
    2027 của Bộ Tư pháp sửa đổi …`` (the kind is the first words of its title)."""
    title = " ".join(act.title.split())
    kind = next((k for k in ACT_KINDS if title.startswith(k)), None)
    rest = title[len(kind) :].strip() if kind else title
    return (
        f"{kind or 'Văn bản'} số {act.number} {L.long_date(act.issued_on)} của {act.issuer} {rest}"
    )


def ministry_citation(act: LegalAct) -> str | None:
    """The ministry's Quyết định công bố of ``act``, as a base cites it."""
    if not act.ministry_decision:
        return None
    who = f"Bộ trưởng {act.issuer}" if act.issuer.startswith("Bộ ") else act.issuer
    kind = next((k for k in ACT_KINDS if act.title.strip().startswith(k)), "văn bản")
    return (f"Quyết định số {act.ministry_decision} của {who} về việc công bố thủ tục hành "
            f"chính quy định tại {kind} số {act.number}")  # fmt: skip


def _cited_acts(session: Session, data: DecisionList) -> list[LegalAct]:
    """The acts the list's entries cite (entries of a công bố name their act), in order."""
    ids = [i.act_id for key in SECTIONS for i in data.sections[key] if i.act_id]
    acts = [session.get(LegalAct, i) for i in dict.fromkeys(ids)]
    return sorted((a for a in acts if a is not None), key=lambda a: (a.issued_on, a.number))


def _grouped(
    items: list[DecisionItem], levels: Mapping[int, tuple[str, ...]], make_row
) -> list[Any]:
    """Rows grouped by level (A., B. …) then field (I., II. …), STT running in the table."""
    groups: dict[tuple[str, ...], dict[str, list[DecisionItem]]] = {}
    for item in items:
        key = levels.get(item.procedure_id, ())
        groups.setdefault(key, {}).setdefault(item.field or "", []).append(item)
    rows: list[Any] = []
    stt = 0
    for n, (level, fields) in enumerate(sorted(groups.items(), key=lambda g: P.level_rank(g[0]))):
        rows.append(L.GroupRow(f"{GROUP_LETTERS[n]}. {P.level_group_title(level)}"))
        for m, (field, field_items) in enumerate(sorted(fields.items())):
            rows.append(L.GroupRow(f"{ROMAN_NUMERALS[m]}. Lĩnh vực {field or 'khác'}"))
            for item in field_items:
                stt += 1
                rows.append(make_row(stt, item))
    return rows


def _section_rows(
    key: str, items, *, levels, replacements, records, acts: Mapping[int, str]
) -> list[Any]:
    def act(item: DecisionItem) -> str:
        return acts.get(item.proposal_id or 0) or item.legal_basis or ""

    def make_row(stt: int, item: DecisionItem) -> list[Any]:
        agency = item.agency or ""
        if key == "new":
            rec = records.get(item.procedure_id) or {}
            return [stt, item.name, item.field, agency, P.deadline_summary(rec),
                    P.fee_summary(rec), act(item)]  # fmt: skip
        if key == "replaced":
            other = replacements.get(item.id)
            successor = f"{other.name} (mã {other.code})" if other and other.code else ""
            successor = successor or (other.name if other else "")
            return [stt, item.code, item.name, successor, act(item), item.field, agency]
        return [stt, item.code, item.name, act(item), item.field, agency]

    return _grouped(items, levels, make_row)


def _articles(doc, data: DecisionList, profile: Profile) -> None:
    d = data.decision
    present = _present(data)
    parts = [f"{L.count(len(data.sections[k]))} thủ tục {SECTION_WORDS[k]}" for k in present]
    L.article(
        doc,
        1,
        f"Công bố kèm theo Quyết định này danh mục {L.count(data.count)} thủ tục hành chính "
        f"({'; '.join(parts)}) thuộc thẩm quyền giải quyết trên địa bàn tỉnh {profile.province}.",
    )
    second = f"Quyết định này có hiệu lực thi hành kể từ {L.long_date(d.effective_on)}."
    ending = [w for k, w in (("replaced", "được thay thế"), ("abolished", "bị bãi bỏ"))
              if data.sections[k]]  # fmt: skip
    if ending:
        second += (
            f" Các thủ tục hành chính {', '.join(ending)} tại Phần I của Phụ lục kèm theo "
            "hết hiệu lực kể từ ngày Quyết định này có hiệu lực thi hành."
        )
    if data.amends is not None:
        second += f" Quyết định này sửa đổi, bổ sung Quyết định số {data.amends.number}."
    L.article(doc, 2, second)
    L.article(
        doc,
        3,
        "Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành tỉnh, Chủ tịch "
        "Ủy ban nhân dân các xã, phường và các tổ chức, cá nhân có liên quan chịu trách "
        "nhiệm thi hành Quyết định này.",
        end=True,
    )


def decision_docx(
    *,
    session: Session,
    actor: str,
    decision_id: int,
    legal_acts: Sequence[str] = (),
    ministry_decisions: Sequence[str] = (),
    row_acts: Mapping[int, str] | None = None,
    submission: tuple[str, date | None] | None = None,
) -> bytes:
    """The whole Quyết định công bố as Word bytes.

    ``legal_acts`` and ``ministry_decisions`` are the bases the decision cites (full
    descriptions: "Thông tư số 04/2027/TT-BTP ngày … của Bộ trưởng Bộ Tư pháp …");
    ``row_acts`` maps a proposal id to the legal act of its row (default: the procedure's
    legal basis as published); ``submission`` is the Tờ trình (number, date) proposing it.
    Refused before anything is made when the organisation profile lacks a value.
    """
    data = decision_list(session=session, actor=actor, decision_id=decision_id)
    profile = require_profile(session=session, needs=NEEDS)
    signature = profile.signature(data.decision.signer)
    d = data.decision
    doc = L.new_document(title=d.title, author=profile.authority)
    L.heading_block(doc, profile.heading(d.number, d.signed_on))
    L.kind_and_subject(doc, "Quyết định", d.title or _default_subject(data))
    L.authority_line(doc, profile.chair_title)
    amended = [f"Quyết định số {data.amends.number} {L.long_date(data.amends.signed_on)} "
               f"của {profile.chair_title}"] if data.amends else []  # fmt: skip
    cited = _cited_acts(session, data)
    if not legal_acts:
        legal_acts = [act_citation(a) for a in cited]
    if not ministry_decisions:
        ministry_decisions = [m for a in cited if (m := ministry_citation(a))]
    values = {"legal_acts": list(legal_acts), "ministry_decisions": list(ministry_decisions),
              "amended_decisions": amended}  # fmt: skip
    number, on = submission or (None, None)
    L.bases(doc, [*load_bases("cong_bo", values), L.proposal_line(profile.review_head, number, on)])
    L.decides(doc)
    _articles(doc, data, profile)
    L.signature_and_recipients(doc, signature, ["Như Điều 3", *profile.recipients],
                               archive=profile.archive)  # fmt: skip
    _annex(doc, session, data, profile, row_acts or {})
    return L.to_bytes(doc)


def _default_subject(data: DecisionList) -> str:
    words = [SECTION_WORDS[k] for k in _present(data)]
    return f"Về việc công bố danh mục thủ tục hành chính {_listed(words)}"


def _annex(doc, session: Session, data: DecisionList, profile: Profile, acts) -> None:
    d = data.decision
    items = [i for key in SECTIONS for i in data.sections[key]]
    ids = [i.procedure_id for i in items if i.procedure_id]
    replacements = _replacements(session, data.sections["replaced"])
    ids += [p.id for p in replacements.values() if p is not None]
    records = load_records(session.connection(), ids=ids, with_ids=True) if ids else {}
    levels = {pid: tuple(rec.get("levels") or ()) for pid, rec in records.items()}
    L.annex_section(doc)
    words = [SECTION_WORDS[k] for k in _present(data)]
    L.annex_heading(
        doc,
        "Phụ lục",
        [f"DANH MỤC THỦ TỤC HÀNH CHÍNH {_listed(words).upper()}"],
        f"(Kèm theo Quyết định số {d.number} {L.long_date(d.signed_on)} của {profile.chair_title})",
    )
    L.heading_paragraph(doc, "PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH")
    for n, key in enumerate(_present(data), start=1):
        L.heading_paragraph(doc, f"{n}. {SECTIONS[key]}")
        rows = _section_rows(key, data.sections[key], levels=levels, replacements=replacements,
                             records=records, acts=acts)  # fmt: skip
        L.table(doc, SECTION_COLUMNS[key], rows)
    detailed = [(i, records.get(i.procedure_id)) for k in ("new", "amended")
                for i in data.sections[k]]  # fmt: skip
    detailed += [(i, records.get(p.id)) for i in data.sections["replaced"]
                 if (p := replacements.get(i.id)) is not None]  # fmt: skip
    if not detailed:
        return
    L.annex_section(doc, landscape=False)
    L.heading_paragraph(doc, "PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH")
    changes = _changes_of(session, data.sections["amended"])
    for n, (item, record) in enumerate(detailed, start=1):
        if record is None:
            continue
        P.procedure_components(doc, n, record, changes.get(item.id, ()))


def _changes_of(session: Session, items: list[DecisionItem]) -> dict[int, tuple[dict, ...]]:
    """Item id → the changes of the option as adopted (the routing), else as proposed."""
    out = {}
    for item in items:
        routing = session.get(Routing, item.routing_id) if item.routing_id else None
        if routing is not None:
            out[item.id] = tuple((routing.option or {}).get("changes") or ())
            continue
        proposal = session.get(Proposal, item.proposal_id) if item.proposal_id else None
        if proposal is not None:
            out[item.id] = tuple((proposal.option or {}).get("changes") or ())
    return out


def decision_xlsx(*, session: Session, actor: str, decision_id: int) -> bytes:
    """The decision's list as one Excel sheet: title, header, then section rows and items.

    Layout: row 1 title, row 2 "(Kèm theo Quyết định số … ngày …)", row 4 the header;
    each section starts with a row whose first cell is ``1. Danh mục …`` and its items
    follow with STT from 1. Shared print setup (:func:`catalogue.documents.excel.table_sheet`).
    """
    data = decision_list(session=session, actor=actor, decision_id=decision_id)
    d = data.decision
    widths = (6, 14, 50, 18, 28, 40, 30)
    columns = [X.XlColumn(h, w, align="center" if i in (0, 1) else "left")
               for i, (h, w) in enumerate(zip(DECISION_HEADERS, widths, strict=True))]  # fmt: skip
    rows: list[Any] = []
    for key, title in SECTIONS.items():
        rows.append(L.GroupRow(f"{SECTION_NUMBERS[key]} {title}"))
        rows += [decision_item_row(item) for item in data.sections[key]]
    wb = X.new_workbook()
    X.table_sheet(
        wb,
        "Danh mục TTHC",
        title=["DANH MỤC THỦ TỤC HÀNH CHÍNH",
               f"(Kèm theo Quyết định số {d.number} ngày {vn_date(d.signed_on)})"],
        columns=columns,
        rows=rows,
    )  # fmt: skip
    return X.workbook_bytes(wb)
