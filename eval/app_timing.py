"""How long the app takes to be usable, in a real headless Chromium (Debian's chromium).

    .venv/bin/python eval/app_timing.py [--keep-models]

Starts ``streamlit run app.py`` with the default embedding model, an empty index folder
and (unless --keep-models) an empty models folder, under a scratch directory; then times,
from the start of the server process (or the opening of the tab):
- first run: the chat box visible, the engine open (the sidebar filters appear), one answer;
- a new browser tab on the same server;
- a restart of the server with the index built.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 900_000


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(env: dict[str, str], logs: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    port = _port()
    started = time.monotonic()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/streamlit"), "run", "app.py", "--server.headless", "true",
         "--server.port", str(port)],
        cwd=ROOT, env=env, stdout=(logs / f"streamlit-{port}.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}", started


def _session(browser: Browser, url: str, started: float, label: str, question: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    while True:
        try:
            page.goto(url, timeout=2000)
            break
        except Exception:  # the server is not listening yet
            time.sleep(0.2)
    box = page.get_by_placeholder("Nhập câu hỏi", exact=False)
    expect(box).to_be_visible(timeout=TIMEOUT_MS)
    shown = time.monotonic() - started
    expect(page.get_by_text("Phạm vi tìm kiếm")).to_be_visible(timeout=TIMEOUT_MS)
    ready = time.monotonic() - started
    asked = time.monotonic()
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_test_id("stChatMessage")).to_have_count(2, timeout=TIMEOUT_MS)
    expect(page.get_by_text("Báo sai")).to_be_visible(timeout=TIMEOUT_MS)
    answered = time.monotonic() - asked
    print(
        f"{label}: chat box {shown:.1f} s, engine open {ready:.1f} s, "
        f"first answer {answered:.1f} s",
        flush=True,
    )
    page.close()


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="app-timing-"))
    env = os.environ | {
        "ASSISTANT_INDEX_DIR": str(scratch / "index"),
        "ASSISTANT_FEEDBACK_FILE": str(scratch / "bao-sai.jsonl"),
    }
    if "--keep-models" not in sys.argv:
        env["ASSISTANT_MODELS_DIR"] = str(scratch / "models")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        process, url, started = _start(env, scratch)
        try:
            _session(browser, url, started, "first run", "Sở Y tế phải làm gì?")
            _session(browser, url, time.monotonic(), "new tab", "Kết luận 44 do ai ký?")
        finally:
            process.terminate()
            process.wait()
        process, url, started = _start(env, scratch)
        try:
            _session(browser, url, started, "restart", "Sở Tài chính phải làm gì?")
        finally:
            process.terminate()
            process.wait()
        browser.close()
    print(f"server logs in {scratch}")


if __name__ == "__main__":
    main()
