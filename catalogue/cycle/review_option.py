"""What a review proposes, for every conclusion, and the reviewer's sheet after simplification.

A review's option (the cost model's ``{id, action, changes}``) follows its conclusion:

* **keep**: nothing is proposed (the cost form's "after" is the current sheet);
* **abolish**: the model's abolish option (after = 0, the saving is the whole cost);
* **replace**: ``{"action": "replace", "replacement_procedure_id": …}``: the replacing
  procedure picked in the review (question VI.2) is the "after"; its cost comes from its
  own sheet, else its estimate (:func:`catalogue.cycle.figures.model_figures`);
* **amend**: the typed changes recorded per unreasonable component, then the changes
  that exist only in the reviewer's *after sheet* (``Review.after_sheet``, typed in the
  cost form): :func:`sheet_changes` reads them as typed changes of the cost model, so
  the catalogue can apply each of them once the legal act is in force. An amend with
  neither is refused (:data:`AMEND_WITHOUT_CHANGES`).

Figures are never typed here: they come from the cost model on the stored sheet, else
the estimate (issue 12 item 5).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from catalogue.cycle.review_form import REPLACEMENT_QUESTION
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import NotFound, ServiceError
from catalogue.registry.models import Procedure, Review

AFTER = "Biểu tính chi phí sau đơn giản hóa"
AMEND_WITHOUT_CHANGES = (
    "Kết luận sửa đổi, bổ sung nhưng chưa có thành phần nào được đánh giá là chưa hợp lý "
    "kèm loại thay đổi (Câu III), cũng chưa có biểu tính chi phí sau đơn giản hóa khác "
    "với hiện tại: ghi loại thay đổi cho thành phần chưa hợp lý hoặc lưu biểu tính chi "
    "phí sau đơn giản hóa (an amend conclusion needs a typed change or an after sheet)"
)
SHEET_REASON = "Theo biểu tính chi phí tuân thủ sau đơn giản hóa của cơ quan rà soát"
# The component kind a change of the after sheet answers to (its reason and legal change).
_KIND_OF = {"set_fee": "fee", "remove_fee": "fee", "set_deadline": "deadline",
            "remove_document": "document", "replace_document_with_lookup": "document"}  # fmt: skip


class AfterSheetRefused(ServiceError):
    """The after sheet cannot be read as changes of the current sheet; each problem named."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{AFTER} không hợp lệ: " + "; ".join(problems))


