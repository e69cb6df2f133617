"""``tthc documents write OUTDIR``: every document of a plan, its Tờ trình, its Quyết định
thông qua and its Quyết định công bố, in one folder
(:func:`catalogue.documents.bundle.write_documents`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import AsOption, DbOption, fail, handle_service_error, require_actor
from catalogue.registry.errors import ServiceError


def documents_write(
    outdir: Annotated[Path, typer.Argument(help="Thư mục ghi văn bản (output folder).")],
    plan: Annotated[int | None, typer.Option("--plan", help="Plan id.")] = None,
    adoption: Annotated[
        str | None,
        typer.Option("--adoption", help="Quyết định thông qua: number (125/QĐ-UBND) or id."),
    ] = None,
    decision: Annotated[
        str | None, typer.Option("--decision", help="Quyết định công bố: number or id.")
    ] = None,
    submission: Annotated[
        str | None, typer.Option("--submission", help="Số Tờ trình (15/TTr-VP).")
    ] = None,
    submission_date: Annotated[
        str | None, typer.Option("--submission-date", help="Ngày Tờ trình (10/01/2027).")
    ] = None,
    submission_signer: Annotated[
        str | None, typer.Option("--submission-signer", help="Người ký Tờ trình.")
    ] = None,
    review_plan: Annotated[
        str | None,
        typer.Option("--review-plan", help="Kế hoạch rà soát được thực hiện, như được trích dẫn."),
    ] = None,
    savings: Annotated[
        bool, typer.Option("--savings", help="Also the savings report (bao-cao-tiet-kiem.xlsx).")
    ] = False,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Ngày tính giai đoạn của báo cáo tiết kiệm (default: today)."),
    ] = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Write the Word and Excel documents of a plan (and its Tờ trình), its Quyết định thông
    qua, its Quyết định công bố and the savings report."""
    from catalogue.cli.decision_cmds import _day
    from catalogue.cycle import find_decision
    from catalogue.documents.bundle import Submission, write_documents
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue

    who = require_actor(actor, db)
    given = None
    if submission is not None:
        if not submission_signer:
            fail("--submission cần --submission-signer (who signs the Tờ trình)", 2)
        given = Submission(submission, _day(submission_date, "--submission-date"),
                           submission_signer, review_plan)  # fmt: skip
    engine = open_catalogue(db)
    try:
        decision_id = adoption_id = None
        with session_scope(engine) as s:
            if decision is not None:
                decision_id = find_decision(session=s, actor=who, ref=decision).id
            if adoption is not None:
                adoption_id = find_adoption(s, adoption)
        paths = write_documents(engine, actor=who, outdir=outdir, plan_id=plan,
                                decision_id=decision_id, adoption_id=adoption_id,
                                submission=given, savings=savings,
                                today=_day(today, "--today") or date.today())  # fmt: skip
    except ServiceError as exc:
        handle_service_error(exc)
        return
    for path in paths:
        typer.echo(str(path))


def find_adoption(session, ref: str) -> int:
    """An adoption by its number (125/QĐ-UBND) or id."""
    from sqlmodel import select

    from catalogue.registry.errors import NotFound
    from catalogue.registry.models import Adoption

    found = session.exec(select(Adoption).where(Adoption.number == ref.strip())).first()
    if found is None and ref.strip().isdigit():
        found = session.get(Adoption, int(ref))
    if found is None:
        raise NotFound(f"Không có quyết định thông qua {ref} (no such adoption)")
    return found.id


def register(app: typer.Typer) -> None:
    """Add the ``documents`` group to ``app``."""
    documents_app = typer.Typer(
        help="Văn bản theo Nghị định 30/2020/NĐ-CP (official documents).", no_args_is_help=True
    )
    app.add_typer(documents_app, name="documents")
    documents_app.command("write")(documents_write)
