"""A bounded load test: N browser sessions against a real ``streamlit run app.py`` on 127.0.0.1.

    .venv/bin/python eval/load.py                 # 20 sessions → eval/reports/load.md
    .venv/bin/python eval/load.py --sessions 5 --out /tmp/load

One headless Debian chromium (driven by playwright, as tests/test_browser.py does) opens N
pages at once; each waits for the chat box, then asks its own question and waits for its
own answer. Measured: time to the chat box and time to the answer per session, the
server's CPU seconds per page open and per question (psutil, on the server process), any
error shown, any other session's answer showing up in a page (a leak between sessions),
and any request to an address other than 127.0.0.1. The server is started here, on a
free port of 127.0.0.1 only, with the hashing fake embedder, and stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from playwright.async_api import Browser, async_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
TIMEOUT_MS = 900_000
# (question, words only its answer carries): a page showing another row's words is a leak
QUESTIONS = (
    ("Sở Y tế phải làm gì?", "khoản 6 Mục III Kế hoạch số 164/KH-UBND"),
    ("Kết luận 44 do ai ký?", "Võ Văn Thưởng"),
    ("Sở Tài chính phải làm gì?", "khoản 5 Mục III Kế hoạch số 164/KH-UBND"),
    ("Công văn 1416 do ai ký?", "Bùi Thị Tuyết Mai"),
)


@dataclass
class Session:
    number: int
    question: str
    expected: str
    to_chat_box: float = 0.0
    to_answer: float = 0.0
    error: str | None = None
    leaks: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = os.environ | {
        "ASSISTANT_EMBEDDING_MODEL": "hashing",
        "ASSISTANT_INDEX_DIR": str(workdir / "index"),
    }
    log = (workdir / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"streamlit did not start; see {workdir / 'streamlit.log'}")


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def open_page(browser: Browser, url: str, s: Session) -> object:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = await context.new_page()
    page.on(
        "request",
        lambda r: (
            s.outside.append(r.url) if urlsplit(r.url).hostname not in ("127.0.0.1", None) else None
        ),
    )
    started = time.perf_counter()
    await page.goto(url, timeout=TIMEOUT_MS)
    await page.get_by_placeholder("Nhập câu hỏi", exact=False).wait_for(timeout=TIMEOUT_MS)
    s.to_chat_box = time.perf_counter() - started
    return page


async def ask(page: object, s: Session, others: list[str]) -> None:
    box = page.get_by_placeholder("Nhập câu hỏi", exact=False)  # type: ignore[attr-defined]
    started = time.perf_counter()
    await box.fill(s.question)
    await box.press("Enter")
    messages = page.get_by_test_id("stChatMessage")  # type: ignore[attr-defined]
    await messages.nth(1).get_by_text(s.expected, exact=False).first.wait_for(timeout=TIMEOUT_MS)
    s.to_answer = time.perf_counter() - started
    # only the conversation: the other tabs list signers and clauses of every document
    chat = "\n".join(await messages.all_inner_texts())
    s.leaks = [w for w in others if w in chat and w != s.expected]
    text = await page.locator("body").inner_text()  # type: ignore[attr-defined]
    for sign in ("Traceback", "Không hiển thị được mục này", "Không mở được kho văn bản"):
        if sign in text:
            s.error = sign


async def run(url: str, server: psutil.Process, n: int) -> tuple[list[Session], float, float]:
    sessions = [Session(i + 1, *QUESTIONS[i % len(QUESTIONS)]) for i in range(n)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            before = cpu_seconds(server)
            pages = await asyncio.gather(
                *(open_page(browser, url, s) for s in sessions), return_exceptions=True
            )
            await asyncio.sleep(2)  # the last page's script finishes its run
            opened = cpu_seconds(server)
            expected = [q[1] for q in QUESTIONS]
            jobs = []
            for s, page in zip(sessions, pages, strict=True):
                if isinstance(page, BaseException):
                    s.error = f"mở trang: {type(page).__name__}"
                else:
                    jobs.append(ask(page, s, expected))
            results = await asyncio.gather(*jobs, return_exceptions=True)
            for outcome in results:
                if isinstance(outcome, BaseException):
                    print("lỗi:", repr(outcome)[:200], file=sys.stderr)
            await asyncio.sleep(2)
            asked = cpu_seconds(server)
        finally:
            await browser.close()
    failed = [s for s in sessions if s.to_answer == 0 and s.error is None]
    for s in failed:
        s.error = "không nhận được câu trả lời"
    return sessions, (opened - before) / n, (asked - opened) / n


def _n(value: float, digits: int = 1) -> str:
    """Vietnamese decimal comma: 103,9."""
    return f"{value:.{digits}f}".replace(".", ",")


def write_report(
    sessions: list[Session], per_open: float, per_question: float, out: Path, load: str
) -> Path:
    def spread(values: list[float]) -> str:
        if not values:
            return "—"
        return (
            f"trung vị {_n(statistics.median(values))} s, "
            f"nhanh nhất {_n(min(values))} s, chậm nhất {_n(max(values))} s"
        )

    chat = [s.to_chat_box for s in sessions if s.to_chat_box]
    answered = [s.to_answer for s in sessions if s.to_answer]
    lines = [
        f"# Kiểm thử tải: {len(sessions)} phiên trình duyệt trên 127.0.0.1",
        "",
        f"Lệnh: `.venv/bin/python eval/load.py --sessions {len(sessions)}` (chromium không giao "
        "diện, mô hình nhúng giả `hashing`, máy chủ `streamlit run app.py` chỉ nghe 127.0.0.1; "
        f"máy {os.cpu_count()} nhân, dùng chung với việc khác).",
        "",
        "| Đo | Hôm nay | Trước (issue 14, bf4fc09) |",
        "|---|---|---|",
        f"| Thời gian tới ô chat | {spread(chat)} | 174–231 s |",
        f"| Thời gian trả lời | {spread(answered)} | — |",
        f"| CPU máy chủ mỗi lần mở trang | {_n(per_open, 2)} s | ~3,2 s |",
        f"| CPU máy chủ mỗi câu hỏi | {_n(per_question, 2)} s | ~1 s |",
        f"| Phiên có lỗi | {sum(s.error is not None for s in sessions)} | 0 |",
        f"| Phiên thấy câu trả lời của phiên khác | {sum(bool(s.leaks) for s in sessions)} | 0 |",
        f"| Yêu cầu tới địa chỉ ngoài 127.0.0.1 | {sum(len(s.outside) for s in sessions)} | — |",
        "",
        f"Tải trung bình của máy (1 phút) lúc bắt đầu và kết thúc: {load}. Máy chủ chỉ tốn "
        f"{_n(per_open, 2)} s CPU cho mỗi lần mở trang; phần lớn thời gian chờ ô chat là {len(sessions)} "
        "trình duyệt tự dựng trang trên cùng các nhân đó.",
        "",
    ]
    problems = [
        f"- phiên {s.number}: {s.error or ''} {', '.join(s.leaks)} {', '.join(s.outside[:3])}"
        for s in sessions
        if s.error or s.leaks or s.outside
    ]
    lines += problems + ([""] if problems else [])
    out.mkdir(parents=True, exist_ok=True)
    path = out / "load.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 50:
        raise SystemExit("--sessions: từ 1 đến 50")
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        before = os.getloadavg()[0]
        process, url = start_server(Path(tmp))
        try:
            # one warm-up page builds the index, as the first user after a deploy would
            asyncio.run(run(url, psutil.Process(process.pid), 1))
            sessions, per_open, per_question = asyncio.run(
                run(url, psutil.Process(process.pid), args.sessions)
            )
            load = f"{before:.1f} → {os.getloadavg()[0]:.1f}".replace(".", ",")
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    write_report(sessions, per_open, per_question, args.out, load)
    if any(s.error or s.leaks or s.outside for s in sessions):
        sys.exit(1)


if __name__ == "__main__":
    main()
