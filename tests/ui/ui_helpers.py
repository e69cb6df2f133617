"""Small helpers for driving the dashboard with AppTest."""

from __future__ import annotations

PASSWORDS = {
    "reviewer": "reviewer-demo",
    "chair": "chair-demo-1",
    "analyst": "analyst-demo",
    "admin": "admin-demo-1",
}


def no_exception(at) -> None:
    """Fail with the page's traceback when a script raised."""
    assert not at.exception, "\n".join(
        e.message + "\n" + "".join(e.stack_trace) for e in at.exception
    )


def sign_in(at, username: str):
    """Sign in through the form as one of the demo users."""
    at.switch_page("ui/pages/account.py").run()
    at.text_input(key="account_username").input(username)
    at.text_input(key="account_password").input(PASSWORDS[username])
    at.button(key="account_submit").click().run()
    no_exception(at)
    assert at.session_state["user"]["username"] == username
    return at


def open_page(at, page: str):
    """Switch to ``ui/pages/<page>.py`` and run it without exception."""
    at.switch_page(f"ui/pages/{page}.py").run()
    no_exception(at)
    return at


def texts(at) -> str:
    """Every text the page shows (markdown, captions, metrics, alerts), for assertions."""
    parts = []
    for kind in (
        "title",
        "subheader",
        "markdown",
        "caption",
        "success",
        "info",
        "warning",
        "error",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)


def drop_population_evidence(url: str) -> None:
    """Remove every yearly volume and one-stop statistic, so that only a reviewer's sheet
    (which states its own population) has a yearly cost; the estimated procedures are
    then left out of the totals and the figures can be worked out by hand."""
    from sqlalchemy import text

    from catalogue.sources.service import open_catalogue

    engine = open_catalogue(url, migrate=False)
    try:
        with engine.begin() as conn:
            for table in ("volume", "dossier_stat", "onestop_result", "baseline_cost"):
                conn.execute(text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()


def sign_out(at):
    """Sign out through the account page (revokes the session token in the address)."""
    at.switch_page("ui/pages/account.py").run()
    at.button(key="account_sign_out").click().run()
    no_exception(at)
    assert "user" not in at.session_state
    return at
