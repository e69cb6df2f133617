"""Workflow commands: users, plans and proposals, the chair's decisions, published decisions.

Each command calls one service of :mod:`catalogue.cycle`, :mod:`catalogue.registry.auth` or
:mod:`catalogue.documents.exports` as the user named by ``--as``. The CLI trusts ``--as`` (whoever
runs it already holds the database); the dashboard signs users in with a password.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    fail,
    require_actor,
    run_service,
    stdout_write,
)
from catalogue.registry.errors import ServiceError

FormatOption = Annotated[str, typer.Option("--format", "-f", help="xlsx, docx or csv.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Output file (default: standard output).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _day(text: str | None, option: str) -> date | None:
    """A date written 31/12/2026 or 2026-12-31."""
    if text is None:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    fail(f"{option}: ngày không hợp lệ '{text}' (date must be DD/MM/YYYY or YYYY-MM-DD)", 2)
    return None


def _load_mapping(path: Path | None, option: str) -> dict[str, Any] | None:
    if path is None:
        return None
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        fail(f"{option}: không đọc được {path} (cannot read): {exc}", 2)
    if not isinstance(data, dict):
        fail(f"{option}: {path} phải chứa một bảng khóa–giá trị (must hold a mapping)", 2)
    return data


def _load_sheet(path: Path | None) -> dict[str, Any] | None:
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


def _figures(**values: Any) -> dict[str, Any] | None:
    given = {k: v for k, v in values.items() if v is not None}
    return given or None


def _print(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        typer.echo(text)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        stdout_write(data)
    else:
        output.write_bytes(data)
        typer.echo(f"Đã ghi {output} (written).")


def register(app: typer.Typer) -> None:
    """Add the ``user``, ``plan`` and ``decision`` command groups to ``app``."""
    user_app = typer.Typer(help="Người dùng và vai trò (users and roles).", no_args_is_help=True)
    plan_app = typer.Typer(
        help="Phương án đơn giản hóa và đề xuất (plans and proposals).", no_args_is_help=True
    )
    decision_app = typer.Typer(
        help="Quyết định công bố danh mục TTHC (published decisions).", no_args_is_help=True
    )
    app.add_typer(user_app, name="user")
    app.add_typer(plan_app, name="plan")
    app.add_typer(decision_app, name="decision")

    @user_app.command("add")
    def user_add(
        name: Annotated[str, typer.Argument(help="User name (tên đăng nhập).")],
        role: Annotated[str, typer.Option("--role", help="reviewer, chair, analyst or admin.")],
        password: Annotated[
            str | None, typer.Option("--password", help="Password; asked for when absent.")
        ] = None,
        full_name: Annotated[str | None, typer.Option("--full-name", help="Họ tên.")] = None,
        actor: AsOption = None,
        db: DbOption = None,
    ) -> None:
        """Create a user (admins only; the very first user must be an admin, no --as needed)."""
        from catalogue.registry.auth import create_user

        if password is None:
            password = typer.prompt(
                "Mật khẩu (password)", hide_input=True, confirmation_prompt=True
            )

        def work(session):
            user = create_user(
                session=session,
                actor=actor,
                username=name,
                role=role,
                password=password,
                full_name=full_name,
            )
            return user.username, user.role

        username, user_role = run_service(db, work)
        typer.echo(f"Đã tạo người dùng {username} ({user_role}) (user created).")

    @plan_app.command("new")
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

        who = require_actor(actor)
        plan_id = run_service(
            db,
            lambda s: (
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
        _print({"plan_id": plan_id}, as_json, f"Đã tạo phương án #{plan_id} (plan created).")

    @plan_app.command("add")
    def plan_add(
        plan_id: Annotated[int, typer.Argument(help="Plan id.")],
        procedure: Annotated[str, typer.Argument(help="Procedure code (mã TTHC) or id.")],
        action: Annotated[
            str, typer.Option("--action", help="keep, amend, abolish, replace or new.")
        ],
        option_file: Annotated[
            Path | None, typer.Option("--option", help="YAML/JSON option (id, action, changes).")
        ] = None,
        content: Annotated[str | None, typer.Option("--content", help="Nội dung.")] = None,
        reason: Annotated[str | None, typer.Option("--reason", help="Lý do.")] = None,
        legal_change: Annotated[
            str | None, typer.Option("--legal-change", help="Kiến nghị thực thi.")
        ] = None,
        replacement: Annotated[
            str | None, typer.Option("--replacement", help="Replacing procedure (code or id).")
        ] = None,
        cost_before: Annotated[int | None, typer.Option(help="CPTT trước, đồng/năm.")] = None,
        cost_after: Annotated[int | None, typer.Option(help="CPTT sau, đồng/năm.")] = None,
        deadline_before: Annotated[float | None, typer.Option(help="Thời hạn trước.")] = None,
        deadline_after: Annotated[float | None, typer.Option(help="Thời hạn sau.")] = None,
        sheet: Annotated[
            Path | None, typer.Option("--sheet", help="Costing sheet YAML to evaluate the option.")
        ] = None,
        actor: AsOption = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Add a proposal for one procedure to a draft plan (reviewer)."""
        from catalogue.cycle import add_proposal

        who = require_actor(actor)
        option = _load_mapping(option_file, "--option")
        sheet_data = _load_sheet(sheet)
        figures = _figures(
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
                figures=figures,
                sheet=sheet_data,
            ).id

        proposal_id = run_service(db, work)
        _print(
            {"proposal_id": proposal_id},
            as_json,
            f"Đã thêm đề xuất #{proposal_id} (proposal added).",
        )

    @plan_app.command("edit")
    def plan_edit(
        proposal_id: Annotated[int, typer.Argument(help="Proposal id.")],
        version: Annotated[int, typer.Option("--version", help="Version you edited.")],
        content: Annotated[str | None, typer.Option("--content")] = None,
        reason: Annotated[str | None, typer.Option("--reason")] = None,
        legal_change: Annotated[str | None, typer.Option("--legal-change")] = None,
        option_file: Annotated[Path | None, typer.Option("--option")] = None,
        cost_before: Annotated[int | None, typer.Option()] = None,
        cost_after: Annotated[int | None, typer.Option()] = None,
        actor: AsOption = None,
        db: DbOption = None,
    ) -> None:
        """Edit a draft or returned proposal; refused if someone saved it after --version."""
        from catalogue.cycle import edit_proposal

        who = require_actor(actor)
        updates = {
            k: v
            for k, v in {
                "content": content,
                "reason": reason,
                "legal_change": legal_change,
                "option": _load_mapping(option_file, "--option"),
                "cost_before": cost_before,
                "cost_after": cost_after,
            }.items()
            if v is not None
        }
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

    @plan_app.command("withdraw")
    def plan_withdraw(
        proposal_id: Annotated[int, typer.Argument(help="Proposal id.")],
        actor: AsOption = None,
        db: DbOption = None,
    ) -> None:
        """Withdraw a draft or returned proposal (reviewer)."""
        from catalogue.cycle import withdraw_proposal

        who = require_actor(actor)
        run_service(db, lambda s: withdraw_proposal(session=s, actor=who, proposal_id=proposal_id))
        typer.echo(f"Đã rút đề xuất #{proposal_id} (withdrawn).")

    @plan_app.command("submit")
    def plan_submit(
        plan_id: Annotated[int, typer.Argument(help="Plan id.")],
        actor: AsOption = None,
        db: DbOption = None,
    ) -> None:
        """Submit the plan's draft and returned proposals to the chair (reviewer)."""
        from catalogue.cycle import submit_plan

        who = require_actor(actor)
        run_service(db, lambda s: submit_plan(session=s, actor=who, plan_id=plan_id))
        typer.echo(f"Đã trình phương án #{plan_id} (submitted).")

    @plan_app.command("decide")
    def plan_decide(
        proposal_id: Annotated[int, typer.Argument(help="Proposal id.")],
        verdict: Annotated[str, typer.Argument(help="approve, reject or return.")],
        comment: Annotated[
            str | None, typer.Option("--comment", help="Ý kiến (needed to reject or return).")
        ] = None,
        actor: AsOption = None,
        db: DbOption = None,
    ) -> None:
        """Approve, reject or return one submitted proposal (chair)."""
        from catalogue.cycle import decide_proposal

        who = require_actor(actor)
        status = run_service(
            db,
            lambda s: (
                decide_proposal(
                    session=s, actor=who, proposal_id=proposal_id, verdict=verdict, comment=comment
                ).status
            ),
        )
        typer.echo(f"Đề xuất #{proposal_id}: {status}.")

    @plan_app.command("approve")
    def plan_approve(
        plan_id: Annotated[int, typer.Argument(help="Plan id.")],
        actor: AsOption = None,
        db: DbOption = None,
    ) -> None:
        """Approve a plan whose proposals are all decided (chair)."""
        from catalogue.cycle import approve_plan

        who = require_actor(actor)
        run_service(db, lambda s: approve_plan(session=s, actor=who, plan_id=plan_id))
        typer.echo(f"Đã phê duyệt phương án #{plan_id} (approved).")

    @plan_app.command("show")
    def plan_show(
        plan_id: Annotated[int | None, typer.Argument(help="Plan id; all plans if absent.")] = None,
        actor: AsOption = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Show one plan with its proposals, or list every plan."""
        from catalogue.cycle import plans_frame, show_plan
        from catalogue.registry.audit import jsonable

        who = require_actor(actor)
        if plan_id is None:
            frame = run_service(db, lambda s: plans_frame(session=s, actor=who))
            rows = jsonable(frame.to_dict("records"))
            text = "\n".join(
                f"#{r['id']} {r['year']} [{r['status']}] {r['name']} — {r['proposals']} đề xuất"
                for r in rows
            )
            _print(rows, as_json, text or "Chưa có phương án (no plans).")
            return
        data = run_service(db, lambda s: show_plan(session=s, actor=who, plan_id=plan_id))
        lines = [f"#{data['id']} {data['year']} [{data['status']}] {data['name']}"]
        for p in data["proposals"]:
            lines.append(
                f"  đề xuất #{p['id']} v{p['version']} {p['code'] or ''} {p['name']}: "
                f"{p['action']} [{p['status']}]"
                + (f" — {p['chair_comment']}" if p.get("chair_comment") else "")
            )
        _print(data, as_json, "\n".join(lines))

    @plan_app.command("export")
    def plan_export(
        plan_id: Annotated[int, typer.Argument(help="Plan id.")],
        fmt: FormatOption = "xlsx",
        output: OutputOption = None,
        actor: AsOption = None,
        db: DbOption = None,
    ) -> None:
        """Export the simplification plan (xlsx, docx or csv)."""
        from catalogue.documents.exports import export_plan

        who = require_actor(actor)
        data = run_service(
            db, lambda s: export_plan(session=s, actor=who, plan_id=plan_id, fmt=fmt)
        )
        _write(data, output)

    @decision_app.command("publish")
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

        who = require_actor(actor)
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
        _print(
            {"decision_id": decision_id, "number": decision_number},
            as_json,
            f"Đã công bố Quyết định {decision_number} (#{decision_id}) (published).",
        )

    @decision_app.command("show")
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
        from catalogue.registry.audit import jsonable

        who = require_actor(actor)
        if ref is None:
            frame = run_service(db, lambda s: decisions_frame(session=s, actor=who))
            rows = jsonable(frame.to_dict("records"))
            text = "\n".join(
                f"#{r['id']} {r['number']} ({r['signed_on']}) — {r['items']} TTHC" for r in rows
            )
            _print(rows, as_json, text or "Chưa có quyết định (no decisions).")
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
        _print(data, as_json, "\n".join(lines))

    @decision_app.command("export")
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

        who = require_actor(actor)

        def work(s):
            decision = find_decision(session=s, actor=who, ref=ref)
            return export_decision(session=s, actor=who, decision_id=decision.id, fmt=fmt)

        _write(run_service(db, work), output)
