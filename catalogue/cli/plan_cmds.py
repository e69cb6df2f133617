"""``tthc plan …``: simplification plans and their proposals (:mod:`catalogue.cycle`).

Reviewers create a plan, add, edit, withdraw and submit proposals; the chair decides each
proposal; anyone named by ``--as`` may show or export it. The chair then adopts the plan
with ``tthc cycle adopt`` (:mod:`catalogue.cli.cycle_cmds`); ``plan approve`` only says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
from catalogue.registry.errors import ServiceError

PlanId = Annotated[int, typer.Argument(help="Plan id.")]
ProposalId = Annotated[int, typer.Argument(help="Proposal id.")]
OptionFile = Annotated[
    Path | None, typer.Option("--option", help="YAML/JSON option (id, action, changes).")
]
Content = Annotated[str | None, typer.Option("--content", help="Nội dung.")]
Reason = Annotated[str | None, typer.Option("--reason", help="Lý do.")]
LegalChange = Annotated[str | None, typer.Option("--legal-change", help="Kiến nghị thực thi.")]
CostBefore = Annotated[int | None, typer.Option(help="CPTT trước, đồng/năm.")]
CostAfter = Annotated[int | None, typer.Option(help="CPTT sau, đồng/năm.")]
FiguresSource = Annotated[
    str | None,
    typer.Option("--figures-source", help="Nguồn của số liệu nhập tay (source of typed figures)."),
]


def _load_mapping(path: Path | None, option: str) -> dict[str, Any] | None:
    """The YAML/JSON mapping in ``path``; exit 2 naming the option when unreadable."""
    if path is None:
        return None
    from analysis.yamlio import YamlSyntaxError, load_plain_yaml

    try:
        data = load_plain_yaml(path)  # bounded: no alias bomb, no impossible date
    except (OSError, UnicodeDecodeError, YamlSyntaxError) as exc:
        fail(f"{option}: không đọc được {path} (cannot read): {exc}", 2)
    if not isinstance(data, dict):
        fail(f"{option}: {path} phải chứa một bảng khóa–giá trị (must hold a mapping)", 2)
    return data


def _load_sheet(path: Path | None) -> dict[str, Any] | None:
    """The costing sheet in ``path``; exit 2 when it cannot be read."""
    if path is None:
        return None
    from analysis.yamlio import YamlSyntaxError, load_yaml

    try:
        data = load_yaml(path)
    except (OSError, YamlSyntaxError) as exc:
        fail(f"--sheet: không đọc được {path} (cannot read): {exc}", 2)
    return data


def _procedure_id(session, ref: str) -> int:
    """A procedure by id (digits, or ``id:12``) or by its code (must be unambiguous)."""
    from sqlmodel import select

    from catalogue.registry.errors import NotFound
    from catalogue.registry.models import Procedure

    if ref.startswith("id:"):
        ref = ref[3:]
    if ref.isdigit():
        return int(ref)
    found = list(session.exec(select(Procedure).where(Procedure.code == ref)))
    if not found:
        raise NotFound(f"Không có thủ tục mã {ref} (no procedure with code {ref})")
    if len(found) > 1:
        listed = ", ".join(f"id:{p.id} ({p.identity})" for p in found)
        raise ServiceError(
            f"Mã {ref} có ở nhiều thủ tục, hãy chọn theo id: {listed} "
            "(code is ambiguous; give the id)"
        )
    return found[0].id


def _given(**values: Any) -> dict[str, Any]:
    """The values that were given (not None)."""
    return {k: v for k, v in values.items() if v is not None}


def plan_new(
    name: Annotated[str, typer.Option("--name", help="Tên phương án.")],
    year: Annotated[int, typer.Option("--year", help="Năm.")],
    scope: Annotated[str | None, typer.Option("--scope", help="Phạm vi cơ quan.")] = None,
    programme: Annotated[
        str | None, typer.Option("--programme", help="Chương trình (NQ68, NQ66-2025…).")
    ] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a draft plan (reviewer)."""
    from catalogue.cycle import create_plan

    plan_id = run_as(
        db,
        actor,
        lambda s, who: (
            create_plan(
                session=s,
                actor=who,
                name=name,
                year=year,
                agency_scope=scope,
                programme=programme,
            ).id
        ),
    )
    print_result({"plan_id": plan_id}, as_json, f"Đã tạo phương án #{plan_id} (plan created).")


