"""The admin users page, and a deactivated account losing the dashboard at once."""

from __future__ import annotations

from ui_helpers import no_exception, open_page, sign_in, texts

from catalogue.registry import auth
from catalogue.registry.db import session_scope
from catalogue.sources.service import open_catalogue


def test_admin_creates_an_account_who_can_sign_in(app):
    at = sign_in(app.run(), "admin")
    at = open_page(at, "users")
    at.text_input(key="users_new_name").input("Lan")
    at.selectbox(key="users_new_role").set_value("analyst")
    at.text_input(key="users_new_pw").input("phan-tich-1234")
    at.button(key="users_create_submit").click().run()
    no_exception(at)
    names = at.dataframe[0].value.iloc[:, 0].tolist()
    assert "lan" in names  # stored normalised (case-folded)


def test_deactivated_user_loses_access_at_next_interaction(app, app_db):
    at = sign_in(app.run(), "reviewer")
    at = open_page(at, "plan")
    engine = open_catalogue(app_db, migrate=False)
    with session_scope(engine) as s:
        auth.set_user_active(session=s, actor="admin", username="reviewer", active=False)
    engine.dispose()
    at.run()
    assert "user" not in at.session_state
    assert "Chưa đăng nhập" in texts(at)


def test_demo_hint_only_in_a_demo_database(app):
    at = open_page(app.run(), "account")
    assert "Tài khoản mẫu" in texts(at)
