"""The review step of the cycle in a real browser (issue 11 item 7): the reviewer fills the
review form (Biểu 02/RS-KSTT) of a procedure in the approved review plan, judges one of its
components unreasonable with a typed change and a reason, marks it reviewed and proposes it
into the draft phương án; the plan page lists it (its proposals table is a canvas, so the
proposal is read from the page's "withdraw" choice) and, once submitted, the chair's queue
shows its file with the reason and the content the reviewer typed.

Same setup as the journey (Debian's chromium, ``streamlit run``). The approved review plan of
next year and the draft phương án are prepared through the services before the browser
starts, as the AppTest of the review page does. Screenshot: ``tests/artifacts/review-browser.png``.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from tests.ui.test_browser_journey import (
    ARTIFACTS,
    TIMEOUT_MS,
    _nav,
    _settle,
    _sign_in,
    _sign_out,
    page,
    server,
)

__all__ = ["page", "server"]  # fixtures used below
pytestmark = pytest.mark.browser

YEAR = date.today().year + 1  # the review page opens on next year's plan
CODE = "1.001193"  # Thủ tục đăng ký khai sinh: the demo procedure with a stored sheet
PLAN_NAME = "Phương án đơn giản hóa TTHC sau rà soát"
REASON = "Kết quả được trả ngay trong ngày làm việc nhờ liên thông điện tử"
PROPOSAL = "Trả kết quả trong 01 ngày làm việc"
COMPONENTS = 10  # the judged parts of 1.001193: 4 documents, 3 deadlines, 3 fees
UNREASONABLE_ROW = 4  # "Thời hạn giải quyết (trực tiếp)"
YES_NO = {
    "II.3": "Không",
    "II.4": "Có",
    "II.6": "Không",
    "III.1": "Không",
    "III.3": "Không",
    "III.4": "Có",
    "IV.1": "Có",
    "IV.2": "Có",
    "V.1": "Có",
}
TEXTS = {
    "I.5": "Sở Tư pháp",
    "II.1": "Quản lý hộ tịch",
    "II.7": "Thủ tục cần thiết",
    "IV.3": "Hợp pháp",
    "VI.4": "Nguyễn Thị Rà Soát",
}


@pytest.fixture
def review_server(demo_db_file, tmp_path, request):
    """The dashboard on a demo database holding an approved review plan of ``YEAR`` with
    1.001193 and an empty draft phương án (put where ``server`` looks for it)."""
    from catalogue.cycle.plans import create_plan
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue
    from tests.review_support import one_procedure_review_plan

    path = tmp_path / "browser.sqlite"
    shutil.copy(demo_db_file, path)
    engine = open_catalogue(f"sqlite:///{path}", migrate=False)
    with session_scope(engine) as s:
        one_procedure_review_plan(
            s, year=YEAR, code=CODE, title=f"KH rà soát {YEAR}",
            grounds="Chi phí tuân thủ cao", approved_on=date(YEAR, 1, 10),
        )  # fmt: skip
        create_plan(session=s, actor="reviewer", name=PLAN_NAME, year=YEAR)
    engine.dispose()
    return request.getfixturevalue("server")


def _question(page, qid: str, role: str):
    return page.get_by_role(role, name=re.compile(rf"^{re.escape(qid)}\. "))


def _answer_yes_no(page, qid: str, answer: str) -> None:
    _question(page, qid, "combobox").click()
    page.get_by_role("option", name=answer, exact=True).click()
    _settle(page)


def _answer_text(page, qid: str, text: str) -> None:
    box = _question(page, qid, "textbox")
    box.fill(text)
    box.press("Enter")
    _settle(page)


def _paste_components(page) -> None:
    """The components table is a canvas grid: select its first "Hợp lý" cell and paste one
    tab-separated row per component (Hợp lý, Lý do, Phương án, Loại thay đổi, Số ngày)."""
    rows = ["có"] * COMPONENTS
    rows[UNREASONABLE_ROW] = f"không\t{REASON}\t{PROPOSAL}\tset_deadline\t1"
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    # The grid keeps its position from before the scroll until the window says it moved.
    page.mouse.wheel(0, 1)
    page.evaluate("() => ['scroll', 'resize'].forEach(e => window.dispatchEvent(new Event(e)))")
    page.wait_for_timeout(300)
    # A first click on a read-only cell makes the grid measure where it is now.
    grid.click(position={"x": 40, "y": 54}, force=True)
    page.wait_for_timeout(300)
    grid.click(position={"x": 650, "y": 54}, force=True)  # the first "Hợp lý" cell
    page.wait_for_timeout(300)
    page.evaluate("(text) => navigator.clipboard.writeText(text)", "\n".join(rows))
    page.keyboard.press("Control+V")
    page.wait_for_timeout(800)
    _settle(page)


def test_a_filled_review_reaches_the_phuong_an(review_server, page):
    from playwright.sync_api import expect

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(review_server)
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=TIMEOUT_MS)
    _settle(page)
    _sign_in(page, "reviewer", "reviewer-demo")
    _nav(page, "Rà soát TTHC")
    expect(page.get_by_role("combobox", name="Thủ tục trong kế hoạch")).to_have_value(
        re.compile(CODE)
    )

    for qid, text in TEXTS.items():
        _answer_text(page, qid, text)
    for qid, answer in YES_NO.items():
        _answer_yes_no(page, qid, answer)
    _answer_yes_no(page, "VI.1", "Sửa đổi, bổ sung")
    _paste_components(page)
    page.get_by_role("button", name="Lưu và đánh dấu đã rà soát").click()
    expect(page.get_by_text("Đã lưu.", exact=True)).to_be_visible()
    _settle(page)
    _nav(page, "Rà soát TTHC")  # the page drawn again from the stored review
    expect(page.get_by_text(re.compile(r"^Đã rà soát — v\d+$"))).to_be_visible()

    page.get_by_role("tab", name="Lập phương án").click()
    _settle(page)
    expect(page.get_by_role("combobox", name="Phương án")).to_have_value(PLAN_NAME)
    page.get_by_role("button", name="Đưa vào phương án").click()
    expect(page.get_by_text(re.compile(r"Đã đưa vào phương án \(đề xuất #\d+\)"))).to_be_visible()
    _settle(page)

    _nav(page, "Lập phương án")
    expect(page.get_by_role("combobox", name="Đề xuất cần rút")).to_have_value(re.compile(CODE))
    page.get_by_role("button", name="Trình phương án").click()
    expect(page.get_by_text("Đã trình phương án")).to_be_visible()
    _settle(page)
    _sign_out(page)

    _sign_in(page, "chair", "chair-demo-1")
    _nav(page, "Chờ phê duyệt")
    file = page.get_by_test_id("stExpander").filter(has_text=CODE)
    expect(file).to_contain_text("đề xuất: Sửa đổi, bổ sung")
    expect(file).to_contain_text(f"Lý do: {REASON}")
    expect(file).to_contain_text(f"Nội dung đơn giản hóa: {PROPOSAL}")
    page.wait_for_timeout(700)
    page.screenshot(path=str(ARTIFACTS / "review-browser.png"), full_page=True)