def _plain(value: Any) -> Any:
    """A Decimal as the int or float a YAML/JSON option holds."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _figure(value: Any) -> Any:
    return _plain(getattr(value, "value", value))


def _by_name(items) -> dict[str, Any]:
    return {i.name: i for i in items}


def _document_changes(before, after, problems: list[str]) -> tuple[list[dict], set[str]]:
    """Removed documents (a sheet cannot say a document is looked up in a database:
    that is a typed change of its component)."""
    out, gone_with = [], set()
    old, new = _by_name(before.documents), _by_name(after.documents)
    for name in new.keys() - old.keys():
        problems.append(f"giấy tờ '{name}': thêm giấy tờ mới không phải là đơn giản hóa")
    for name, doc in old.items():
        if name in new:
            if (doc.copies, doc.certified_copies) != (new[name].copies, new[name].certified_copies):
                problems.append(f"giấy tờ '{name}': số bản thay đổi không có loại thay đổi")
            continue
        out.append({"type": "remove_document", "document": name})
        gone_with |= {a.name for a in before.activities if a.document == name}
    return out, gone_with


def _activity_changes(before, after, gone: set[str], problems: list[str]) -> list[dict]:
    out = []
    old, new = _by_name(before.activities), _by_name(after.activities)
    for name, a in old.items():
        if name not in new:
            if name not in gone:
                out.append({"type": "remove_activity", "name": name})
            continue
        b = new[name]
        if (a.document, a.kind) != (b.document, b.kind):
            problems.append(f"hoạt động '{name}': đổi giấy tờ gắn với hoạt động")
        change = {"type": "set_activity", "name": name}
        for key in ("hours", "people", "out_of_pocket"):
            if getattr(a, key).value != getattr(b, key).value:
                change[key] = _figure(getattr(b, key))
        if a.channels != b.channels and b.channels:
            change["channels"] = list(b.channels)
        elif a.channels != b.channels:
            problems.append(f"hoạt động '{name}': bỏ cách thức riêng không có loại thay đổi")
        if len(change) > 2:
            out.append(change)
    for name in new.keys() - old.keys():
        b = new[name]
        change = {"type": "add_activity", "name": name}
        change.update({k: _figure(getattr(b, k)) for k in ("hours", "people", "out_of_pocket")})
        if b.channels:
            change["channels"] = list(b.channels)
        if b.document:
            change["document"] = b.document
        out.append(change)
    return out


def _fee_changes(before, after, problems: list[str]) -> list[dict]:
    out = []
    old, new = _by_name(before.fees), _by_name(after.fees)
    for name in new.keys() - old.keys():
        problems.append(f"phí, lệ phí '{name}': thêm khoản thu mới không phải là đơn giản hóa")
    for name, f in old.items():
        if name not in new:
            out.append({"type": "remove_fee", "name": name})
            continue
        g = new[name]
        if (f.amount.value, f.currency, f.channels) == (g.amount.value, g.currency, g.channels):
            continue
        change = {"type": "set_fee", "name": name, "amount": _figure(g.amount)}
        if g.currency != f.currency:
            change["currency"] = g.currency
        if g.channels != f.channels and g.channels:
            change["channels"] = list(g.channels)
        out.append(change)
    return out


def _figure_changes(before, after, problems: list[str]) -> list[dict]:
    out = []
    if before.hourly_rate.value != after.hourly_rate.value:
        problems.append("thu nhập bình quân giờ là tham số, không sửa trong biểu sau đơn giản hóa")
    if before.channels != after.channels:
        out.append({"type": "set_channels",
                    "value": {k: _plain(v) for k, v in after.channels.items()}})  # fmt: skip
    for channel, days in after.deadline_days.items():
        if before.deadline_days.get(channel) != days:
            out.append({"type": "set_deadline", "days": _plain(days), "channel": channel})
    for key, kind in (("population", "set_population"), ("frequency", "set_frequency")):
        if getattr(before, key).value != getattr(after, key).value:
            out.append({"type": kind, "value": _figure(getattr(after, key))})
    return out


def sheet_changes(before, after) -> list[dict[str, Any]]:
    """The typed changes (without reasons) that turn sheet ``before`` into ``after``.

    Both are parsed sheets (:class:`analysis.model.Sheet`). Refused whole
    (:class:`AfterSheetRefused`) for what no change type says: a new document or fee, a
    changed number of copies, a changed hourly rate. A deadline channel the after sheet
    does not list is left as it is.
    """
    problems: list[str] = []
    documents, gone = _document_changes(before, after, problems)
    changes = [
        *documents,
        *_activity_changes(before, after, gone, problems),
        *_fee_changes(before, after, problems),
        *_figure_changes(before, after, problems),
    ]
    if problems:
        raise AfterSheetRefused(problems)
    return changes


def _params():
    from analysis.parameters import load_parameters

    return load_parameters()


def current_sheet(session: Session, procedure_id: int):
    """The procedure's sheet as the model prices it now (stored, else the estimate)."""
    from catalogue.costing.burden import procedure_sheet

    sheet = procedure_sheet(session.connection(), procedure_id, params=_params())
    if sheet is None:
        raise ServiceError(f"Thủ tục #{procedure_id}: chưa có bảng tính chi phí (no sheet)")
    return sheet


def parse_after(content: dict[str, Any], procedure_id: int):
    """The stored after sheet, parsed (errors name the field)."""
    from analysis.errors import SheetError
    from analysis.sheet import parse_sheet
    from catalogue.costing.burden import from_json

    data = {k: v for k, v in from_json(content).items() if k != "options"}
    try:
        return parse_sheet(data, params=_params(), file=f"{AFTER} [{procedure_id}]")
    except SheetError as exc:
        raise AfterSheetRefused([str(exc)]) from exc


def start_sheet(sheet, typed: list[dict[str, Any]]):
    """The sheet with the review's typed changes applied (the after sheet's starting point)."""
    from analysis.changes import apply_option
    from analysis.errors import SheetError
    from analysis.sheet import parse_sheet
    from analysis.sheet_data import sheet_to_data

    if not typed:
        return sheet
    data = {k: v for k, v in sheet_to_data(sheet).items() if k != "options"}
    data["options"] = [{"id": "ra-soat", "action": "amend", "changes": typed}]
    try:
        parsed = parse_sheet(data, params=_params())
    except SheetError as exc:
        raise ServiceError(f"Thay đổi đã ghi ở Câu III không áp dụng được: {exc}") from exc
    return apply_option(parsed, parsed.options[0])


def after_start(session: Session, procedure_id: int, review: Review | None) -> dict[str, Any]:
    """The after sheet the cost form offers: the reviewer's when saved, else the current
    sheet with the review's typed changes applied (as sheet data, JSON-ready)."""
    from dataclasses import replace

    from analysis.sheet_data import sheet_to_data
    from catalogue.costing.burden import to_json

    if review is not None and review.after_sheet:
        return dict(review.after_sheet)
    typed = [dict(c["change"]) for c in (review.components if review else []) if c.get("change")]
    start = start_sheet(current_sheet(session, procedure_id), typed)
    # a document read from a database is simply gone from the sheet's point of view
    return to_json(sheet_to_data(replace(start, data_reuse=(), options=())))