def plan_add(
    plan_id: PlanId,
    procedure: Annotated[str, typer.Argument(help="Procedure code (mã TTHC) or id.")],
    action: Annotated[str, typer.Option("--action", help="keep, amend, abolish, replace or new.")],
    option_file: OptionFile = None,
    content: Content = None,
    reason: Reason = None,
    legal_change: LegalChange = None,
    replacement: Annotated[
        str | None, typer.Option("--replacement", help="Replacing procedure (code or id).")
    ] = None,
    cost_before: CostBefore = None,
    cost_after: CostAfter = None,
    deadline_before: Annotated[float | None, typer.Option(help="Thời hạn trước.")] = None,
    deadline_after: Annotated[float | None, typer.Option(help="Thời hạn sau.")] = None,
    sheet: Annotated[
        Path | None, typer.Option("--sheet", help="Costing sheet YAML to evaluate the option.")
    ] = None,
    figures_source: FiguresSource = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a proposal for one procedure to a draft plan (reviewer)."""
    from catalogue.cycle import add_proposal

    who = require_actor(actor, db)
    option = _load_mapping(option_file, "--option")
    sheet_data = _load_sheet(sheet)
    figures = _given(
        cost_before=cost_before,
        cost_after=cost_after,
        deadline_before=deadline_before,
        deadline_after=deadline_after,
    )

    def work(s):
        return add_proposal(
            session=s,
            actor=who,
            plan_id=plan_id,
            procedure_id=_procedure_id(s, procedure),
            action=action,
            option=option,
            content=content,
            reason=reason,
            legal_change=legal_change,
            replacement_procedure_id=_procedure_id(s, replacement) if replacement else None,
            figures=figures or None,
            sheet=sheet_data,
            figures_source=figures_source,
        ).id

    proposal_id = run_service(db, work)
    print_result(
        {"proposal_id": proposal_id}, as_json, f"Đã thêm đề xuất #{proposal_id} (proposal added)."
    )


def plan_edit(
    proposal_id: ProposalId,
    version: Annotated[int, typer.Option("--version", help="Version you edited.")],
    content: Content = None,
    reason: Reason = None,
    legal_change: LegalChange = None,
    option_file: OptionFile = None,
    cost_before: CostBefore = None,
    cost_after: CostAfter = None,
    figures_source: FiguresSource = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Edit a draft or returned proposal; refused if someone saved it after --version."""
    from catalogue.cycle import edit_proposal

    who = require_actor(actor, db)
    updates = _given(
        content=content,
        reason=reason,
        legal_change=legal_change,
        option=_load_mapping(option_file, "--option"),
        cost_before=cost_before,
        cost_after=cost_after,
        figures_source=figures_source,
    )
    new_version = run_service(
        db,
        lambda s: (
            edit_proposal(
                session=s,
                actor=who,
                proposal_id=proposal_id,
                expected_version=version,
                updates=updates,
            ).version
        ),
    )
    typer.echo(f"Đã lưu đề xuất #{proposal_id}, phiên bản {new_version} (saved).")


def plan_withdraw(proposal_id: ProposalId, actor: AsOption = None, db: DbOption = None) -> None:
    """Withdraw a draft or returned proposal (reviewer)."""
    from catalogue.cycle import withdraw_proposal

    run_as(
        db, actor, lambda s, who: withdraw_proposal(session=s, actor=who, proposal_id=proposal_id)
    )
    typer.echo(f"Đã rút đề xuất #{proposal_id} (withdrawn).")


def plan_submit(plan_id: PlanId, actor: AsOption = None, db: DbOption = None) -> None:
    """Submit the plan's draft and returned proposals to the chair (reviewer)."""
    from catalogue.cycle import submit_plan

    run_as(db, actor, lambda s, who: submit_plan(session=s, actor=who, plan_id=plan_id))
    typer.echo(f"Đã trình phương án #{plan_id} (submitted).")


def plan_decide(
    proposal_id: ProposalId,
    verdict: Annotated[str, typer.Argument(help="approve, reject or return.")],
    comment: Annotated[
        str | None, typer.Option("--comment", help="Ý kiến (needed to reject or return).")
    ] = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Approve, reject or return one submitted proposal (chair)."""
    from catalogue.cycle import decide_proposal

    status = run_as(
        db,
        actor,
        lambda s, who: (
            decide_proposal(
                session=s, actor=who, proposal_id=proposal_id, verdict=verdict, comment=comment
            ).status
        ),
    )
    typer.echo(f"Đề xuất #{proposal_id}: {status}.")


def plan_approve(plan_id: PlanId, actor: AsOption = None, db: DbOption = None) -> None:
    """Removed: a phương án is adopted by a Quyết định thông qua (``tthc cycle adopt``)."""
    fail(
        "Lệnh 'tthc plan approve' đã bỏ: phương án được thông qua bằng Quyết định thông qua, "
        f"không thay đổi danh mục. Dùng: tthc cycle adopt {plan_id} --number 125/QĐ-UBND "
        "--signed-on NGÀY --signer NGƯỜI_KÝ [--route ĐỀ_XUẤT=recommendation:BỘ] "
        "(removed: adopt the plan with 'tthc cycle adopt')",
        2,
    )


def plan_show(
    plan_id: Annotated[int | None, typer.Argument(help="Plan id; all plans if absent.")] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one plan with its proposals, or list every plan."""
    from catalogue.cycle import plans_frame, show_plan

    who = require_actor(actor, db)
    if plan_id is None:
        print_rows(
            db,
            who,
            as_json,
            plans_frame,
            lambda r: (
                f"#{r['id']} {r['year']} [{r['status']}] {r['name']} — {r['proposals']} đề xuất"
            ),
            "Chưa có phương án (no plans).",
        )
        return
    data = run_service(db, lambda s: show_plan(session=s, actor=who, plan_id=plan_id))
    lines = [f"#{data['id']} {data['year']} [{data['status']}] {data['name']}"]
    for p in data["proposals"]:
        lines.append(
            f"  đề xuất #{p['id']} v{p['version']} {p['code'] or ''} {p['name']}: "
            f"{p['action']} [{p['status']}]"
            + (f" — {p['chair_comment']}" if p.get("chair_comment") else "")
        )
    print_result(data, as_json, "\n".join(lines))


def plan_export(
    plan_id: PlanId,
    fmt: FormatOption = "xlsx",
    output: OutputOption = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Export the simplification plan (xlsx, docx or csv)."""
    from catalogue.documents.exports import export_plan

    data = run_as(
        db, actor, lambda s, who: export_plan(session=s, actor=who, plan_id=plan_id, fmt=fmt)
    )
    write_output(data, output)


COMMANDS = {
    "new": plan_new,
    "add": plan_add,
    "edit": plan_edit,
    "withdraw": plan_withdraw,
    "submit": plan_submit,
    "decide": plan_decide,
    "approve": plan_approve,
    "show": plan_show,
    "export": plan_export,
}


def register(app: typer.Typer) -> None:
    """Add the ``plan`` group to ``app``."""
    plan_app = typer.Typer(
        help="Phương án đơn giản hóa và đề xuất (plans and proposals).", no_args_is_help=True
    )
    app.add_typer(plan_app, name="plan")
    for name, function in COMMANDS.items():
        plan_app.command(name, hidden=name == "approve")(function)
