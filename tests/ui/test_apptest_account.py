"""Signing in and out, role-dependent pages, and the data page's import report."""

import pytest
from ui_helpers import PASSWORDS, no_exception, open_page, sign_in, sign_out, texts


def test_wrong_password_is_refused(app):
    at = open_page(app.run(), "account")
    at.text_input(key="account_username").input("reviewer")
    at.text_input(key="account_password").input("wrong-password")
    at.button(key="account_submit").click().run()
    no_exception(at)
    assert "không đúng" in at.error[0].value
    assert "user" not in at.session_state


def test_sign_in_and_out(app):
    at = sign_in(app.run(), "chair")
    assert "chair" in texts(at)
    at.button(key="account_sign_out").click().run()
    no_exception(at)
    assert "user" not in at.session_state


def test_anonymous_sees_only_public_pages(app):
    at = app.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("ui/pages/plan.py")


def test_every_role_can_open_its_pages(app):
    pages = {
        "reviewer": ["overview", "catalogue", "detail", "compare", "plan", "decisions", "savings"],
        "chair": ["queue", "decisions", "savings", "compare"],
        "analyst": ["savings", "decisions", "overview"],
        "admin": ["data", "plan", "decisions"],
    }
    for role, names in pages.items():
        at = sign_in(app.run(), role)
        for name in names:
            open_page(at, name)
        sign_out(at)
    assert set(PASSWORDS) == set(pages)
