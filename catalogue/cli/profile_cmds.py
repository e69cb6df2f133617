"""``tthc profile show|set``: the organisation profile every document uses
(:mod:`catalogue.documents.profile`)."""

from __future__ import annotations

from typing import Annotated

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    print_result,
    require_actor,
    run_service,
)

Text = str | None
Many = list[str] | None


def profile_show(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the organisation profile (unset values are marked "chưa đặt")."""
    from catalogue.documents.profile import get_profile, profile_rows

    profile = run_service(db, lambda s: get_profile(session=s))
    rows = profile_rows(profile)
    data = {name: getattr(profile, name) for name, _, _ in rows}
    print_result(data, as_json, "\n".join(f"{vi}: {text}" for _, vi, text in rows))


def profile_set(
    province: Annotated[Text, typer.Option("--province", help="Tên tỉnh: Bình An.")] = None,
    authority: Annotated[
        Text, typer.Option("--authority", help="Cơ quan ban hành: Ủy ban nhân dân tỉnh Bình An.")
    ] = None,
    place: Annotated[Text, typer.Option("--place", help="Địa danh ghi ngày tháng.")] = None,
    chair: Annotated[Text, typer.Option("--chair", help="Họ tên Chủ tịch.")] = None,
    vice_chair: Annotated[
        Many, typer.Option("--vice-chair", help="Họ tên một Phó Chủ tịch (repeat; replaces all).")
    ] = None,
    review_department: Annotated[
        Text, typer.Option("--review-department", help="Cơ quan chủ trì rà soát: Sở Tư pháp.")
    ] = None,
    review_head: Annotated[
        Text, typer.Option("--review-head", help="Người đề nghị: Giám đốc Sở Tư pháp.")
    ] = None,
    archive: Annotated[Text, typer.Option("--archive", help="Nơi lưu: VT, KSTT.")] = None,
    recipient: Annotated[
        Many, typer.Option("--recipient", help="Một nơi nhận mặc định (repeat; replaces all).")
    ] = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Set values of the organisation profile (admins only; audited); others stay."""
    from catalogue.documents.profile import profile_rows, set_profile

    given = {
        "province": province, "authority": authority, "place": place, "chair": chair,
        "vice_chairs": vice_chair, "review_department": review_department,
        "review_head": review_head, "archive": archive, "recipients": recipient,
    }  # fmt: skip
    values = {k: v for k, v in given.items() if v is not None}
    if not values:
        typer.echo("Không có giá trị nào để đặt (nothing to set); see --help", err=True)
        raise typer.Exit(2)
    who = require_actor(actor, db)
    profile = run_service(db, lambda s: set_profile(session=s, actor=who, **values))
    typer.echo("Đã lưu hồ sơ cơ quan (profile saved):")
    typer.echo("\n".join(f"  {vi}: {text}" for _, vi, text in profile_rows(profile)))


def register(app: typer.Typer) -> None:
    """Add the ``profile`` group to ``app``."""
    profile_app = typer.Typer(
        help="Hồ sơ cơ quan ban hành văn bản (organisation profile).", no_args_is_help=True
    )
    app.add_typer(profile_app, name="profile")
    profile_app.command("show")(profile_show)
    profile_app.command("set")(profile_set)
