"""The textbook LangChain pipeline used as a yardstick, and a smoke run of the benchmark script."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import FrozenInstanceError, fields
from itertools import pairwise
from pathlib import Path

import pytest

from assistant.documents.corpus import Corpus
from assistant.evaluation.baseline import (
    CHUNK_OVERLAP,
    CHUNK_SIZE,
    BaselineChunk,
    BaselineHit,
    TextbookPipeline,
    split_corpus,
)
from assistant.search.embedder import HashingEmbedder
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def windows(corpus: Corpus) -> list[BaselineChunk]:
    return split_corpus(corpus)


@pytest.fixture(scope="module")
def pipeline(corpus: Corpus) -> TextbookPipeline:
    return TextbookPipeline.build(corpus, HashingEmbedder())


def _by_source(windows: list[BaselineChunk]) -> dict[str, list[BaselineChunk]]:
    out: dict[str, list[BaselineChunk]] = {}
    for window in windows:
        out.setdefault(window.source, []).append(window)
    return out


def test_windows_are_at_most_chunk_size(windows: list[BaselineChunk]) -> None:
    assert windows
    assert max(len(w.text) for w in windows) <= CHUNK_SIZE


def test_spans_are_exact(corpus: Corpus, windows: list[BaselineChunk]) -> None:
    texts = {p.document.source: p.document.text for p in corpus.documents}
    for window in windows:
        assert texts[window.source][window.start : window.end] == window.text


def test_every_document_is_covered_from_its_header(
    corpus: Corpus, windows: list[BaselineChunk]
) -> None:
    """The whole text is split, header and signature included: the first window starts at
    the first non-blank character and the last ends at the last one."""
    per_source = _by_source(windows)
    for parsed in corpus.documents:
        text = parsed.document.text
        mine = per_source[parsed.document.source]
        assert mine[0].start == len(text) - len(text.lstrip())
        assert mine[-1].end == len(text.rstrip())


def test_consecutive_windows_overlap_or_touch(corpus: Corpus, windows: list[BaselineChunk]) -> None:
    """The splitter carries whole pieces of at most ``chunk_overlap`` characters into the next
    window, so after a long paragraph there is no overlap. What holds: windows go forward,
    overlap by at most 200 characters, leave nothing but whitespace between them, and every
    document has overlapping neighbours."""
    texts = {p.document.source: p.document.text for p in corpus.documents}
    for source, mine in _by_source(windows).items():
        assert len(mine) > 1, source
        overlapping = 0
        for before, after in pairwise(mine):
            assert before.start < after.start and before.end < after.end, source
            assert before.end - after.start <= CHUNK_OVERLAP, source
            assert not texts[source][before.end : after.start].strip(), f"{source}: gap"
            overlapping += after.start < before.end
        assert overlapping > 0, f"{source}: no two windows overlap"


def test_search_returns_k_hits_with_their_provenance(
    corpus: Corpus, pipeline: TextbookPipeline
) -> None:
    hits = pipeline.search("Sở Y tế phải làm gì?", k=5)
    assert len(hits) == 5
    assert {f.name for f in fields(BaselineHit)} == {
        "text",
        "source",
        "doc_number",
        "start",
        "end",
        "score",
    }
    documents = {p.document.source: p.document for p in corpus.documents}
    for hit in hits:
        document = documents[hit.source]
        assert hit.doc_number == document.doc_number
        assert document.text[hit.start : hit.end] == hit.text
        assert -1.0 <= hit.score <= 1.0 + 1e-6
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    with pytest.raises(FrozenInstanceError):
        hits[0].score = 0.0  # type: ignore[misc]


def test_search_edge_cases(pipeline: TextbookPipeline) -> None:
    assert pipeline.search("   ", k=5) == []
    assert pipeline.search("kinh phí", k=0) == []
    assert len(pipeline.search("kinh phí", k=10_000)) == len(pipeline.chunks)


def test_search_uses_the_same_embedder_as_langchain(pipeline: TextbookPipeline) -> None:
    """The query vector is the embedder's own LangChain ``embed_query``: the top window of a
    verbatim sentence is the window that contains it."""
    window = pipeline.chunks[3]
    middle = len(window.text) // 2
    sentence = window.text[middle - 100 : middle + 100]
    assert pipeline.search(sentence, k=1)[0].start == window.start


def test_benchmark_quick_run(tmp_path: Path) -> None:
    """``eval/benchmark.py --quick`` runs end to end on the hashing fake and writes both reports
    into ``--out`` (never into eval/reports)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "eval" / "benchmark.py"), "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # About 60 s of CPU, and as much wall time on an idle 2-core machine. CPU time is checked
    # because wall time doubles whenever another job shares the cores.
    assert cpu < 120, f"quick benchmark used {cpu:.0f} s of CPU ({wall:.0f} s wall)"

    report = json.loads((tmp_path / "benchmark.json").read_text(encoding="utf-8"))
    assert {
        "command",
        "date",
        "environment",
        "config",
        "five_documents",
        "latency",
        "quality",
        "synthetic",
        "memory",
        "targets",
    } <= set(report)
    env = report["environment"]
    assert env["cpu_count"] >= 1
    assert env["python"] and env["torch"] and env["model_id"] == "hashing-256"
    assert report["quick"] is True

    five = report["five_documents"]
    for key in ("model_prepare_s", "model_load_s", "embed_s", "total_s", "process_wall_s"):
        assert five["cold"][key] >= 0
    assert five["warm"]["rebuilt"] is False
    assert five["rebuild"]["reused_vectors"] == five["rebuild"]["n_chunks"] > 0

    for pipeline_name in ("ours", "textbook"):
        latency = report["latency"][pipeline_name]
        assert 0 < latency["p50_ms"] <= latency["p95_ms"]
        overall = report["quality"][pipeline_name]["all"]
        for metric in ("doc_hit@3", "recall@1", "recall@3", "recall@5", "mrr@5", "foreign@5"):
            assert 0.0 <= overall[metric] <= 1.0
        assert overall["recall@1"] <= overall["recall@3"] <= overall["recall@5"]

    synthetic = report["synthetic"]
    assert synthetic["n_chunks"] == report["config"]["synthetic"] > synthetic["n_real_chunks"]
    assert synthetic["latency"]["p95_ms"] > 0
    assert set(report["memory"]) == {"cold", "warm", "rebuild", "ours", "textbook", "synthetic"}
    assert all(mb > 0 for mb in report["memory"].values())
    assert {t["name"] for t in report["targets"]} and all(
        isinstance(t["met"], bool) for t in report["targets"]
    )

    markdown = (tmp_path / "benchmark.md").read_text(encoding="utf-8")
    assert "eval/benchmark.py --quick" in markdown
    assert "## Targets" in markdown
