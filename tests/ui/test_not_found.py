"""Addresses that name nothing (issue 15): a page path no page has, a procedure or plan
id that does not exist. The app says so in Vietnamese; Streamlit's English "Page not
found" dialog never shows for a plain page name."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from ui_helpers import no_exception, open_page

from tests.ui.test_browser_journey import _settle, page, server

__all__ = ["page", "server"]  # fixtures used below


def _context(monkeypatch, name, page_hash=""):
    import streamlit.runtime.scriptrunner as runner

    manager = SimpleNamespace(intended_page_name=name, intended_page_script_hash=page_hash)
    context = SimpleNamespace(pages_manager=manager)
    monkeypatch.setattr(runner, "get_script_run_ctx", lambda: context)


@pytest.mark.parametrize(
    ("name", "page_hash", "expected"),
    [
        ("khong-co-trang-nay", "", "khong-co-trang-nay"),  # a mistyped or old link
        ("savings", "", None),  # a page the app has
        ("", "", None),  # the first page
        ("khong-co", "abc123", None),  # Streamlit resolves by hash: not a link's path
        ("a/b", "", None),  # not a plain page name: Streamlit's dialog (README)
    ],
)
def test_unknown_page_name(monkeypatch, name, page_hash, expected):
    from ui.not_found import unknown_page_name

    _context(monkeypatch, name, page_hash)
    assert unknown_page_name(["savings", "catalogue"]) == expected


def test_an_unknown_procedure_id_says_so(app):
    at = app.run()
    at.query_params["id"] = "987654"
    at = open_page(at.run(), "detail")
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("Không tìm thấy thủ tục số 987654" in w for w in warnings), warnings


@pytest.mark.browser
def test_a_link_to_a_missing_page_answers_in_vietnamese(server, page):
    page.goto(f"{server}/trang-khong-ton-tai")
    _settle(page)
    page.wait_for_timeout(700)
    _settle(page)
    shown = page.locator("body").inner_text()
    assert "Không tìm thấy trang" in shown
    assert not re.search(r"Page not found|You have requested page", shown), shown[:400]
    page.get_by_role("link", name="Tổng quan").first.click()
    _settle(page)
    assert "Không tìm thấy trang" not in page.locator("body").inner_text()
