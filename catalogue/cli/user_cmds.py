"""``tthc user …``: accounts and their roles (:mod:`catalogue.registry.auth`).

Every command authenticates its acting user (``--as`` / ``TTHC_USER`` with the password
of a prompt or ``TTHC_PASSWORD``); only the very first account of a database, an admin,
is created without one. New passwords come from a prompt or ``TTHC_NEW_PASSWORD``,
never from the command line (shell history, process list).
"""

from __future__ import annotations

from typing import Annotated

import typer

from catalogue.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    actor_or_setup,
    new_password,
    print_result,
    require_actor,
    run_service,
)

Name = Annotated[str, typer.Argument(help="User name (tên đăng nhập).")]
RoleOption = Annotated[str, typer.Option("--role", help="reviewer, chair, analyst or admin.")]


def user_add(
    name: Name,
    role: RoleOption,
    full_name: Annotated[str | None, typer.Option("--full-name", help="Họ tên.")] = None,
    actor: AsOption = None,
    db: DbOption = None,
) -> None:
    """Create a user (admins only; the very first user must be an admin, no --as needed).

    The new user's password is asked for twice, or read from ``TTHC_NEW_PASSWORD``.
    """
    from catalogue.registry.auth import create_user

    who = actor_or_setup(actor, db)
    password = new_password()

    def work(session):
        user = create_user(
            session=session,
            actor=who,
            username=name,
            role=role,
            password=password,
            full_name=full_name,
        )
        return user.username, user.role

    username, user_role = run_service(db, work)
    typer.echo(f"Đã tạo người dùng {username} ({user_role}) (user created).")


def user_list(actor: AsOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """List the accounts: name, role, active (admins only)."""
    from catalogue.registry.auth import list_users

    who = require_actor(actor, db)
    users = run_service(db, lambda session: list_users(session=session, actor=who))
    rows = [{"name": u["username"], "role": u["role"], "active": u["active"]} for u in users]
    text = "\n".join(
        f"{r['name']}\t{r['role']}\t{'active' if r['active'] else 'inactive'}" for r in rows
    )
    print_result(rows, as_json, text)


def user_role(name: Name, role: RoleOption, actor: AsOption = None, db: DbOption = None) -> None:
    """Change a user's role (admins only; the last active admin keeps theirs)."""
    from catalogue.registry.auth import set_role

    who = require_actor(actor, db)
    run_service(db, lambda s: set_role(session=s, actor=who, username=name, role=role))
    typer.echo(f"Đã đổi vai trò của {name} thành {role} (role changed).")


def _set_active(name: str, active: bool, actor: str | None, db: str | None) -> None:
    from catalogue.registry.auth import set_user_active

    who = require_actor(actor, db)
    run_service(db, lambda s: set_user_active(session=s, actor=who, username=name, active=active))


def user_deactivate(name: Name, actor: AsOption = None, db: DbOption = None) -> None:
    """Deactivate an account (admins only): it can no longer sign in, its sessions end."""
    _set_active(name, False, actor, db)
    typer.echo(f"Đã khóa tài khoản {name} (deactivated).")


def user_reactivate(name: Name, actor: AsOption = None, db: DbOption = None) -> None:
    """Reactivate an account (admins only)."""
    _set_active(name, True, actor, db)
    typer.echo(f"Đã mở lại tài khoản {name} (reactivated).")


def user_reset_password(name: Name, actor: AsOption = None, db: DbOption = None) -> None:
    """Set another user's password (admins only); from a prompt or TTHC_NEW_PASSWORD."""
    from catalogue.registry.auth import reset_password

    who = require_actor(actor, db)
    password = new_password()
    run_service(
        db, lambda s: reset_password(session=s, actor=who, username=name, password=password)
    )
    typer.echo(f"Đã đặt lại mật khẩu của {name} (password reset).")


def user_passwd(actor: AsOption = None, db: DbOption = None) -> None:
    """Change your own password: the old one (prompt or TTHC_PASSWORD) signs you in, the
    new one comes from a prompt or TTHC_NEW_PASSWORD."""
    from catalogue.cli.common import ENV_PASSWORD, _password
    from catalogue.registry.auth import change_password

    old = _password("Mật khẩu hiện tại (current password)", ENV_PASSWORD)
    who = require_actor(actor, db, password=old)
    password = new_password()
    run_service(
        db,
        lambda s: change_password(session=s, actor=who, old_password=old, password=password),
    )
    typer.echo(f"Đã đổi mật khẩu của {who} (password changed).")


def register(app: typer.Typer) -> None:
    """Add the ``user`` group to ``app``."""
    user_app = typer.Typer(help="Người dùng và vai trò (users and roles).", no_args_is_help=True)
    app.add_typer(user_app, name="user")
    user_app.command("add")(user_add)
    user_app.command("list")(user_list)
    user_app.command("role")(user_role)
    user_app.command("deactivate")(user_deactivate)
    user_app.command("reactivate")(user_reactivate)
    user_app.command("reset-password")(user_reset_password)
    user_app.command("passwd")(user_passwd)
