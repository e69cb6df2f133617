"""``tthc user …``: users and their roles (:mod:`catalogue.registry.auth`).

The CLI trusts ``--as`` (whoever runs it already holds the database); the dashboard signs
users in with a password.
"""

from __future__ import annotations

from typing import Annotated

import typer

from catalogue.cli.common import AsOption, DbOption, run_service


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
        password = typer.prompt("Mật khẩu (password)", hide_input=True, confirmation_prompt=True)

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


def register(app: typer.Typer) -> None:
    """Add the ``user`` group to ``app``."""
    user_app = typer.Typer(help="Người dùng và vai trò (users and roles).", no_args_is_help=True)
    app.add_typer(user_app, name="user")
    user_app.command("add")(user_add)
