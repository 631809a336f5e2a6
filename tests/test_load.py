"""The load script's small CI run: a few browser sessions against a real server on
127.0.0.1 at once, no error, no answer showing up in another session, no outside request.

The full run (20 sessions, figures in eval/reports/load.md) is a benchmark script, not a
test: ``.venv/bin/python eval/load.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_browser import pytestmark  # noqa: F401  (chromium: skipped on a desk without it)

SESSIONS = 3


def test_concurrent_sessions_see_no_error_and_no_other_sessions_answer(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "eval" / "load.py"), "--sessions", str(SESSIONS),
         "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    report = (tmp_path / "load.md").read_text(encoding="utf-8")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:] + report
    for row in (
        "Phiên có lỗi",
        "Phiên thấy câu trả lời của phiên khác",
        "Yêu cầu tới địa chỉ ngoài",
    ):
        line = next(line for line in report.splitlines() if line.startswith(f"| {row}"))
        assert line.split("|")[2].strip() == "0", line
