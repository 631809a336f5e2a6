"""eval/bench_memory.py runs end to end at a tiny size (the real figures come from running
it by hand at 10,000 and 100,000 chunks with the real model)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tests.conftest import ROOT


def test_bench_memory_smoke(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_memory", ROOT / "eval" / "bench_memory.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "report.md"
    result = bench.main(["--smoke", "--folder", str(tmp_path / "index"), "--out", str(out)])
    assert [r["n_chunks"] for r in result["runs"]] == [300, 600]
    for run in result["runs"]:
        assert run["peak_rss_mb"] > 0 and run["search"]["n"] == 20
        assert [s["step"] for s in run["steps"]][:4] == [
            "imports",
            "model loaded",
            "index opened",
            "searcher built",
        ]
    assert "growth_beyond_vector_kb" in result and len(result["load_before"]) == 3
    assert json.loads(out.with_suffix(".json").read_text())["runs"] == result["runs"]
    assert "| 600 |" in out.read_text(encoding="utf-8")
