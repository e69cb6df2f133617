"""The organisation profile: who issues, proposes and signs the documents, and who gets them.

One row (:class:`~catalogue.registry.models.OrganisationProfile`) holds the province and
its authority, the place name written before dates, the chair and the vice-chairs who
sign, the department in charge of review (whose head proposes), the archive mark and the
default recipients. Only an admin changes it (action ``profile.edit``), and every change
is audited. Every document reads it through :func:`require_profile`, which refuses, with
a message naming each missing value, before anything is produced: a document never
prints dots where a name belongs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue.documents.layout import Heading, Signature
from catalogue.registry.audit import write_audit
from catalogue.registry.auth import require
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import OrganisationProfile, utcnow

# Each value of the profile: (Vietnamese label, English label, example).
PROFILE_FIELDS: dict[str, tuple[str, str, str]] = {
    "province": ("tên tỉnh", "province name", "Bình An"),
    "authority": ("tên cơ quan ban hành", "issuing authority", "Ủy ban nhân dân tỉnh Bình An"),
    "place": ("địa danh ghi ngày tháng", "place name for dates", "Bình An"),
    "chair": ("họ tên Chủ tịch", "chair's name", "Nguyễn Văn An"),
    "vice_chairs": ("họ tên các Phó Chủ tịch", "vice-chairs' names", "Trần Văn Bình"),
    "review_department": ("cơ quan chủ trì rà soát", "department in charge of review",
                          "Sở Tư pháp"),
    "review_head": ("người đứng đầu cơ quan chủ trì", "head of that department",
                    "Giám đốc Sở Tư pháp"),
    "archive": ("nơi lưu", "archive mark", "VT, KSTT"),
    "recipients": ("nơi nhận mặc định", "default recipients",
                   "Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ"),
}  # fmt: skip
LIST_FIELDS = ("vice_chairs", "recipients")
AUTHORITY_HEAD = "Ủy ban nhân dân"

DEMO_PROFILE: dict[str, Any] = {
    "province": "Bình An",
    "authority": "Ủy ban nhân dân tỉnh Bình An",
    "place": "Bình An",
    "chair": "Nguyễn Văn An",
    "vice_chairs": ["Trần Văn Bình", "Lê Thị Châu"],
    "review_department": "Văn phòng Ủy ban nhân dân tỉnh",
    "review_head": "Chánh Văn phòng Ủy ban nhân dân tỉnh",
    "archive": "VT, KSTT",
    "recipients": [
        "Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ",
        "Thường trực Tỉnh ủy",
        "Thường trực Hội đồng nhân dân tỉnh",
        "Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh",
        "Cổng thông tin điện tử tỉnh",
    ],
}


class ProfileIncomplete(ServiceError):
    """A document needs a profile value that is not set."""


@dataclass(frozen=True)
class Profile:
    """The profile's values (None or empty when not set)."""

    province: str | None = None
    authority: str | None = None
    place: str | None = None
    chair: str | None = None
    vice_chairs: tuple[str, ...] = ()
    review_department: str | None = None
    review_head: str | None = None
    archive: str | None = None
    recipients: tuple[str, ...] = field(default_factory=tuple)

    def missing(self, names: tuple[str, ...] = tuple(PROFILE_FIELDS)) -> list[str]:
        """The names among ``names`` whose value is not set."""
        return [n for n in names if not getattr(self, n)]

    @property
    def issuer_lines(self) -> tuple[str, ...]:
        """The issuing body as printed in the heading: ``ỦY BAN NHÂN DÂN`` / ``TỈNH BÌNH AN``.

        >>> Profile(authority="Ủy ban nhân dân tỉnh Bình An").issuer_lines
        ('ỦY BAN NHÂN DÂN', 'TỈNH BÌNH AN')
        """
        name = self.authority or ""
        if name.lower().startswith(AUTHORITY_HEAD.lower()) and name[len(AUTHORITY_HEAD) :]:
            return (AUTHORITY_HEAD.upper(), name[len(AUTHORITY_HEAD) :].strip().upper())
        return (name.upper(),)

    @property
    def chair_title(self) -> str:
        """``Chủ tịch Ủy ban nhân dân tỉnh Bình An`` (the authority above the bases)."""
        return f"Chủ tịch {self.authority}"

    def heading(self, number: str, on, *, year: int | None = None) -> Heading:
        """The heading block of a document the authority issues."""
        return Heading(issuer=self.issuer_lines, number=number, place=self.place or "",
                       on=on, year=year)  # fmt: skip

    def signature(self, signer: str | None = None, *, collective: bool = False) -> Signature:
        """The block for ``signer``: the chair signs ``CHỦ TỊCH``, a vice-chair ``KT. CHỦ
        TỊCH / PHÓ CHỦ TỊCH``; ``collective`` adds ``TM. ỦY BAN NHÂN DÂN`` (a document of
        the committee as a body). Without a signer the chair signs."""
        name = (signer or self.chair or "").strip()
        body = AUTHORITY_HEAD if collective else None
        if name == self.chair:
            return Signature.of(title="Chủ tịch", name=name, collective=body)
        if name in self.vice_chairs:
            return Signature.of(title="Chủ tịch", deputy="Phó Chủ tịch", name=name,
                                collective=body)  # fmt: skip
        raise ProfileIncomplete(
            f"Người ký '{name}' không phải Chủ tịch hay Phó Chủ tịch trong hồ sơ cơ quan; "
            f"thêm bằng: tthc profile set --vice-chair '{name}' "
            f"(signer '{name}' is neither the chair nor a vice-chair of the profile)"
        )


