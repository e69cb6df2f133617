"""The main journey in a real browser: Debian's chromium driven by Playwright.

Starts ``streamlit run app.py`` on a free local port against a fresh SQLite database
(the demo catalogue and demo users load on first use), then: the reviewer signs in, finds a
procedure by an unaccented, misspelt query, builds an amend option, sees the savings, adds
it to a plan and submits; the chair decides it and signs the Quyết định thông qua after its
summary; the reviewer records the legal act and links it; the chair signs the Quyết định
công bố; the dashboard, restarted on the act's date in force (``TTHC_TODAY``), applies the
change, and the catalogue shows it; the analyst sees the reports. Screenshots go to
``tests/artifacts/``.

Under ``CI=true`` the test must run (a missing chromium fails it); locally it is skipped
only when ``/usr/bin/chromium`` is absent.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
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


@contextlib.contextmanager
def serve(tmp_path: Path, **extra_env: str):
    """``streamlit run app.py`` on a free port against ``tmp_path/browser.sqlite``; yields
    its base URL. ``extra_env`` adds to the environment (``TTHC_TODAY`` for the date)."""
    port = _free_port()
    env = {
        **os.environ,
        "TTHC_DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite'}",
        "TTHC_DATA_DIR": str(tmp_path),
        "TTHC_DEMO": "1",  # a demo database: the demo catalogue and accounts on first use
        **extra_env,
    }
    streamlit = Path(sys.executable).with_name("streamlit")
    log_path = tmp_path / f"streamlit-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
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
                raise RuntimeError(log_path.read_text())
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
def server(tmp_path):
    """The dashboard served by a real Streamlit process; yields its base URL."""
    with serve(tmp_path) as base:
        yield base


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
    _nav(page, "Tài khoản")  # signed in, the menu no longer says "Đăng nhập"
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Tên đăng nhập").wait_for()
    _settle(page)


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label).click()
    page.get_by_role("option", name=option).click()
    _settle(page)


def _fill(page, label: str, text: str) -> None:
    """A text box outside a form: typed, then Enter (Streamlit reruns with the value)."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    _settle(page)


def _date(page, label: str, value: date) -> None:
    """A date input drawn as day, month and year fields: each typed in turn."""
    for part, text in (("day", f"{value:%d}"), ("month", f"{value:%m}"), ("year", f"{value:%Y}")):
        field = page.get_by_role("spinbutton", name=f"{part}, {label}")
        field.click()
        field.press_sequentially(text)
    page.keyboard.press("Tab")
    _settle(page)


def _reviewer_proposes(page) -> None:
    from playwright.sync_api import expect

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


def _chair_decides_and_adopts(page) -> None:
    from playwright.sync_api import expect

    _sign_in(page, "chair", "chair-demo-1")
    _nav(page, "Chờ phê duyệt")
    expect(page.get_by_role("combobox", name="Đề xuất")).to_have_value(
        re.compile("đăng ký khai sinh")
    )
    _shot(page, "04-approval-queue")
    assert page.get_by_role("button", name="Phê duyệt phương án").count() == 0  # no shortcut
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_text("Không có đề xuất nào chờ phê duyệt.")).to_be_visible()
    expect(page.get_by_text(re.compile("sẵn sàng ký Quyết định thông qua"))).to_be_visible()
    _settle(page)
    page.get_by_role("link", name="Ký Quyết định thông qua phương án").click()
    expect(page.get_by_role("heading", name="Quyết định thông qua phương án")).to_be_visible()
    _settle(page)
    _fill(page, "Bộ, ngành hoặc Chính phủ nhận kiến nghị", "Bộ Tư pháp")
    _fill(page, "Số quyết định", "125/QĐ-UBND")
    _fill(page, "Người ký", "Nguyễn Văn An")
    expect(
        page.get_by_text(re.compile(r"Ký Quyết định thông qua 125/QĐ-UBND .*: 1 đề xuất"))
    ).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(r"Sửa đổi, bổ sung; kiến nghị Bộ Tư pháp; tiết kiệm mỗi năm [\d.]+ đ")
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Ký quyết định thông qua")).to_be_disabled()
    page.get_by_text("Tôi đã xem nội dung và xác nhận ký").click()
    _settle(page)
    _shot(page, "05-adoption")
    page.get_by_role("button", name="Ký quyết định thông qua").click()
    expect(
        page.get_by_text("Đã ký Quyết định thông qua 125/QĐ-UBND: 1 đề xuất được chuyển xử lý.")
    ).to_be_visible()
    _settle(page)
    _sign_out(page)


def _reviewer_records_the_act(page, in_force: date) -> None:
    from playwright.sync_api import expect

    _sign_in(page, "reviewer", "reviewer-demo")
    _nav(page, "Thông qua, công bố, hiệu lực")
    page.get_by_label("Số, ký hiệu văn bản").fill("05/2026/TT-BTP")
    page.get_by_label("Cơ quan ban hành").fill("Bộ Tư pháp")
    page.get_by_label("Tên văn bản").fill("Thông tư sửa đổi thủ tục đăng ký hộ tịch")
    _date(page, "Ngày ban hành", in_force - timedelta(days=45))
    _date(page, "Ngày có hiệu lực", in_force)
    page.get_by_role("button", name="Ghi nhận văn bản").click()
    expect(
        page.get_by_text(
            f"Đã ghi nhận văn bản 05/2026/TT-BTP, có hiệu lực từ ngày {in_force:%d/%m/%Y}."
        )
    ).to_be_visible()
    _settle(page)
    page.get_by_role("button", name="Gắn văn bản với đề xuất").click()
    expect(
        page.get_by_text(re.compile(r"Đã gắn văn bản 05/2026/TT-BTP .*thực thi toàn bộ"))
    ).to_be_visible()
    _settle(page)
    _sign_out(page)


