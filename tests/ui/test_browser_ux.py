"""Every page in a real browser, as every role, in both languages: none of the texts issue 15
saw in the Vietnamese interface appears (English Streamlit defaults, None, flag codes, key
paths, raw Python, English decimals), and the amend builder reads "0,5" as a half.

Same setup as the journey (Debian's chromium, ``streamlit run``), on a database holding a
cycle in every state (``cycle_fixture``). Screenshots of the first page, the queue and the
savings page go to ``tests/artifacts/`` (copied to ``docs/`` for the README).
"""

from __future__ import annotations

import re
import shutil

import cycle_fixture
import pytest
from page_texts import BAD_TEXTS, ENGLISH_DECIMAL, ENGLISH_DEFAULTS, STREAMLIT_OWNED

from tests.ui.test_browser_journey import ARTIFACTS, _settle, page, server

__all__ = ["page", "server"]  # fixtures used below
pytestmark = pytest.mark.browser
cycle_db_file = cycle_fixture.cycle_db_file  # fixture

PASSWORDS = {
    "reviewer": "reviewer-demo",
    "chair": "chair-demo-1",
    "analyst": "analyst-demo",
    "admin": "admin-demo-1",
}
# Material icons are ligatures: their names ("keyboard_arrow_right") are text in the DOM,
# drawn as symbols. They are hidden while the visible text is read.
VISIBLE_TEXT = """() => {
  const icons = [...document.querySelectorAll(
    '[data-testid="stIconMaterial"], [data-testid="stExpanderIcon"], [translate="no"]')];
  const saved = icons.map(e => e.style.display);
  icons.forEach(e => { e.style.display = 'none'; });
  const text = document.querySelector('[data-testid="stAppViewContainer"]').innerText;
  icons.forEach((e, i) => { e.style.display = saved[i]; });
  return text;
}"""


@pytest.fixture
def cycle_server(cycle_db_file, tmp_path, request):
    """The dashboard on a copy of the cycle database (put where ``server`` looks for it)."""
    shutil.copy(cycle_db_file, tmp_path / "browser.sqlite")
    return request.getfixturevalue("server")


def _wait(page) -> None:
    _settle(page)
    page.wait_for_timeout(700)  # widgets drawn after the run (tables, charts)
    _settle(page)


def _links(page) -> list[str]:
    names = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    return [name.split("\n")[-1].strip() for name in names]


def _go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    _wait(page)


def _sign_in(page, username: str, lang: str) -> None:
    account = "Đăng nhập" if lang == "vi" else "Sign in"
    _go(page, account)
    page.get_by_label("Tên đăng nhập" if lang == "vi" else "Username").fill(username)
    password = "Mật khẩu" if lang == "vi" else "Password"
    page.get_by_role("textbox", name=password).fill(PASSWORDS[username])
    page.get_by_role("button", name=account).click()
    page.get_by_text(re.compile(rf"{username} — ")).first.wait_for()
    _wait(page)


def faults(text: str, lang: str) -> list[str]:
    """The lines of a page's visible text that an official should not see, with why."""
    found = []
    for line in text.splitlines():
        if not line.strip() or any(owned in line for owned in STREAMLIT_OWNED):
            continue
        for pattern, why in BAD_TEXTS:
            if re.search(pattern, line):
                found.append(f"{why}: {line[:120]!r}")
        if lang == "vi" and ENGLISH_DEFAULTS.search(line):
            found.append(f"English Streamlit text: {line[:120]!r}")
        if lang == "vi" and ENGLISH_DECIMAL.search(line):
            found.append(f"an English decimal: {line[:120]!r}")
    return found


SHOTS = {
    ("chair", "Tổng quan"): "ux-overview",
    ("chair", "Chờ phê duyệt"): "ux-queue",
    ("analyst", "Báo cáo cắt giảm"): "ux-savings",
    ("reviewer", "Rà soát, đánh giá"): "ux-review",
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("role", [None, "reviewer", "chair", "analyst", "admin"])
def test_every_page_in_the_browser_speaks_one_language(cycle_server, page, role, lang):
    from playwright.sync_api import expect

    page.goto(cycle_server)
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=180_000)
    _wait(page)
    if lang == "en":
        page.get_by_test_id("stSidebar").get_by_text("English").click()
        _wait(page)
    if role is not None:
        _sign_in(page, role, lang)
        # Signed in, the menu no longer offers to sign in.
        assert ("Đăng nhập" if lang == "vi" else "Sign in") not in _links(page)
    problems = {}
    for title in _links(page):
        _go(page, title)
        found = faults(page.evaluate(VISIBLE_TEXT), lang)
        if found:
            problems[title] = sorted(set(found))
        shot = SHOTS.get((role, title)) if lang == "vi" else None
        if shot:
            page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    report = "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in problems.items())
    assert not problems, report


def test_the_amend_builder_reads_a_decimal_comma(cycle_server, page):
    from playwright.sync_api import expect

    page.goto(cycle_server)
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=180_000)
    _wait(page)
    _sign_in(page, "reviewer", "vi")
    _go(page, "Danh mục TTHC")
    search = page.get_by_label("Tìm kiếm")
    search.fill("dang ky khai sinh")
    search.press("Enter")
    _wait(page)
    page.get_by_role("button", name="So sánh phương án").click()
    _wait(page)
    page.get_by_label("Loại thay đổi").click()
    page.get_by_role("option", name="Giảm tần suất thực hiện").click()
    _wait(page)
    field = page.get_by_role("textbox", name="Giá trị mới (lần/năm)")
    field.fill("0,5")
    field.press("Enter")
    _wait(page)
    assert field.input_value() == "0,5"  # not "05"
    page.get_by_role("textbox", name="Lý do").fill("Nửa lần mỗi năm")
    page.get_by_role("button", name="Thêm thay đổi").click()
    expect(
        page.get_by_text("Đã thêm thay đổi: Giảm tần suất thực hiện — Giá trị mới: 0,5")
    ).to_be_visible()
    _wait(page)
    # The builder stays open, its fields empty for the next change.
    assert page.get_by_role("textbox", name="Lý do").input_value() == ""
    page.screenshot(path=str(ARTIFACTS / "ux-compare.png"), full_page=True)
