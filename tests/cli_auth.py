"""Running ``tthc`` commands in tests as an authenticated user.

The CLI no longer trusts ``--as``: :func:`invoke` turns ``--as NAME`` into the script
environment (``TTHC_USER`` and ``TTHC_PASSWORD``, the password of that test or demo
account), so every command signs in as a script would.
"""

from __future__ import annotations

from typer.testing import CliRunner

from catalogue.cli import build_app
from catalogue.registry.demo_users import DEMO_USERS
from tests.workflow_support import PASSWORD, USERS

PASSWORDS = {name: password for name, (password, _, _) in DEMO_USERS.items()}
PASSWORDS.update({name: PASSWORD for name in USERS.values()})

runner = CliRunner()


def auth_env(args: list[str]) -> tuple[list[str], dict[str, str]]:
    """``args`` without ``--as NAME``, and the environment that signs NAME in."""
    args = [str(a) for a in args]
    if "--as" not in args:
        return args, {}
    at = args.index("--as")
    name = args[at + 1]
    return args[:at] + args[at + 2 :], {
        "TTHC_USER": name,
        "TTHC_PASSWORD": PASSWORDS.get(name, PASSWORD),  # other test accounts: PASSWORD
    }


def invoke(args, env: dict[str, str] | None = None, **kwargs):
    """``runner.invoke`` of the whole CLI, signed in as the ``--as`` user of ``args``."""
    plain, signed = auth_env(list(args))
    return runner.invoke(build_app(), plain, env={**signed, **(env or {})}, **kwargs)
