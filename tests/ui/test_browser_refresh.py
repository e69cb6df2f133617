"""F5 keeps the session: a real browser signs in, opens a procedure, reloads the page and
is still signed in on the same procedure; signing out revokes the address's token.

Same setup as the journey (Debian's chromium, ``streamlit run`` on a demo database).
"""

from __future__ import annotations

import re

import pytest

from tests.ui.test_browser_journey import _nav, _settle, _sign_in, page, server

__all__ = ["page", "server"]  # fixtures used by the test below
pytestmark = pytest.mark.browser


def test_refresh_keeps_user_and_procedure(server, page):
    from playwright.sync_api import expect

    page.goto(server)
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=180_000)
    _settle(page)
    _sign_in(page, "reviewer", "reviewer-demo")
    _nav(page, "Danh mục TTHC")
    search = page.get_by_label("Tìm kiếm")
    search.fill("dang ky khai sinh")
    search.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Xem chi tiết").click()
    expect(page.get_by_role("heading", name="Chi tiết thủ tục")).to_be_visible()
    _settle(page)
    heading = page.get_by_role("heading", name=re.compile(r" · ")).first.inner_text()
    assert "khai sinh" in heading.lower()
    assert re.search(r"[?&]s=[^&]+", page.url) and re.search(r"[?&]id=\d+", page.url)
    signed_url = page.url

    page.reload()
    _settle(page)
    expect(page.get_by_role("heading", name="Chi tiết thủ tục")).to_be_visible()
    expect(page.get_by_text("reviewer — Cán bộ kiểm soát")).to_be_visible()
    assert page.get_by_role("heading", name=re.compile(r" · ")).first.inner_text() == heading

    # Signing out revokes the token: the old address no longer signs anyone in.
    _nav(page, "Đăng nhập")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Tên đăng nhập").wait_for()
    page.goto(signed_url)
    _settle(page)
    expect(page.get_by_text("Chưa đăng nhập")).to_be_visible()