def _chair_publishes(page, in_force: date, code_box: str) -> None:
    from playwright.sync_api import expect

    _sign_in(page, "chair", "chair-demo-1")
    _nav(page, "Thông qua, công bố, hiệu lực")
    _fill(page, "Số quyết định", "200/QĐ-UBND")
    _fill(page, "Người ký", "Nguyễn Văn An")
    expect(
        page.get_by_text(
            re.compile(r"Ký Quyết định công bố 200/QĐ-UBND .*: 1 thủ tục trong danh mục")
        )
    ).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(
                rf"Từ ngày {in_force:%d/%m/%Y}, danh mục TTHC áp dụng thay đổi của 1 thủ tục"
            )
        )
    ).to_be_visible()
    page.get_by_text("Tôi đã xem nội dung và xác nhận ký").click()
    _settle(page)
    _shot(page, "06-publication")
    page.get_by_role("button", name="Ký quyết định công bố").click()
    expect(
        page.get_by_text(re.compile(r"Đã ký Quyết định công bố 200/QĐ-UBND: 1 thủ tục"))
    ).to_be_visible()
    _settle(page)
    # Before the date in force the record is unchanged and the coming change is shown.
    _fill(page, "Mã TTHC", code_box)
    expect(page.get_by_text("Đã công bố, chờ ngày có hiệu lực")).to_be_visible()
    _shot(page, "07-pending-change")
    _sign_out(page)


def test_the_law_s_sequence_in_the_browser(tmp_path, page):
    """Reviewer proposes → chair decides and adopts (125/QĐ-UBND) → reviewer records the act
    and links it → chair signs the công bố → on the date in force (the dashboard restarted
    with ``TTHC_TODAY``) the catalogue shows the change; then the analyst's reports."""
    from playwright.sync_api import expect

    in_force = date.today() + timedelta(days=30)
    with serve(tmp_path) as base:
        page.goto(base)
        # The first run opens the database and costs the catalogue: as long as any other wait.
        expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=TIMEOUT_MS)
        _settle(page)
        _reviewer_proposes(page)
        _chair_decides_and_adopts(page)
        _reviewer_records_the_act(page, in_force)
        _chair_publishes(page, in_force, "1.001193")

    with serve(tmp_path, TTHC_TODAY=in_force.isoformat()) as base:
        page.goto(base)
        expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=TIMEOUT_MS)
        _settle(page)
        _sign_in(page, "chair", "chair-demo-1")
        _nav(page, "Thông qua, công bố, hiệu lực")
        expect(page.get_by_text("Đã áp dụng 1 thay đổi đến ngày có hiệu lực.")).to_be_visible()
        _settle(page)
        _nav(page, "Quyết định công bố")
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải danh mục (Excel)").click()
        saved = ARTIFACTS / "200-QD-UBND.xlsx"
        download.value.save_as(saved)
        _shot(page, "08-decision")
        from openpyxl import load_workbook

        cells = [
            str(c.value)
            for ws in load_workbook(saved).worksheets
            for row in ws.iter_rows()
            for c in row
        ]
        assert any("Thủ tục đăng ký khai sinh" in c for c in cells)
        _nav(page, "Danh mục TTHC")
        search = page.get_by_label("Tìm kiếm")
        search.fill("1.001193")
        search.press("Enter")
        _settle(page)
        page.get_by_role("button", name="Xem chi tiết").click()
        expect(page.get_by_text(re.compile(r"Tình trạng:\s*Đã sửa đổi"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"theo quyết định 200/QĐ-UBND"))).to_be_visible()
        _shot(page, "09-catalogue-in-force")
        _sign_out(page)

        # Analyst: the reports.
        _sign_in(page, "analyst", "analyst-demo")
        _nav(page, "Báo cáo cắt giảm")
        expect(
            page.get_by_role("heading", name="Báo cáo cắt giảm chi phí tuân thủ")
        ).to_be_visible()
        expect(page.get_by_role("button", name="Tải bảng (Excel)")).to_be_visible()
        page.wait_for_timeout(1000)
        _shot(page, "10-savings-report")
        _nav(page, "Kết quả một cửa")
        expect(page.get_by_text(re.compile(r"Năm \d{4} tiếp nhận [\d.]+ hồ sơ"))).to_be_visible()
        page.wait_for_timeout(1000)
        _shot(page, "11-onestop")
        _nav(page, "Ưu tiên rà soát")
        expect(page.get_by_text(re.compile(r"\d+ thủ tục được xếp hạng"))).to_be_visible()
        page.wait_for_timeout(1000)
        _shot(page, "12-priorities")
