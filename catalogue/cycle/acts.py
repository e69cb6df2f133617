"""Legal acts (VBQPPL) and what they implement (PROCESS.md §1 stage 5).

An act is issued by another body (a ministry's circular, a decree, the province's own
decision or resolution): it is recorded with its number, title, issuer, dates and, for
national procedures, the ministry's own Quyết định công bố. Each act is linked to the
adopted proposals it implements, wholly or in part; a proposal the issuer declined is
linked with ``declined`` and frees its procedure for a later phương án. Recording an act
changes no catalogue record (the công bố and the date in force do).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalogue.cycle import claims
from catalogue.cycle.common import Immutable, _get
from catalogue.registry.audit import jsonable, write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ImportFailed, Problem, ServiceError
from catalogue.registry.models import ActLink, LegalAct, Routing

EXTENTS = {
    "whole": "thực thi toàn bộ (implemented wholly)",
    "part": "thực thi một phần (implemented in part)",
    "declined": "không chấp nhận kiến nghị (declined)",
}
ACT_FIELDS = ("number", "title", "issuer", "issued_on", "in_force_on", "ministry_decision")


def _date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for parse in (date.fromisoformat, _vn_date):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ServiceError(f"{field}: ngày không hợp lệ '{text}' (a date like 31/12/2026)")


def _vn_date(text: str) -> date:
    day, month, year = text.split("/")
    return date(int(year), int(month), int(day))


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: (str(values.get(k) or "").strip() or None) for k in ACT_FIELDS}
    for key in ("number", "title", "issuer"):
        if not out[key]:
            raise ServiceError(f"{key}: bắt buộc (required)")
    out["issued_on"] = _date(values.get("issued_on"), "issued_on")
    out["in_force_on"] = _date(values.get("in_force_on"), "in_force_on")
    if out["in_force_on"] < out["issued_on"]:
        raise ServiceError(
            "in_force_on: ngày có hiệu lực trước ngày ban hành (date in force before issue)"
        )
    return out


def record_act(*, session: Session, actor: str, **values: Any) -> LegalAct:
    """Record a VBQPPL: number, title, issuer, issued_on, in_force_on[, ministry_decision]."""
    require(session=session, actor=actor, action="act.record")
    unknown = set(values) - set(ACT_FIELDS)
    if unknown:
        raise ServiceError(f"Trường không hợp lệ: {', '.join(sorted(unknown))} (unknown fields)")
    data = _checked(values)
    if session.exec(select(LegalAct).where(LegalAct.number == data["number"])).first():
        raise ServiceError(f"Văn bản {data['number']} đã được ghi nhận (act already recorded)")
    act = LegalAct(**data, recorded_by=actor)
    session.add(act)
    session.flush()
    write_audit(
        session=session, actor=actor, action="act.record", entity="legal_act",
        entity_id=act.id, after=jsonable(act),
    )  # fmt: skip
    return act


def link_act(
    *,
    session: Session,
    actor: str,
    act_id: int,
    routing_id: int,
    extent: str,
    note: str | None = None,
) -> ActLink:
    """Say that the act implements (``whole`` / ``part``) or declines one adopted proposal."""
    require(session=session, actor=actor, action="act.record")
    if extent not in EXTENTS:
        raise ServiceError(f"extent '{extent}': phải là {', '.join(EXTENTS)} (unknown extent)")
    act = _get(session, LegalAct, act_id, "văn bản")
    routing = _get(session, Routing, routing_id, "đề xuất đã thông qua")
    links = list(session.exec(select(ActLink).where(ActLink.routing_id == routing.id)))
    if any(link.act_id == act.id for link in links):
        raise Immutable(
            f"Văn bản {act.number} đã được gắn với đề xuất #{routing.proposal_id} "
            "(already linked; links are append-only)"
        )
    if extent == "declined" and not (note or "").strip():
        raise ServiceError("Cần nêu lý do không chấp nhận (a declined link needs a note)")
    link = ActLink(
        act_id=act.id, routing_id=routing.id, extent=extent, note=note, recorded_by=actor
    )
    session.add(link)
    session.flush()
    if extent == "declined":
        claims.release(session, routing.procedure_id, ("adoption",))
    write_audit(
        session=session, actor=actor, action="act.link", entity="act_link", entity_id=link.id,
        after={**jsonable(link), "act": act.number, "proposal_id": routing.proposal_id},
    )  # fmt: skip
    return link


def import_acts(*, session: Session, actor: str, path: Path) -> list[LegalAct]:
    """Record every act of a CSV or Excel file (columns :data:`ACT_FIELDS`), all or none."""
    require(session=session, actor=actor, action="act.record")
    rows = _read_rows(Path(path))
    problems = []
    acts = []
    for line, row in rows:
        try:  # record_act checks everything before it writes; a failure rolls all back
            acts.append(record_act(session=session, actor=actor, **row))
        except ServiceError as exc:
            field = str(exc).split(":", 1)[0] if ":" in str(exc) else None
            problems.append(Problem(str(path), line, field, str(exc)))
    if problems:
        raise ImportFailed(problems)
    return acts


def _read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line or row number, {field: value}) of a CSV (UTF-8, BOM allowed) or xlsx file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        header = [str(h or "").strip() for h in values[0]] if values else []
        body = values[1:]
    else:
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        values = list(reader)
        header = [h.strip() for h in values[0]] if values else []
        body = values[1:]
    missing = [f for f in ACT_FIELDS[:5] if f not in header]
    if missing:
        raise ImportFailed(
            [Problem(str(path), 1, f, "thiếu cột (missing column)") for f in missing]
        )
    out = []
    for i, row in enumerate(body, start=2):
        data = {h: v for h, v in zip(header, row, strict=False) if h in ACT_FIELDS}
        if any(v not in (None, "") for v in data.values()):
            out.append((i, data))
    return out
