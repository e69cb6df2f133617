"""``tthc review-plan …`` and ``tthc review …``: the year's review plan and the reviews.

Reviewers draft the plan (``draft``, ``add``, ``seed`` from the priorities ranking), the
chair approves it (``approve``); reviewers fill a procedure's review from a YAML/JSON
answers file (``review fill``), check another's (``review check``), turn it into a
proposal (``review propose``), after storing the cost form's sheet after simplification
(``review after-sheet``) when it holds changes of its own; everyone signed in reads
(``show``, ``report``, ``--json``) and exports the documents
(``review export plan|form|cost|cost_word|report``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    OutputOption,
    fail,
    print_result,
    require_actor,
    run_as,
    run_service,
    write_output,
)

Year = Annotated[int, typer.Option("--year", help="Năm rà soát (review year).")]
Code = Annotated[str, typer.Argument(help="Mã TTHC, or id:12.")]


def parse_day(text: str, option: str) -> date:
    """A date typed ``31/01/2027`` or ``2027-01-31``; exit 2 naming the option otherwise."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    fail(f"{option}: ngày không hợp lệ '{text}' (use 31/01/2027 or 2027-01-31)", 2)
    raise AssertionError  # unreachable: fail exits


def _plan_id(session, year: int) -> int:
    from catalogue.cycle.review_plan import plan_of_year
    from catalogue.registry.errors import NotFound

    plan = plan_of_year(session, year)
    if plan is None:
        raise NotFound(f"Năm {year} chưa có kế hoạch rà soát (no review plan for {year})")
    return plan.id


