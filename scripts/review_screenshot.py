"""Render the review page for the README: ``docs/review.png``.

Builds a throw-away demo database with an approved 2027 review plan and one filled review,
serves the dashboard with Streamlit, signs in as the demo reviewer in Debian's chromium
(Playwright) and takes a screenshot of the review of one procedure.

    .venv/bin/python scripts/review_screenshot.py [OUT.png]
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
YEAR = 2027


def _prepare(url: str) -> None:
    from sqlmodel import select

    from catalogue.cycle import review as rv
    from catalogue.cycle import review_plan as rp
    from catalogue.registry.db import session_scope
    from catalogue.registry.demo_users import ensure_demo_users
    from catalogue.registry.models import Procedure
    from catalogue.sources.service import load_demo_if_empty, open_catalogue

    engine = open_catalogue(url)
    load_demo_if_empty(engine)
    ensure_demo_users(engine)
    with session_scope(engine) as s:
        proc = s.exec(
            select(Procedure).where(Procedure.name == "Thủ tục đăng ký khai sinh")
        ).first()
        plan = rp.draft_review_plan(session=s, actor="reviewer", year=YEAR, title="Kế hoạch 2027")
        rp.add_plan_item(session=s, actor="reviewer", plan_id=plan.id, code=proc.code,
                         agency="Sở Tư pháp", start_on=date(YEAR, 3, 1),
                         end_on=date(YEAR, 6, 30), grounds="Nhiều phản ánh",
                         tags=["complaints"])  # fmt: skip
        rp.approve_review_plan(session=s, actor="chair", plan_id=plan.id, number="15/QĐ-UBND",
                               approved_on=date(YEAR, 1, 20))  # fmt: skip
        parts = rv.registry_components(session=s, procedure_id=proc.id)
        rv.save_review(session=s, actor="reviewer", procedure_id=proc.id, year=YEAR,
                       answers={"II.1": "Quản lý hộ tịch", "II.3": False, "II.4": True},
                       components=[{"key": c["key"], "reasonable": True} for c in parts[1:]]
                       + [{"key": parts[0]["key"], "reasonable": False,
                           "reason": "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
                           "proposal": "Bỏ thành phần hồ sơ này"}])  # fmt: skip
    engine.dispose()


def main(out: Path) -> None:
    """Serve, sign in, open the review page and save the screenshot to ``out``."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'shot.sqlite'}"
    _prepare(url)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "TTHC_DATABASE_URL": url, "TTHC_DATA_DIR": str(tmp)}
    streamlit = Path(sys.executable).with_name("streamlit")
    proc = subprocess.Popen(
        [str(streamlit), "run", "app.py", "--server.headless", "true", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            page.set_default_timeout(120_000)
            page.goto(base)
            page.get_by_role("heading", name="Tổng quan").wait_for()
            nav = page.get_by_test_id("stSidebarNav")
            nav.get_by_role("link", name="Đăng nhập").click()
            page.get_by_label("Tên đăng nhập").fill("reviewer")
            page.get_by_label("Mật khẩu").fill("reviewer-demo")
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_text("Đã đăng nhập: reviewer").wait_for()
            nav.get_by_role("link", name="Rà soát TTHC").click()
            page.get_by_label("Năm rà soát").fill(str(YEAR))
            page.get_by_label("Năm rà soát").press("Enter")
            page.get_by_text("II. Sự cần thiết của thủ tục hành chính").wait_for()
            page.wait_for_timeout(2500)
            page.screenshot(path=str(out), full_page=False)
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "review.png")
