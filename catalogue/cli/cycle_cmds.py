"""``tthc cycle …`` and ``tthc act …``: the chair's two decisions and the act between them.

The law's sequence (PROCESS.md §1, issue 12), one command per step::

    tthc cycle adopt PLAN --number 125/QĐ-UBND --signed-on 15/01/2027 --signer "…" \\
        --route "12=recommendation:Bộ Tư pháp" --route "13=province:Sở Xây dựng:30/06/2027"
    tthc act record --number 05/2027/TT-BTP --title "…" --issuer "Bộ Tư pháp" \\
        --issued-on 01/02/2027 --in-force-on 08/03/2027 [--ministry-decision 300/QĐ-BTP]
    tthc act link 05/2027/TT-BTP ROUTING --extent whole|part|declined [--note …]
    tthc cycle publish --number 200/QĐ-UBND --signed-on 01/03/2027 --signer "…" \\
        --entry ROUTING@05/2027/TT-BTP --entry "1.000002:abolished@05/2027/TT-BTP"
    tthc cycle apply [--today 08/03/2027]      # from the date in force; idempotent
    tthc cycle pending 1.000001 --json         # what is coming for one procedure
    tthc cycle stages --json                   # savings by stage

Reads take ``--json``. Services check roles (:mod:`catalogue.registry.auth`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    fail,
    print_result,
    require_actor,
    run_service,
)
from catalogue.cli.decision_cmds import _day
from catalogue.cli.plan_cmds import _procedure_id
from catalogue.registry.audit import jsonable

Number = Annotated[str, typer.Option("--number", help="Số quyết định / số văn bản.")]
SignedOn = Annotated[str, typer.Option("--signed-on", help="Ngày ký, 31/12/2026.")]
Signer = Annotated[str, typer.Option("--signer", help="Người ký.")]
Today = Annotated[str | None, typer.Option("--today", help="Ngày xét (default: today).")]


def _routes(values: list[str] | None) -> dict[int, dict[str, Any]]:
    """``ID=recommendation:ADDRESSEE[:DUE]`` or ``ID=province:DEPARTMENT:DUE`` per proposal."""
    out: dict[int, dict[str, Any]] = {}
    for raw in values or []:
        ident, _, rest = raw.partition("=")
        route, _, tail = rest.partition(":")
        if not ident.strip().isdigit() or route not in ("province", "recommendation"):
            fail(f"--route '{raw}': dùng ID=recommendation:BỘ hoặc ID=province:SỞ:NGÀY", 2)
        if route == "province":
            department, _, due = tail.rpartition(":")
            out[int(ident)] = {
                "route": route, "department": department, "due_on": _day(due, "--route"),
            }  # fmt: skip
        else:
            addressee, _, due = tail.partition(":")  # ID=recommendation:BỘ[:NGÀY]
            out[int(ident)] = {"route": route, "addressee": addressee,
                               "due_on": _day(due, "--route") if due else None}  # fmt: skip
    return out


def cycle_adopt(
    plan_id: Annotated[int, typer.Argument(help="Submitted plan (phương án) id.")],
    number: Number,
    signed_on: SignedOn,
    signer: Signer,
    route: Annotated[
        list[str] | None,
        typer.Option(
            "--route", help="PROPOSAL=recommendation:BỘ[:NGÀY] or PROPOSAL=province:SỞ:NGÀY."
        ),
    ] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sign the Quyết định thông qua phương án (chair); changes no catalogue record."""
    from catalogue.cycle import adopt_plan, routings_frame

    who = require_actor(actor, db)
    routes = _routes(route)
    signed = _day(signed_on, "--signed-on")

    def work(s):
        adoption = adopt_plan(
            session=s, actor=who, plan_id=plan_id, number=number, signed_on=signed,
            signer=signer, routes=routes,
        )  # fmt: skip
        frame = routings_frame(session=s, actor=who, plan_id=plan_id)
        return {**jsonable(adoption), "routings": jsonable(frame.to_dict("records"))}

    data = run_service(db, work)
    lines = [f"Đã ký Quyết định thông qua {data['number']} (adopted):"]
    lines += [
        f"  #{r['id']} {r['code']} {r['action']} → {r['route']} "
        f"{r['department'] or r['addressee'] or ''}: tiết kiệm {r['savings']} đ/năm"
        for r in data["routings"]
    ]
    print_result(data, as_json, "\n".join(lines))


