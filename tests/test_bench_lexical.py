"""eval/bench_lexical.py runs end to end on a few real files (CI runs this; the figures in
eval/reports/bench-lexical.md come from running it without --smoke)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from assistant.search.lexical import tokenizer_id
from tests.conftest import ROOT
from tests.shared_data import shared


def test_bench_lexical_smoke(tmp_path: Path) -> None:
    """Speed on six bulk files and quality on both gold sets, for the cheap tokenizers."""
    shared("documents", "bulk")
    shared("documents", "dev")
    spec = importlib.util.spec_from_file_location(
        "bench_lexical", ROOT / "eval" / "bench_lexical.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    try:
        spec.loader.exec_module(bench)
        report = bench.main(["--smoke", "--out", str(tmp_path)])
    finally:
        del sys.modules[spec.name]
    now = report["tokenizers"]["Viet74K words + syllable pairs (now)"]
    assert now["speed"]["chunks"] > 50 and now["speed"]["chunks_per_s"] > 0
    assert set(now["quality"]) == {"dev", "documents"}
    assert now["quality"]["dev"]["n"] > 100 and 0 < now["quality"]["dev"]["MRR"] <= 1
    # underthesea's segmentation gave R@5 0.865 (dev) and 0.963 (documents): no worse
    assert now["quality"]["dev"]["R@5"] >= 0.855 and now["quality"]["documents"]["R@5"] >= 0.95
    assert report["index_tokenizer"] == tokenizer_id()
    saved = json.loads((tmp_path / "bench-lexical.json").read_text(encoding="utf-8"))
    assert saved["tokenizers"].keys() == report["tokenizers"].keys()
    assert "| Viet74K words + syllable pairs (now) |" in (tmp_path / "bench-lexical.md").read_text(
        encoding="utf-8"
    )
