"""The main journey in a real browser: Debian's chromium driven by Playwright.

Starts ``streamlit run app.py`` on a free local port against a fresh SQLite database
(the demo catalogue and demo users load on first use), then: the reviewer signs in, finds a
procedure by an unaccented, misspelt query, builds an amend option, sees the savings, adds
it to a plan and submits; the chair signs in, approves, publishes and downloads the Excel
list; the analyst sees the savings in the report. Screenshots go to ``tests/artifacts/``.

Under ``CI=true`` the test must run (a missing chromium fails it); locally it is skipped
only when ``/usr/bin/chromium`` is absent.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The dashboard served by a real Streamlit process; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "TTHC_DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite'}",
        "TTHC_DATA_DIR": str(tmp_path),
        "TTHC_DEMO": "1",  # a demo database: the demo catalogue and accounts on first use
    }
    streamlit = Path(sys.executable).with_name("streamlit")
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            str(streamlit),
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError((tmp_path / "streamlit.log").read_text())
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page():
    """A chromium page (Debian's binary, launched by path)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing at /usr/bin/chromium (run scripts/setup.sh --test)")
        pytest.skip("chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 2200}, accept_downloads=True
        )
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
        context.close()
        browser.close()


def _shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _settle(page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )


def _nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    _settle(page)


def _sign_in(page, username: str, password: str) -> None:
    _nav(page, "Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text(f"Đã đăng nhập: {username}").wait_for()
    _settle(page)


def _sign_out(page) -> None:
    _nav(page, "Đăng nhập")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Tên đăng nhập").wait_for()
    _settle(page)


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label).click()
    page.get_by_role("option", name=option).click()
    _settle(page)


def test_reviewer_chair_analyst_journey(server, page):
    from playwright.sync_api import expect

    page.goto(server)
    # The first run opens the database and costs the catalogue: as long as any other wait.
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=TIMEOUT_MS)
    _settle(page)

    # Reviewer: sign in, create a plan, find a procedure, build an amend option.
    _sign_in(page, "reviewer", "reviewer-demo")
    _nav(page, "Lập phương án")
    page.get_by_label("Tên phương án").fill("Phương án đơn giản hóa TTHC năm 2026")
    page.get_by_label("Năm").fill("2026")
    _choose(page, "Chương trình, mục tiêu", "NQ66")
    page.get_by_role("button", name="Tạo phương án").click()
    expect(page.get_by_role("combobox", name="Chọn phương án")).to_be_visible()
    _settle(page)

    _nav(page, "Danh mục TTHC")
    search = page.get_by_label("Tìm kiếm")
    search.fill("dang ky khai sihn")
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"Hiển thị \d+ / 55 thủ tục"))).to_be_visible()
    _settle(page)
    _shot(page, "01-catalogue-search")
    page.get_by_role("button", name="So sánh phương án").click()
    expect(page.get_by_role("heading", name="So sánh phương án")).to_be_visible()
    _settle(page)

    _choose(page, "Loại thay đổi", "Thay giấy tờ bằng khai thác cơ sở dữ liệu quốc gia")
    page.get_by_label("Cơ sở dữ liệu").fill("Cơ sở dữ liệu quốc gia về dân cư")
    page.get_by_label("Lý do").fill("Khai thác thông tin từ Cơ sở dữ liệu quốc gia về dân cư")
    page.get_by_role("button", name="Thêm thay đổi").click()
    expect(page.get_by_text(re.compile(r"Tỷ lệ cắt giảm: \d+,\d\d %"))).to_be_visible()
    _settle(page)
    _shot(page, "02-compare-options")
    page.get_by_role("button", name="Đưa vào phương án").click()
    expect(page.get_by_text(re.compile(r"Đã đưa vào phương án #1"))).to_be_visible()
    _settle(page)

    _nav(page, "Lập phương án")
    page.get_by_role("button", name="Trình phương án").click()
    expect(page.get_by_text("Đã trình phương án")).to_be_visible()
    _settle(page)
    _shot(page, "03-plan-submitted")
    _sign_out(page)

    # Chair: approve the proposal and the plan, publish, download the Excel list.
    _sign_in(page, "chair", "chair-demo-1")
    _nav(page, "Chờ phê duyệt")
    expect(page.get_by_role("combobox", name="Đề xuất")).to_have_value(
        re.compile("đăng ký khai sinh")
    )
    _shot(page, "04-approval-queue")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_text("Không có đề xuất nào chờ phê duyệt.")).to_be_visible()
    _settle(page)
    page.get_by_role("button", name="Phê duyệt phương án").click()
    expect(page.get_by_role("button", name="Công bố")).to_be_visible()
    _settle(page)
    page.get_by_label("Số quyết định").fill("15/QĐ-UBND")
    page.get_by_label("Người ký").fill("Nguyễn Văn An")
    page.get_by_role("button", name="Công bố").click()
    expect(page.get_by_text("Đã công bố Quyết định 15/QĐ-UBND.")).to_be_visible()
    _settle(page)

    _nav(page, "Quyết định công bố")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải danh mục (Excel)").click()
    saved = ARTIFACTS / "15-QD-UBND.xlsx"
    download.value.save_as(saved)
    _shot(page, "05-decision")
    from openpyxl import load_workbook

    cells = [
        str(c.value)
        for ws in load_workbook(saved).worksheets
        for row in ws.iter_rows()
        for c in row
    ]
    assert any("Thủ tục đăng ký khai sinh" in c for c in cells)
    _sign_out(page)

    # Analyst: the savings appear in the report.
    _sign_in(page, "analyst", "analyst-demo")
    _nav(page, "Báo cáo cắt giảm")
    expect(page.get_by_role("heading", name="Báo cáo cắt giảm chi phí tuân thủ")).to_be_visible()
    expect(page.get_by_text("Chi phí tiết kiệm (đồng/năm)").first).to_be_visible()
    expect(page.get_by_text("Tiến độ so với mục tiêu")).to_be_visible()
    page.wait_for_timeout(1000)
    _shot(page, "06-savings-report")

    # Analyst: one-stop results and the review priorities.
    _nav(page, "Kết quả một cửa")
    expect(page.get_by_text(re.compile(r"Năm \d{4} tiếp nhận [\d.]+ hồ sơ"))).to_be_visible()
    page.wait_for_timeout(1000)
    _shot(page, "07-onestop")
    _nav(page, "Ưu tiên rà soát")
    expect(page.get_by_text(re.compile(r"\d+ thủ tục được xếp hạng"))).to_be_visible()
    page.wait_for_timeout(1000)
    _shot(page, "08-priorities")