def _reasoned(review: Review, change: dict[str, Any], used: set[str]) -> dict[str, Any]:
    """A change of the after sheet with the reason (and legal change) of the unreasonable
    component of its kind that has no typed change; else the overall reason (VI.3)."""
    kind = _KIND_OF.get(change["type"])
    for c in review.components:
        if c.get("reasonable") is False and not c.get("change") and c["key"] not in used:
            if kind and c["key"].startswith(kind) and c.get("reason"):
                used.add(c["key"])
                extra = {"legal_change": c["legal_change"]} if c.get("legal_change") else {}
                return {**change, "reason": c["reason"], **extra}
    return {**change, "reason": review.answers.get("VI.3") or SHEET_REASON}


def amend_changes(session: Session, review: Review) -> list[dict[str, Any]]:
    """The typed changes of the components, then those only in the after sheet."""
    typed = [dict(c["change"]) for c in review.components if c.get("change")]
    if not review.after_sheet:
        return typed
    start = start_sheet(current_sheet(session, review.procedure_id), typed)
    used: set[str] = set()
    derived = sheet_changes(start, parse_after(review.after_sheet, review.procedure_id))
    return typed + [_reasoned(review, c, used) for c in derived]


def replacement_id(session: Session, review: Review) -> int | None:
    """The replacing procedure picked in the review (question VI.2), if in the catalogue."""
    code = review.answers.get(REPLACEMENT_QUESTION)
    if not code:
        return None
    return session.exec(select(Procedure.id).where(Procedure.code == code)).first()


def option_of(session: Session, review: Review) -> dict[str, Any]:
    """The option the review proposes (see the module's docstring); refused for an amend
    conclusion with no change and a replace one without its replacing procedure."""
    from catalogue.cycle.review import review_reasons

    option: dict[str, Any] = {"id": f"ra-soat-{review.year}"}
    if review.conclusion == "keep":
        return {**option, "action": "keep"}
    if review.conclusion == "abolish":
        return {**option, "action": "abolish", "reason": review_reasons(review) or "Bãi bỏ"}
    if review.conclusion == "replace":
        other = replacement_id(session, review)
        if other is None:
            raise ServiceError(
                f"Kết luận thay thế nhưng chưa chọn thủ tục thay thế có trong danh mục "
                f"(Câu {REPLACEMENT_QUESTION}) (a replace conclusion needs its successor)"
            )
        return {**option, "action": "replace", "replacement_procedure_id": other}
    changes = amend_changes(session, review)
    if not changes:
        raise ServiceError(AMEND_WITHOUT_CHANGES)
    return {**option, "action": "amend", "changes": changes}


def review_figures(session: Session, review: Review):
    """The cost model's figures of the review's option (:class:`CostFigures`, source)."""
    from catalogue.cycle.figures import model_figures

    figures, label, _sheet = model_figures(session, review.procedure_id,
                                           option_of(session, review))  # fmt: skip
    return figures, label


def save_after_sheet(
    *,
    session: Session,
    actor: str,
    procedure_id: int,
    year: int,
    content: dict[str, Any] | None,
    expected_version: int | None = None,
) -> Review:
    """Store (or, with ``None``, clear) the review's sheet after simplification; audited.

    Refused whole when the sheet does not parse or holds a difference no change type
    says (each problem named), when the review is not started or already proposed, and
    for a stale ``expected_version`` (the review's version).
    """
    from catalogue.costing.burden import from_json, to_json
    from catalogue.cycle import review_plan as rp
    from catalogue.cycle.review import find_review

    require(session=session, actor=actor, action="proposal.edit")
    review = find_review(session, procedure_id, year)
    if review is None:
        raise NotFound(
            f"Thủ tục #{procedure_id} chưa có biểu rà soát năm {year}: lưu biểu rà soát trước "
            "(no review yet)"
        )
    if review.proposal_id:
        raise ServiceError(
            f"Biểu rà soát đã lập đề xuất #{review.proposal_id}; sửa đề xuất trong phương án "
            "(already proposed)"
        )
    data = None
    if content is not None:
        if not isinstance(content, dict):
            raise AfterSheetRefused(["phải là bảng khóa–giá trị (must be a mapping)"])
        data = to_json(from_json({k: v for k, v in content.items() if k != "options"}))
        typed = [dict(c["change"]) for c in review.components if c.get("change")]
        start = start_sheet(current_sheet(session, procedure_id), typed)
        sheet_changes(start, parse_after(data, procedure_id))  # refuses what it cannot say
    before = jsonable(review)
    rp.versioned_save(session, review, {"after_sheet": data}, expected_version, "biểu rà soát")
    write_audit(
        session=session, actor=actor, action="review.after_sheet", entity="review",
        entity_id=review.id, before=before, after=jsonable(review),
    )  # fmt: skip
    return review
