"""``tthc decision …``: the chair's published decisions (công bố danh mục TTHC) and their exports.

The list is signed with ``tthc cycle publish`` (:mod:`catalogue.cli.cycle_cmds`) and
applied from its act's date in force; here it is shown, or exported as a list or a Word
draft (:mod:`catalogue.documents.exports`).
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


def decision_publish(ctx: typer.Context, db: DbOption = None) -> None:
    """Removed: the công bố cites its legal act (``tthc cycle publish``)."""
    fail(
        "Lệnh 'tthc decision publish' đã bỏ: danh mục công bố phải trích dẫn văn bản QPPL và "
        "chỉ áp dụng từ ngày văn bản có hiệu lực. Dùng: tthc act record …, tthc act link …, "
        "tthc cycle publish --entry ĐỀ_XUẤT@VĂN_BẢN …, tthc cycle apply "
        "(removed: publish the list with 'tthc cycle publish')",
        2,
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
    decision_app.command(
        "publish",
        hidden=True,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(decision_publish)
    decision_app.command("show")(decision_show)
    decision_app.command("export")(decision_export)