def act_record(
    number: Number,
    title: Annotated[str, typer.Option("--title", help="Tên văn bản.")],
    issuer: Annotated[str, typer.Option("--issuer", help="Cơ quan ban hành.")],
    issued_on: Annotated[str, typer.Option("--issued-on", help="Ngày ban hành.")],
    in_force_on: Annotated[str, typer.Option("--in-force-on", help="Ngày có hiệu lực.")],
    ministry_decision: Annotated[
        str | None, typer.Option("--ministry-decision", help="Quyết định công bố của Bộ.")
    ] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a legal act (VBQPPL) with its date in force (reviewer, admin)."""
    from catalogue.cycle import record_act

    who = require_actor(actor, db)
    values = {
        "number": number, "title": title, "issuer": issuer,
        "issued_on": _day(issued_on, "--issued-on"),
        "in_force_on": _day(in_force_on, "--in-force-on"),
        "ministry_decision": ministry_decision,
    }  # fmt: skip
    data = run_service(db, lambda s: jsonable(record_act(session=s, actor=who, **values)))
    print_result(data, as_json, f"Đã ghi nhận văn bản {data['number']} (#{data['id']}).")


def act_link(
    act: Annotated[str, typer.Argument(help="Act number or id.")],
    routing_id: Annotated[int, typer.Argument(help="Adopted proposal (routing) id.")],
    extent: Annotated[str, typer.Option("--extent", help="whole, part or declined.")],
    note: Annotated[str | None, typer.Option("--note", help="Ghi chú / lý do.")] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link an act to an adopted proposal it implements (or that its issuer declined)."""
    from catalogue.cycle import find_act, link_act

    who = require_actor(actor, db)

    def work(s):
        found = find_act(session=s, actor=who, ref=act)
        return jsonable(
            link_act(session=s, actor=who, act_id=found.id, routing_id=routing_id,
                     extent=extent, note=note)
        )  # fmt: skip

    data = run_service(db, work)
    print_result(data, as_json, f"Đã gắn văn bản với đề xuất (linked, {data['extent']}).")


def act_import(
    path: Annotated[Path, typer.Argument(help="CSV or xlsx with the act columns.")],
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record every act of a file (number, title, issuer, issued_on, in_force_on, …)."""
    from catalogue.cli.common import report_import_failure
    from catalogue.cycle import import_acts
    from catalogue.registry.errors import ImportFailed

    who = require_actor(actor, db)
    try:
        data = run_service(
            db, lambda s: [a.number for a in import_acts(session=s, actor=who, path=path)]
        )
    except ImportFailed as exc:
        report_import_failure(exc)
        return
    print_result(data, as_json, f"Đã ghi nhận {len(data)} văn bản (acts recorded).")


def act_list(actor: AsOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the recorded acts."""
    from catalogue.cycle import acts_frame

    who = require_actor(actor, db)
    rows = run_service(db, lambda s: jsonable(acts_frame(session=s, actor=who).to_dict("records")))
    text = "\n".join(
        f"#{r['id']} {r['number']} ({r['issuer']}), hiệu lực {r['in_force_on']}: {r['title']}"
        for r in rows
    )
    print_result(rows, as_json, text or "Chưa có văn bản (no acts).")


def _entry(s, who: str, raw: str) -> dict[str, Any]:
    """``ROUTING@ACT`` or ``PROCEDURE:SECTION[:REPLACEMENT]@ACT``."""
    from catalogue.cycle import find_act

    target, _, act = raw.rpartition("@")
    if not target or not act:
        fail(f"--entry '{raw}': dùng ROUTING@VĂN_BẢN hoặc MÃ:LOẠI@VĂN_BẢN", 2)
    entry: dict[str, Any] = {"act_id": find_act(session=s, actor=who, ref=act).id}
    if target.isdigit():
        entry["routing_id"] = int(target)
        return entry
    parts = target.split(":")
    entry["procedure_id"] = _procedure_id(s, parts[0])
    entry["section"] = parts[1] if len(parts) > 1 else None
    if len(parts) > 2:
        entry["replacement_procedure_id"] = _procedure_id(s, parts[2])
    return entry


def cycle_publish(
    number: Number,
    signed_on: SignedOn,
    signer: Signer,
    entry: Annotated[
        list[str], typer.Option("--entry", help="ROUTING@ACT or CODE:SECTION[:REPLACEMENT]@ACT.")
    ],
    title: Annotated[str | None, typer.Option("--title", help="Trích yếu.")] = None,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sign the Quyết định công bố; every entry cites its act (chair)."""
    from catalogue.cycle import publish_list

    who = require_actor(actor, db)
    signed = _day(signed_on, "--signed-on")

    def work(s):
        entries = [_entry(s, who, e) for e in entry]
        result = publish_list(
            session=s, actor=who, number=number, signed_on=signed, signer=signer,
            entries=entries, title=title,
        )  # fmt: skip
        return {
            **jsonable(result.decision),
            "items": jsonable(result.items),
            "warnings": result.warnings,
        }

    data = run_service(db, work)
    lines = [f"Đã ký Quyết định công bố {data['number']} (published):"]
    lines += [f"  {i['section']}: {i['code'] or ''} {i['name']}" for i in data["items"]]
    lines += [f"Cảnh báo / warning: {w}" for w in data["warnings"]]
    print_result(data, as_json, "\n".join(lines))
    for warning in data["warnings"] if as_json else []:
        typer.echo(f"Cảnh báo / warning: {warning}", err=True)


def cycle_apply(
    today: Today = None, actor: AsOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Apply every published change whose act is in force (idempotent, audited)."""
    from catalogue.cycle import apply_due_changes

    who = require_actor(actor, db)
    day = _day(today, "--today") or date.today()
    data = run_service(db, lambda s: jsonable(apply_due_changes(session=s, actor=who, today=day)))
    lines = [f"{a['code']} {a['section']} ({a['decision']}, {a['act']})" for a in data]
    print_result(data, as_json, "\n".join(lines) or "Không có thay đổi đến hạn (nothing due).")


def cycle_pending(
    procedure: Annotated[str, typer.Argument(help="Procedure code or id.")],
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Changes adopted for one procedure and not in force yet, with their stage."""
    from catalogue.cycle import pending_changes

    who = require_actor(actor, db)
    data = run_service(
        db,
        lambda s: jsonable(
            pending_changes(session=s, actor=who, procedure_id=_procedure_id(s, procedure))
        ),
    )
    lines = []
    for change in data:
        lines.append(f"[{change['stage']}] {change['action']} — {change['adoption']}")
        lines += [f"  - {line}" for line in change["changes"]]
    print_result(data, as_json, "\n".join(lines) or "Không có thay đổi sắp tới (none pending).")


def cycle_stages(
    today: Today = None, actor: AsOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Savings by stage: proposed, adopted, enacted, in force (each procedure once)."""
    from catalogue.cycle import savings_by_stage, stage_totals

    who = require_actor(actor, db)
    day = _day(today, "--today") or date.today()
    data = run_service(
        db,
        lambda s: jsonable(
            stage_totals(savings_by_stage(session=s, actor=who, today=day)).to_dict("records")
        ),
    )
    lines = [
        f"{r['label']} ({r['stage']}): {r['procedures']} TTHC, tiết kiệm {r['savings']} đ/năm"
        for r in data
    ]
    print_result(data, as_json, "\n".join(lines))


def cycle_scope(
    procedure: Annotated[str, typer.Argument(help="Procedure code or id.")],
    business: Annotated[
        str, typer.Option("--business", help="yes, no, or derived (remove the correction).")
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="Lý do.")] = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Correct whether a procedure is related to production and business (reviewer)."""
    from catalogue.cycle import set_business_scope

    values = {"yes": True, "no": False, "derived": None}
    if business not in values:
        fail("--business: yes, no hoặc derived", 2)
    who = require_actor(actor, db)
    now = run_service(
        db,
        lambda s: set_business_scope(
            session=s, actor=who, procedure_id=_procedure_id(s, procedure),
            business_related=values[business], reason=reason,
        ),
    )  # fmt: skip
    typer.echo(f"Liên quan sản xuất, kinh doanh: {'có' if now else 'không'} (business: {now}).")


def register(app: typer.Typer) -> None:
    """Add the ``cycle`` and ``act`` groups to ``app``."""
    cycle_app = typer.Typer(
        help="Thông qua phương án, công bố, hiệu lực (adoption, publication, in force).",
        no_args_is_help=True,
    )
    app.add_typer(cycle_app, name="cycle")
    for name, fn in (
        ("adopt", cycle_adopt), ("publish", cycle_publish), ("apply", cycle_apply),
        ("pending", cycle_pending), ("stages", cycle_stages), ("scope", cycle_scope),
    ):  # fmt: skip
        cycle_app.command(name)(fn)
    act_app = typer.Typer(
        help="Văn bản QPPL thực thi phương án (legal acts).", no_args_is_help=True
    )
    app.add_typer(act_app, name="act")
    act_app.command("record")(act_record)
    act_app.command("link")(act_link)
    act_app.command("import")(act_import)
    act_app.command("list")(act_list)
