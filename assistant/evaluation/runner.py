"""``assistant eval``: score retrieval, citations and answers on a gold set, in one run.

Systems compared: BM25 only and dense only (the two halves of our index), the hybrid
searcher, the full system (``answer()``), and the textbook LangChain pipeline
(``assistant.evaluation.baseline``). ``--predictions`` scores any other system's ``ask --jsonl``
output instead (answer metrics only). Metric definitions live in ``eval_metrics``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.answering.answer import answer
from assistant.answering.engine import open_engine
from assistant.answering.llm import LLMConfig
from assistant.documents.corpus import load_corpus
from assistant.evaluation import metrics as m
from assistant.evaluation.articles import CitedClause, article_hit, source_at_3
from assistant.evaluation.baseline import TextbookPipeline
from assistant.evaluation.gold import GoldItem, load_gold
from assistant.evaluation.report import (
    DEFINITIONS,
    THRESHOLDS_NOTE,
    render_chart,
    render_markdown,
    write_report,
)
from assistant.evaluation.scoring import (
    ANSWER_METRICS,
    LATENCY_METRICS,
    RETRIEVAL_METRICS,
    CitedQuote,
    EvalRun,
    Failure,
    GoldClauses,
    ItemScores,
    Prediction,
    ScoredStatement,
    Span,
    by_category,
    resolve_gold,
    score_answer,
    score_ranking,
    summarise,
)
from assistant.evaluation.systems import (
    RETRIEVAL_SYSTEMS,
    SEARCH_K,
    SYSTEM_NAMES,
    TEXTBOOK_CITED,
    bm25_ranking,
    dense_ranking,
    merge_scores,
    score_textbook,
    timed,
)
from assistant.schema import answer_json
from assistant.settings import PROJECT_ROOT, Settings

__all__ = [
    "ANSWER_METRICS",
    "DEFAULT_OUT",
    "DEFAULT_SET",
    "DEFAULT_THRESHOLDS",
    "DEFINITIONS",
    "LATENCY_METRICS",
    "RETRIEVAL_METRICS",
    "RETRIEVAL_SYSTEMS",
    "SEARCH_K",
    "SYSTEM_NAMES",
    "TEXTBOOK_CITED",
    "THRESHOLDS_NOTE",
    "CitedQuote",
    "EvalRun",
    "Failure",
    "GoldClauses",
    "ItemScores",
    "Prediction",
    "ScoredStatement",
    "Span",
    "bm25_ranking",
    "by_category",
    "dense_ranking",
    "evaluate",
    "evaluate_predictions",
    "for_corpus",
    "gate",
    "load_thresholds",
    "render_chart",
    "render_markdown",
    "report_stem",
    "resolve_gold",
    "score_answer",
    "score_ranking",
    "summarise",
    "write_report",
]

DEFAULT_SET = PROJECT_ROOT / "eval" / "gold" / "dev.jsonl"
DEFAULT_OUT = PROJECT_ROOT / "eval" / "reports"
DEFAULT_THRESHOLDS = PROJECT_ROOT / "eval" / "thresholds.json"


def _meta(settings: Settings, gold_path: Path, model_id: str, command: str) -> dict[str, Any]:
    corpus = load_corpus(
        settings.corpus_dir,
        max_bytes=settings.max_file_bytes,
        allowed_dirs=settings.allowed_dirs,
    )
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "gold_set": _display_path(gold_path),
        "model_id": model_id,
        "corpus_hash": corpus.corpus_hash,
        "settings": {
            "embedding_model": settings.embedding_model,
            "corpus_dir": _display_path(settings.corpus_dir),
            "search_k": SEARCH_K,
            "textbook_cited": TEXTBOOK_CITED,
            "lexical_support": m.LEXICAL_SUPPORT,
            "llm": LLMConfig.from_env() is not None,
        },
        # Latency depends on the machine and on what else runs on it.
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end of the run",
    }


def evaluate(
    settings: Settings,
    gold_path: Path = DEFAULT_SET,
    *,
    command: str = "assistant eval",
    notify: Callable[[str], None] | None = None,
    textbook: bool = True,
) -> EvalRun:
    """Run every system over the gold set and score it; ``textbook=False`` leaves out the
    textbook pipeline (a yardstick, not gated), which saves embedding the corpus twice."""
    say = notify or (lambda _m: None)
    items = load_gold(gold_path)
    engine = open_engine(settings)
    engine.searcher.warm_up()
    pipeline = None
    if textbook:
        say("Đang dựng pipeline LangChain mẫu (textbook)…")
        corpus = load_corpus(
            settings.corpus_dir,
            max_bytes=settings.max_file_bytes,
            allowed_dirs=settings.allowed_dirs,
        )
        pipeline = TextbookPipeline.build(corpus, engine.embedder)
    texts = {d.source: d.text for d in engine.index.documents}
    numbers = {d.doc_id: d.doc_number for d in engine.index.documents}
    chunks = engine.index.chunks
    position = {c.id: i for i, c in enumerate(chunks)}
    systems = [s for s in RETRIEVAL_SYSTEMS if s != "textbook" or pipeline is not None]
    rows: dict[str, list[ItemScores]] = {s: [] for s in systems}
    failures: list[Failure] = []

    def chunk_spans(ids: Sequence[int]) -> list[Span]:
        return [(chunks[i].source, chunks[i].start, chunks[i].end, chunks[i].id) for i in ids]

    def with_articles(scored: ItemScores, ids: Sequence[int], item: GoldItem) -> ItemScores:
        """Source@3 and article hit of a ranked list of chunks (its top three)."""
        top = [chunks[i] for i in ids[:3]]
        cited = [
            CitedClause(c.source, numbers.get(c.doc_id), (c.clause_label, c.label)) for c in top
        ]
        scored.scores["source_at_3"] = source_at_3(item, [c.source for c in top])
        scored.scores["article_hit"] = article_hit(item, cited)
        return scored

    for number, item in enumerate(items, start=1):
        if number % 20 == 0:
            say(f"{number}/{len(items)} câu hỏi")
        gold = resolve_gold(item, engine)
        q = item.question
        for system, ranking in (("bm25", bm25_ranking), ("dense", dense_ranking)):
            ids, ms = timed(ranking, engine, q, SEARCH_K)
            scored = score_ranking(item, gold, chunk_spans(ids), system=system, latency_ms=ms)
            rows[system].append(with_articles(scored, ids, item))
        hits, ms = timed(engine.searcher.search, q, k=SEARCH_K)
        spans: list[Span] = [(h.chunk.source, h.chunk.start, h.chunk.end, h.chunk.id) for h in hits]
        scored = score_ranking(item, gold, spans, system="hybrid", latency_ms=ms)
        rows["hybrid"].append(with_articles(scored, [position[h.chunk.id] for h in hits], item))

        result, ms = timed(answer, q, [], engine=engine)
        prediction = Prediction.from_json(answer_json(result, item.id))
        cited: list[Span] = []
        for c in prediction.citations:
            if c.chunk_id is None or all(c.chunk_id != x[3] for x in cited):
                cited.append((c.source, c.start, c.end, c.chunk_id))
        full = merge_scores(
            score_ranking(item, gold, cited, system="full", latency_ms=ms),
            score_answer(item, prediction, texts, system="full", failures=failures),
        )
        full.scores["source_at_3"] = source_at_3(item, [c[0] for c in cited])
        full.scores["article_hit"] = article_hit(
            item, [CitedClause(c.source, c.doc_number, c.labels) for c in prediction.citations]
        )
        rows["full"].append(full)
        if pipeline is not None:
            rows["textbook"].append(score_textbook(item, gold, pipeline, texts))
    meta = _meta(settings, gold_path, engine.embedder.model_id, command)
    meta["kind"] = "systems"
    return EvalRun(meta, rows, failures)


def evaluate_predictions(
    settings: Settings,
    predictions_path: Path,
    gold_path: Path = DEFAULT_SET,
    *,
    command: str = "assistant eval --predictions",
) -> EvalRun:
    """Answer metrics of another system's ``ask --jsonl`` output against the gold set.

    Lines are matched to gold items by "id" (or, failing that, by the exact question);
    a gold item without a prediction is scored as an empty answer that did not abstain.
    """
    items = load_gold(gold_path)
    corpus = load_corpus(
        settings.corpus_dir,
        max_bytes=settings.max_file_bytes,
        allowed_dirs=settings.allowed_dirs,
    )
    texts = {p.document.source: p.document.text for p in corpus.documents}
    by_key: dict[str, Prediction] = {}
    with predictions_path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or "error" in row:
                continue
            prediction = Prediction.from_json(row)
            by_key[prediction.item_id] = prediction
            if isinstance(row.get("question"), str):
                by_key.setdefault("q:" + row["question"], prediction)
    system = "predictions"
    rows: list[ItemScores] = []
    failures: list[Failure] = []
    for item in items:
        found = by_key.get(item.id) or by_key.get("q:" + item.question)
        prediction = found or Prediction(item.id, "", False, (), ())
        rows.append(score_answer(item, prediction, texts, system=system, failures=failures))
    meta = {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "gold_set": _display_path(gold_path),
        "predictions": _display_path(predictions_path),
        "model_id": None,
        "corpus_hash": corpus.corpus_hash,
        "settings": {
            "corpus_dir": _display_path(settings.corpus_dir),
            "lexical_support": m.LEXICAL_SUPPORT,
        },
        "kind": "predictions",
        "matched": sum(1 for i in items if i.id in by_key or "q:" + i.question in by_key),
    }
    return EvalRun(meta, {system: rows}, failures)


def for_corpus(settings: Settings, corpus_dir: Path) -> Settings:
    """Settings that read ``corpus_dir`` and keep its index in a folder of its own under the
    index folder (keyed by the corpus path), so an evaluation never replaces the app's index."""
    folder = corpus_dir.resolve()
    key = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:10]
    index_dir = settings.index_dir / "corpora" / f"{folder.name}-{key}"
    return settings.model_copy(update={"corpus_dir": folder, "index_dir": index_dir})


