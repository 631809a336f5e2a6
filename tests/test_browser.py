"""One end-to-end check in a real headless browser: Debian's chromium driven by playwright
against ``streamlit run app.py`` with the offline hashing embedder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = ROOT / "test-output"
START_TIMEOUT_S = 60
ANSWER_TIMEOUT_MS = 180_000  # the first question also builds the index

IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI,
    reason="/usr/bin/chromium is missing; run `make browser-deps` (in CI this test always runs)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free local port; stopped however the test ends. Address,
    usage statistics and file watching come from the repository's .streamlit/config.toml."""
    port = _free_port()
    env = os.environ | {
        "ASSISTANT_EMBEDDING_MODEL": "hashing",
        "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
        "ASSISTANT_FEEDBACK_FILE": str(tmp_path / "bao-sai.jsonl"),
    }
    log = (tmp_path / "streamlit.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"streamlit did not start:\n{(tmp_path / 'streamlit.log').read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_idle(page: Page) -> None:
    """Streamlit shows its status widget while the script runs; clicks during a run race it."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)


QUESTIONS = (
    ("Sở Y tế phải làm gì?", "khoản 6 Mục III Kế hoạch số 164/KH-UBND"),
    ("Còn Sở Tài chính thì sao?", "khoản 5 Mục III Kế hoạch số 164/KH-UBND"),
    ("Kết luận 44 do ai ký?", "Võ Văn Thưởng"),
)
# Streamlit's own English, and the engine's log wording, must never reach the page.
ENGLISH = (
    "Deploy", "Rerun", "rebuilding", "no index yet", "Traceback", "Running", "Stop",
    "Drag and drop", "Browse files", "Upload", "Limit 200MB",
)  # fmt: skip


def _in_viewport(page: Page, selector: str) -> tuple[bool, dict[str, float] | None]:
    box = page.locator(selector).last.bounding_box()
    size = page.viewport_size
    assert size is not None
    inside = (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"] + 1
        and box["width"] > 0
    )
    return inside, box


def _end_above_input(page: Page) -> bool:
    """The end of the last message is on screen above the chat box (an answer may be taller
    than the window: its end, with the cards and 'Báo sai', is what must be in view)."""
    box = page.get_by_test_id("stChatMessage").last.bounding_box()
    chat = page.get_by_test_id("stChatInput").bounding_box()
    assert box is not None and chat is not None
    bottom = box["y"] + box["height"]
    return 0 < bottom <= chat["y"] + 1


def _no_english(page: Page) -> None:
    text = page.locator("body").inner_text()
    found = [w for w in ENGLISH if w in text]
    assert not found, found


def test_ask_in_a_real_browser(server: str, tmp_path: Path) -> None:
    OUTPUT.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(server)
            box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
            expect(box).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            page.screenshot(path=str(OUTPUT / "browser-start.png"))
            _no_english(page)
            for n, (question, expected) in enumerate(QUESTIONS, 1):
                box.fill(question)
                box.press("Enter")
                messages = page.get_by_test_id("stChatMessage")
                expect(messages).to_have_count(2 * n, timeout=ANSWER_TIMEOUT_MS)
                expect(messages.last).to_contain_text(expected, timeout=ANSWER_TIMEOUT_MS)
                _wait_until_idle(page)
                page.wait_for_timeout(800)  # let the page settle its scroll
                page.screenshot(path=str(OUTPUT / f"browser-chat-{n}.png"))
                inside, where = _in_viewport(page, "[data-testid='stChatInput']")
                assert inside, f"question {n}: chat input out of view at {where}"
                assert _end_above_input(page), f"question {n}: the last answer is not in view"
                _no_english(page)
            page.get_by_text("Xem toàn bộ khoản").last.click()
            expect(page.locator("mark").last).to_be_visible()
            page.wait_for_timeout(800)  # let the expander finish opening
            page.screenshot(path=str(OUTPUT / "browser-chat-clause.png"))

            page.get_by_role("link", name="Văn bản").first.click()
            expect(page.get_by_text("Quan hệ giữa các văn bản")).to_be_visible(
                timeout=ANSWER_TIMEOUT_MS
            )
            expect(page.locator("svg").filter(has_text="164/KH-UBND").first).to_be_visible()
            _wait_until_idle(page)
            page.screenshot(path=str(OUTPUT / "browser-documents.png"), full_page=True)
            _no_english(page)
            page.get_by_role("link", name="Học").first.click()
            expect(page.get_by_role("tab", name="Trắc nghiệm")).to_be_visible(
                timeout=ANSWER_TIMEOUT_MS
            )
            _wait_until_idle(page)
            page.screenshot(path=str(OUTPUT / "browser-learn.png"))
            _no_english(page)
            page.get_by_role("link", name="Ai làm gì").first.click()
            expect(page.get_by_text("Ai làm gì: cơ quan × văn bản")).to_be_visible(
                timeout=ANSWER_TIMEOUT_MS
            )
            _wait_until_idle(page)
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUTPUT / "browser-bodies.png"), full_page=True)
            _no_english(page)
        finally:
            browser.close()
    # The server's own log: no file-watcher warnings, no usage statistics, no traceback.
    log = (tmp_path / "streamlit.log").read_text(encoding="utf-8", errors="replace")
    for noise in ("Inotify", "watchdog", "usage statistics", "Traceback"):
        assert noise not in log, f"{noise!r} in the server log:\n{log[-2000:]}"
    outside = [u for u in requests if urlsplit(u).hostname not in ("127.0.0.1", None)]
    assert not outside, outside
    assert requests, "the request log recorded nothing"
