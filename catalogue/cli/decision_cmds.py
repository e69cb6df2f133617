"""``tthc decision …``: the chair's published decisions (công bố danh mục TTHC) and their exports.

Publishing an approved plan updates the catalogue (:mod:`catalogue.cycle`); the list or a
Word draft of the decision comes from :mod:`catalogue.documents.exports`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    FormatOption,
    JsonOption,
    OutputOption,
    fail,
    print_result,
    print_rows,
    require_actor,
    run_as,
    run_service,
    write_output,
)


def _day(text: str | None, option: str) -> date | None:
    """A date written 31/12/2026 or 2026-12-31; exit 2 naming the option otherwise."""
    if text is None:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    fail(f"{option}: ngày không hợp lệ '{text}' (date must be DD/MM/YYYY or YYYY-MM-DD)", 2)
    return None


def decision_publish(
    plan_id: Annotated[int, typer.Argument(help="Approved plan id.")],
    number: Annotated[str, typer.Option("--number", help="Số quyết định, e.g. 123/QĐ-UBND.")],
    signed_on: Annotated[str, typer.Option("--signed-on", help="Ngày ký, 31/12/2026.")],
    signer: Annotated[str, typer.Option("--signer", help="Người ký.")],
    effective_on: Annotated[
        str | None, typer.Option("--effective-on", help="Ngày hiệu lực (default: signed-on).")
    ] = None,
    amends: Annotated[
        str | None, typer.Option("--amends", help="Number or id of the decision it amends.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Trích yếu.")] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Publish the decision of an approved plan and update the catalogue (chair)."""
    from catalogue.cycle import find_decision, publish_decision

    who = require_actor(actor, db)
    signed = _day(signed_on, "--signed-on")
    effective = _day(effective_on, "--effective-on") or signed

    def work(s):
        amended = find_decision(session=s, actor=who, ref=amends).id if amends else None
        decision = publish_decision(
            session=s,
            actor=who,
            plan_id=plan_id,
            number=number,
            signed_on=signed,
            signer=signer,
            effective_on=effective,
            amends_decision_id=amended,
            title=title,
        )
        return decision.id, decision.number

    decision_id, decision_number = run_service(db, work)
    print_result(
        {"decision_id": decision_id, "number": decision_number},
        as_json,
        f"Đã công bố Quyết định {decision_number} (#{decision_id}) (published).",
    )


def decision_show(
    ref: Annotated[
        str | None, typer.Argument(help="Decision number or id; all decisions if absent.")
    ] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one published decision with its list, or list every decision."""
    from catalogue.cycle import SECTIONS, decisions_frame, find_decision, show_decision

    who = require_actor(actor, db)
    if ref is None:
        print_rows(
            db,
            who,
            as_json,
            decisions_frame,
            lambda r: f"#{r['id']} {r['number']} ({r['signed_on']}) — {r['items']} TTHC",
            "Chưa có quyết định (no decisions).",
        )
        return

    def work(s):
        decision = find_decision(session=s, actor=who, ref=ref)
        return show_decision(session=s, actor=who, decision_id=decision.id)

    data = run_service(db, work)
    lines = [f"Quyết định {data['number']} ngày {data['signed_on']}: {data['title']}"]
    for key, title in SECTIONS.items():
        items = [i for i in data["items"] if i["section"] == key]
        if items:
            lines.append(title)
            lines += [f"  {i['position']}. {i['code'] or ''} {i['name']}" for i in items]
    print_result(data, as_json, "\n".join(lines))


def decision_export(
    ref: Annotated[str, typer.Argument(help="Decision number or id.")],
    fmt: FormatOption = "xlsx",
    output: OutputOption = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Export a decision's list (xlsx, csv) or a Word draft of the decision (docx)."""
    from catalogue.cycle import find_decision
    from catalogue.documents.exports import export_decision

    def work(s, who):
        decision = find_decision(session=s, actor=who, ref=ref)
        return export_decision(session=s, actor=who, decision_id=decision.id, fmt=fmt)

    write_output(run_as(db, actor, work), output)


def register(app: typer.Typer) -> None:
    """Add the ``decision`` group to ``app``."""
    decision_app = typer.Typer(
        help="Quyết định công bố danh mục TTHC (published decisions).", no_args_is_help=True
    )
    app.add_typer(decision_app, name="decision")
    decision_app.command("publish")(decision_publish)
    decision_app.command("show")(decision_show)
    decision_app.command("export")(decision_export)