def report_stem(gold_path: Path) -> str:
    """The report's file name: "eval" for the dev set (and for sets outside eval/gold/),
    "eval-documents" for eval/gold/documents.jsonl, so one set's report never replaces
    another's."""
    path = gold_path.resolve()
    if path == DEFAULT_SET.resolve() or path.parent != DEFAULT_SET.resolve().parent:
        return "eval"
    return f"eval-{path.stem}"


# --- gate -----------------------------------------------------------------------------


def load_thresholds(
    path: Path = DEFAULT_THRESHOLDS, gold_path: Path | None = None
) -> dict[str, dict[str, float]]:
    """Minimums per system and metric: the top-level ones for the dev set; another gold
    set's under "sets" → its report stem ("eval-documents" for documents.jsonl).

    Raises ``KeyError`` for a gold set that has no minimums."""
    data = json.loads(path.read_text(encoding="utf-8"))
    minimum = data["minimum"]
    stem = report_stem(gold_path) if gold_path is not None else "eval"
    if stem != "eval":
        sets = data.get("sets", {})
        if stem not in sets:
            raise KeyError(stem)
        minimum = sets[stem]["minimum"]
    return {s: {k: float(v) for k, v in d.items()} for s, d in minimum.items()}


def gate(
    summary: dict[str, dict[str, float | None]], thresholds: dict[str, dict[str, float]]
) -> list[str]:
    """Readable lines for every metric below its minimum (or missing); empty when all pass."""
    problems = []
    for system, minimums in thresholds.items():
        for name, minimum in minimums.items():
            value = summary.get(system, {}).get(name)
            if value is None:
                problems.append(f"{system}.{name}: không đo được (cần ≥ {minimum:.3f})")
            elif value < minimum - 1e-9:
                problems.append(f"{system}.{name}: {value:.3f} < ngưỡng {minimum:.3f}")
    return problems


# --- helpers --------------------------------------------------------------------------


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