def plan_draft(
    year: Year,
    title: Annotated[str, typer.Option("--title", help="Tên kế hoạch.")],
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Draft the review plan of a year (reviewers)."""
    from catalogue.cycle.review_plan import draft_review_plan

    plan_id = run_as(
        db, actor, lambda s, who: draft_review_plan(session=s, actor=who, year=year, title=title).id
    )
    print_result({"plan_id": plan_id}, as_json, f"Đã tạo kế hoạch rà soát #{plan_id} ({year}).")


def plan_add(
    year: Year,
    agency: Annotated[str, typer.Option("--agency", help="Cơ quan chủ trì.")],
    start: Annotated[str, typer.Option("--start", help="Ngày bắt đầu (31/01/2027).")],
    end: Annotated[str, typer.Option("--end", help="Ngày kết thúc.")],
    grounds: Annotated[str, typer.Option("--grounds", help="Căn cứ lựa chọn.")],
    code: Annotated[str | None, typer.Option("--code", help="Mã TTHC.")] = None,
    field: Annotated[str | None, typer.Option("--field", help="Lĩnh vực (a group).")] = None,
    coordinating: Annotated[
        list[str] | None, typer.Option("--coordinating", help="Cơ quan phối hợp (repeat).")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="high_burden, complaints, priority, programme (repeat)."),
    ] = None,
    product: Annotated[str | None, typer.Option("--product", help="Sản phẩm dự kiến.")] = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Add an item (one procedure by --code or a group by --field) to the draft plan."""
    from catalogue.cycle.review_plan import add_plan_item

    start_on, end_on = parse_day(start, "--start"), parse_day(end, "--end")

    def work(s, who):
        item = add_plan_item(
            session=s, actor=who, plan_id=_plan_id(s, year), code=code, field=field,
            agency=agency, coordinating=coordinating, start_on=start_on, end_on=end_on,
            grounds=grounds, tags=tag, product=product,
        )  # fmt: skip
        return item.position

    position = run_as(db, actor, work)
    typer.echo(f"Đã thêm mục {position} vào kế hoạch rà soát {year} (item added).")


def plan_seed(
    year: Year,
    top: Annotated[int, typer.Option("--top", help="Số thủ tục đầu bảng xếp hạng.")],
    agency: Annotated[str, typer.Option("--agency", help="Cơ quan chủ trì.")],
    start: Annotated[str, typer.Option("--start", help="Ngày bắt đầu.")],
    end: Annotated[str, typer.Option("--end", help="Ngày kết thúc.")],
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Add the top N procedures of the review priorities, with their explanations."""
    from catalogue.cycle.review_plan import seed_from_ranking
    from catalogue.onestop.priorities import review_priorities
    from catalogue.sources.service import open_catalogue

    start_on, end_on = parse_day(start, "--start"), parse_day(end, "--end")
    ranking = review_priorities(open_catalogue(db), top=None).to_dict("records")

    def work(s, who):
        added = seed_from_ranking(
            session=s, actor=who, plan_id=_plan_id(s, year), ranking=ranking, top=top,
            agency=agency, start_on=start_on, end_on=end_on,
        )  # fmt: skip
        return len(added)

    count = run_as(db, actor, work)
    typer.echo(f"Đã thêm {count} thủ tục từ xếp hạng ưu tiên (items added from the ranking).")


def plan_approve(
    year: Year,
    number: Annotated[str, typer.Option("--number", help="Số quyết định, e.g. 15/QĐ-UBND.")],
    on: Annotated[str, typer.Option("--date", help="Ngày ký (31/01/2027).")],
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """The chair approves the plan (after 31 January it is shown as late)."""
    from catalogue.cycle.review_plan import approve_review_plan, is_late

    day = parse_day(on, "--date")

    def work(s, who):
        plan = approve_review_plan(
            session=s, actor=who, plan_id=_plan_id(s, year), number=number, approved_on=day
        )
        return is_late(plan)

    late = run_as(db, actor, work)
    note = " — phê duyệt muộn, sau 31/01 (late)" if late else ""
    typer.echo(f"Đã phê duyệt kế hoạch rà soát {year}, số {number}{note}.")


def plan_show(year: Year, actor: AsOption = None, db: DbOption = None, as_json: JsonOption = False):
    """Show the plan of a year with each item's progress."""
    from catalogue.cycle.review_plan import show_review_plan

    who = require_actor(actor, db)
    data = run_service(db, lambda s: show_review_plan(session=s, actor=who, year=year))
    head = f"Kế hoạch rà soát {data['year']} [{data['status']}] {data['title']}"
    if data.get("number"):
        head += f" — số {data['number']}" + (" (phê duyệt muộn)" if data["late"] else "")
    lines = [head]
    for item in data["items"]:
        lines.append(
            f"  {item['position']}. {item['code'] or item['field']} — {item['agency']}: "
            f"{item['progress_vi']} ({len(item['procedures'])} TTHC)"
        )
    print_result(data, as_json, "\n".join(lines))


def review_fill(
    path: Annotated[Path, typer.Argument(help="Tệp trả lời YAML/JSON.")],
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fill a review from an answers file (procedure, year, answers, components)."""
    import yaml

    from catalogue.cycle.review import fill_review

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        fail(f"{path}: không đọc được (cannot read): {exc}", 2)

    def work(s, who):
        review = fill_review(session=s, actor=who, data=data)
        return {"review_id": review.id, "version": review.version, "status": review.status}

    out = run_as(db, actor, work)
    print_result(out, as_json, f"Đã lưu biểu rà soát #{out['review_id']} v{out['version']} "
                 f"[{out['status']}] (saved).")  # fmt: skip


def review_show(
    code: Code, year: Year, actor: AsOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Show a procedure's review: answers, components and what is missing."""
    from catalogue.cycle.review import procedure_by_ref, show_review

    who = require_actor(actor, db)
    data = run_service(
        db,
        lambda s: show_review(
            session=s, actor=who, procedure_id=procedure_by_ref(s, code).id, year=year
        ),
    )
    review = data["review"] or {}
    status = review.get("status", "chưa rà soát")
    proc = data["procedure"]
    lines = [f"{proc['code']} {proc['name']} — {year}: {status} {review.get('conclusion') or ''}"]
    lines += [
        f"  - {c['label']}: {(c['judgment'] or {}).get('reasonable')}" for c in data["components"]
    ]
    lines += [f"  ! {m}" for m in data["missing"]]
    print_result(data, as_json, "\n".join(lines))


def review_check(code: Code, year: Year, actor: AsOption = None, db: DbOption = None) -> None:
    """The control agency checks a reviewed form."""
    from catalogue.cycle.review import check_review, find_review, procedure_by_ref

    def work(s, who):
        review = find_review(s, procedure_by_ref(s, code).id, year)
        if review is None:
            fail(f"{code}: chưa có biểu rà soát năm {year} (no review)", 1)
        return check_review(session=s, actor=who, review_id=review.id).status

    typer.echo(f"{code}: {run_as(db, actor, work)}")


def review_propose(
    code: Code,
    year: Year,
    plan: Annotated[int, typer.Option("--plan", help="Id of the draft phương án.")],
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add the review's proposal (option and reasons from the review) to a phương án."""
    from catalogue.cycle.review import find_review, procedure_by_ref, propose_from_review

    def work(s, who):
        review = find_review(s, procedure_by_ref(s, code).id, year)
        if review is None:
            fail(f"{code}: chưa có biểu rà soát năm {year} (no review)", 1)
        p = propose_from_review(session=s, actor=who, review_id=review.id, plan_id=plan)
        return {"proposal_id": p.id, "action": p.action, "reason": p.reason,
                "cost_before": p.cost_before, "cost_after": p.cost_after,
                "savings": p.savings, "figures_source": p.figures_source}  # fmt: skip

    out = run_as(db, actor, work)
    print_result(out, as_json, f"Đã thêm đề xuất #{out['proposal_id']} ({out['action']}).")


def review_after_sheet(
    code: Code,
    path: Annotated[
        Path | None, typer.Argument(help="Biểu tính chi phí sau đơn giản hóa (YAML/JSON).")
    ],
    year: Year,
    version: Annotated[
        int | None, typer.Option("--version", help="Phiên bản biểu rà soát đã đọc.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Xóa biểu sau đơn giản hóa.")] = False,
    actor: AsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Store the review's costing sheet after simplification (its changes join the option)."""
    import yaml

    from catalogue.cycle.review import procedure_by_ref
    from catalogue.cycle.review_option import amend_changes, save_after_sheet

    content = None
    if not clear:
        if path is None:
            fail("Cần tệp biểu tính chi phí sau đơn giản hóa, hoặc --clear (a file is required)", 2)
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            fail(f"{path}: không đọc được (cannot read): {exc}", 2)

    def work(s, who):
        review = save_after_sheet(
            session=s, actor=who, procedure_id=procedure_by_ref(s, code).id, year=year,
            content=content, expected_version=version,
        )  # fmt: skip
        changes = amend_changes(s, review) if review.conclusion == "amend" else []
        return {"review_id": review.id, "version": review.version, "changes": changes}

    out = run_as(db, actor, work)
    lines = [
        f"Đã lưu biểu sau đơn giản hóa của biểu rà soát #{out['review_id']} "
        f"v{out['version']} (saved); phương án gồm {len(out['changes'])} thay đổi:"
    ]
    lines += [f"  - {c['type']}: {c.get('reason', '')}" for c in out["changes"]]  # fmt: skip
    print_result(out, as_json, "\n".join(lines))


def review_report(
    year: Year, actor: AsOption = None, db: DbOption = None, as_json: JsonOption = False
):
    """Báo cáo kết quả rà soát of a year: counts per field and agency, costs."""
    from catalogue.cycle.review_report import review_report as build

    who = require_actor(actor, db)
    data = run_service(db, lambda s: build(session=s, actor=who, year=year))
    print_result(data, as_json, data["sentence"])


def review_export(
    kind: Annotated[str, typer.Argument(help="plan, form, cost, cost_word or report.")],
    year: Year,
    code: Annotated[str | None, typer.Option("--code", help="Mã TTHC (form, cost).")] = None,
    output: OutputOption = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Export ke-hoach-ra-soat.docx, bieu-ra-soat-<code>.docx, bieu-tinh-cptt-<code>.xlsx
    (cost_word: .docx) or bao-cao-ket-qua-ra-soat.docx."""
    from catalogue.documents.review_docs import export_review_document

    if kind in ("form", "cost", "cost_word") and not code:
        fail("--code: cần mã TTHC cho biểu rà soát / biểu tính chi phí (code required)", 2)
    data, name = run_as(
        db, actor,
        lambda s, who: export_review_document(
            session=s, actor=who, kind=kind, year=year, code=code
        ),
    )  # fmt: skip
    write_output(data, output or Path(name))


PLAN_COMMANDS = {
    "draft": plan_draft,
    "add": plan_add,
    "seed": plan_seed,
    "approve": plan_approve,
    "show": plan_show,
}
REVIEW_COMMANDS = {
    "fill": review_fill,
    "show": review_show,
    "check": review_check,
    "after-sheet": review_after_sheet,
    "propose": review_propose,
    "report": review_report,
    "export": review_export,
}


def register(app: typer.Typer) -> None:
    """Add the ``review-plan`` and ``review`` groups to ``app``."""
    plan_app = typer.Typer(
        help="Kế hoạch rà soát TTHC (the year's review plan).", no_args_is_help=True
    )
    review_app = typer.Typer(
        help="Rà soát từng TTHC (reviews, Biểu 02/RS-KSTT).", no_args_is_help=True
    )
    app.add_typer(plan_app, name="review-plan")
    app.add_typer(review_app, name="review")
    for name, function in PLAN_COMMANDS.items():
        plan_app.command(name)(function)
    for name, function in REVIEW_COMMANDS.items():
        review_app.command(name)(function)