CLI_OPTIONS = {"vice_chairs": "--vice-chair", "recipients": "--recipient"}  # repeated options


def _label(name: str) -> str:
    vi, en, _ = PROFILE_FIELDS[name]
    option = CLI_OPTIONS.get(name, f"--{name.replace('_', '-')}")
    return f"{vi} ({en}, {option})"


def get_profile(*, session: Session) -> Profile:
    """The stored profile (every value unset when none was ever saved)."""
    row = session.exec(select(OrganisationProfile).order_by(OrganisationProfile.id)).first()
    if row is None:
        return Profile()
    values = {name: getattr(row, name) for name in PROFILE_FIELDS}
    for name in LIST_FIELDS:
        values[name] = tuple(values[name] or ())
    return Profile(**values)


def require_profile(*, session: Session, needs: tuple[str, ...] = tuple(PROFILE_FIELDS)) -> Profile:
    """The profile, if every value in ``needs`` is set; ProfileIncomplete naming each missing
    one (and how to set it) otherwise."""
    profile = get_profile(session=session)
    missing = profile.missing(needs)
    if missing:
        raise ProfileIncomplete(
            "Hồ sơ cơ quan còn thiếu: " + "; ".join(_label(n) for n in missing)
            + ". Quản trị viên đặt bằng 'tthc profile set' hoặc trang Hồ sơ cơ quan "
            "(organisation profile incomplete: set these before producing a document)"
        )  # fmt: skip
    return profile


def _clean(name: str, value: Any) -> Any:
    if name not in PROFILE_FIELDS:
        raise ServiceError(
            f"Không có mục '{name}' trong hồ sơ cơ quan (unknown profile value; known: "
            f"{', '.join(PROFILE_FIELDS)})"
        )
    if name in LIST_FIELDS:
        items = [value] if isinstance(value, str) else list(value or [])
        if not all(isinstance(v, str) for v in items):
            raise ServiceError(f"{_label(name)}: phải là danh sách chữ (must be a list of text)")
        return [" ".join(v.split()) for v in items if v.strip()]
    if value is None:
        return None
    if not isinstance(value, str):
        raise ServiceError(f"{_label(name)}: phải là chữ (must be text)")
    return " ".join(value.split()) or None


def set_profile(*, session: Session, actor: str, **values: Any) -> Profile:
    """Change the given values of the profile (admin only, audited); the others stay.

    A list value (vice-chairs, recipients) replaces the whole list; an empty text unsets
    a value.
    """
    require(session=session, actor=actor, action="profile.edit")
    cleaned = {name: _clean(name, value) for name, value in values.items()}
    row = session.exec(select(OrganisationProfile).order_by(OrganisationProfile.id)).first()
    if row is None:
        row = OrganisationProfile()
        session.add(row)
    before = {name: getattr(row, name) for name in PROFILE_FIELDS}
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.version = (row.version or 0) + 1
    row.updated_by = actor
    row.updated_at = utcnow()
    session.flush()
    write_audit(
        session=session,
        actor=actor,
        action="profile.set",
        entity="organisation_profile",
        entity_id=row.id,
        before=before,
        after={name: getattr(row, name) for name in PROFILE_FIELDS},
    )
    return get_profile(session=session)


def profile_rows(profile: Profile) -> list[tuple[str, str, str]]:
    """(name, Vietnamese label, value as text) for each value, for ``profile show`` and the
    admin page; unset values read ``(chưa đặt)``."""
    rows = []
    for name, (vi, _, _) in PROFILE_FIELDS.items():
        value = getattr(profile, name)
        text = "; ".join(value) if name in LIST_FIELDS else value
        rows.append((name, vi, text or "(chưa đặt)"))
    return rows


def ensure_demo_profile(engine: Engine) -> bool:
    """Store the demo profile (tỉnh Bình An) when none exists; True when it was stored."""
    from catalogue.registry.db import session_scope

    with session_scope(engine) as session:
        if session.exec(select(OrganisationProfile.id)).first() is not None:
            return False
        row = OrganisationProfile(**DEMO_PROFILE, updated_by="demo")
        session.add(row)
        session.flush()
        write_audit(
            session=session,
            actor="demo",
            action="profile.set",
            entity="organisation_profile",
            entity_id=row.id,
            after=DEMO_PROFILE,
        )
    return True
