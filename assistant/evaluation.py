"""``assistant eval``: score retrieval, citations and answers on a gold set, in one run.

Systems compared: BM25 only and dense only (the two halves of our index), the hybrid
searcher, the full system (``answer()``), and the textbook LangChain pipeline
(``assistant.baseline``). ``--predictions`` scores any other system's ``ask --jsonl``
output instead (answer metrics only). Metric definitions live in ``eval_metrics``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant import eval_metrics as m
from assistant.answer import answer
from assistant.baseline import TextbookPipeline
from assistant.corpus import load_corpus
from assistant.engine import Engine, open_engine
from assistant.gold import GoldItem, load_gold
from assistant.lexical import tokenize, with_synonyms
from assistant.llm import LLMConfig
from assistant.schema import answer_json
from assistant.settings import PROJECT_ROOT, Settings
from assistant.types import Chunk

DEFAULT_SET = PROJECT_ROOT / "eval" / "gold" / "dev.jsonl"
DEFAULT_OUT = PROJECT_ROOT / "eval" / "reports"
DEFAULT_THRESHOLDS = PROJECT_ROOT / "eval" / "thresholds.json"
SEARCH_K = 10
TEXTBOOK_CITED = 3  # the textbook pipeline "cites" its top three windows

RETRIEVAL_SYSTEMS = ("bm25", "dense", "hybrid", "full", "textbook")
SYSTEM_NAMES = {
    "bm25": "BM25 only",
    "dense": "dense only",
    "hybrid": "hybrid searcher",
    "full": "full system (answer())",
    "textbook": "textbook LangChain pipeline",
}
RETRIEVAL_METRICS = (
    "recall_at_1",
    "recall_at_3",
    "recall_at_5",
    "mrr",
    "ndcg_at_5",
    "document_at_3",
)
ANSWER_METRICS = (
    "fact_recall",
    "citation_recall",
    "citation_precision",
    "quote_verification",
    "abstention_precision",
    "abstention_recall",
    "abstention_f1",
    "answer_chars",
    "answer_statements",
)
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")


# --- what is scored -------------------------------------------------------------------


@dataclass(frozen=True)
class CitedQuote:
    number: int
    quote: str
    source: str | None
    start: int
    end: int
    chunk_id: str | None = None
    labels: tuple[str, ...] = ()  # clause label, full label, document name: not claims


@dataclass(frozen=True)
class ScoredStatement:
    text: str
    citations: tuple[int, ...]
    kind: str = "fact"


@dataclass(frozen=True)
class Prediction:
    """One system's answer to one question, in the shape every system can produce."""

    item_id: str
    text: str
    abstained: bool
    statements: tuple[ScoredStatement, ...]
    citations: tuple[CitedQuote, ...]
    latency_ms: float | None = None

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Prediction:
        """A line of ``assistant ask --jsonl``. Without "statements", every non-empty line
        of "answer" is a fact statement citing the [n] markers it carries."""
        citations = []
        for i, c in enumerate(row.get("citations") or [], start=1):
            doc_name = f"{c.get('doc_type') or ''} số {c.get('doc_number')}".strip()
            citations.append(
                CitedQuote(
                    number=int(c.get("number", i)),
                    quote=str(c.get("quote", "")),
                    source=c.get("source"),
                    start=int(c.get("start", -1)),
                    end=int(c.get("end", -1)),
                    chunk_id=c.get("chunk_id"),
                    labels=tuple(str(x) for x in (c.get("label"), c.get("clause"), doc_name) if x),
                )
            )
        text = str(row.get("answer") or "")
        if "statements" in row:
            statements = tuple(
                ScoredStatement(
                    str(s["text"]),
                    tuple(int(n) for n in s.get("citations", [])),
                    s.get("kind", "fact"),
                )
                for s in row["statements"]
            )
        else:
            statements = tuple(
                ScoredStatement(line, tuple(int(n) for n in _markers(line)))
                for line in text.splitlines()
                if line.strip()
            )
        timings = row.get("timings_ms") or {}
        return cls(
            item_id=str(row.get("id")),
            text=text,
            abstained=bool(row.get("abstained")),
            statements=statements,
            citations=tuple(citations),
            latency_ms=float(timings["total"]) if "total" in timings else None,
        )


def _markers(text: str) -> list[str]:
    import re

    return re.findall(r"\[(\d+)\]", text)


@dataclass(frozen=True)
class Failure:
    """An unsupported statement, shown in the report."""

    item_id: str
    statement: str
    claim: str
    quotes: tuple[str, ...]
    category: str = ""


@dataclass
class ItemScores:
    """Per-item counts and scores of one system; aggregated by ``summarise``."""

    system: str
    item_id: str
    category: str
    scores: dict[str, float | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "id": self.item_id,
            "category": self.category,
            **{k: _round(v) for k, v in self.scores.items()},
            **self.counts,
        }


def score_answer(
    item: GoldItem,
    prediction: Prediction,
    source_texts: dict[str, str],
    *,
    system: str,
    with_citations: bool = True,
    failures: list[Failure] | None = None,
) -> ItemScores:
    """Answer metrics of one prediction: facts, citations (ALCE), quotes, abstention, length."""
    by_number = {c.number: c for c in prediction.citations}
    facts = [s for s in prediction.statements if s.kind == "fact"]
    supported = cited_total = needed_total = 0
    for statement in facts:
        cited = [by_number[n] for n in statement.citations if n in by_number]
        labels = [label for c in cited for label in c.labels]
        claim_text = m.claim(statement.text, labels)
        judgement = m.judge_statement(claim_text, [c.quote for c in cited])
        supported += judgement.supported
        cited_total += len(cited)
        needed_total += sum(judgement.needed)
        if not judgement.supported and failures is not None:
            failures.append(
                Failure(
                    item.id,
                    statement.text,
                    claim_text,
                    tuple(c.quote for c in cited),
                    item.category,
                )
            )
    verified = sum(
        m.quote_verified(c.quote, source_texts.get(c.source or ""), c.start, c.end)
        for c in prediction.citations
    )
    result = ItemScores(system, item.id, item.category)
    result.scores = {
        "fact_recall": m.fact_recall(item.facts, prediction.text) if item.answerable else None,
        "answer_chars": float(len(prediction.text)),
        "answer_statements": float(len(facts)),
        "latency_ms": prediction.latency_ms,
    }
    result.counts = {
        "abstained": int(prediction.abstained),
        "unanswerable": int(not item.answerable),
        "quotes": len(prediction.citations),
        "quotes_verified": verified,
    }
    if with_citations:
        result.scores["citation_recall"] = supported / len(facts) if facts else None
        result.scores["citation_precision"] = needed_total / cited_total if cited_total else None
        result.counts |= {
            "statements": len(facts),
            "statements_supported": supported,
            "citations": cited_total,
            "citations_needed": needed_total,
        }
    return result


# --- retrieval ------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldClauses:
    chunks: tuple[Chunk, ...]  # one per gold ref, in order

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(c.source for c in self.chunks)


def resolve_gold(item: GoldItem, engine: Engine) -> GoldClauses | None:
    """The index chunks a gold item's refs name; None when it names no clause."""
    if not item.gold:
        return None
    found: list[Chunk] = []
    for ref in item.gold:
        for doc in engine.index.documents:
            named = (
                doc.doc_number == ref.doc_number
                if ref.doc_number is not None
                else doc.doc_number is None and doc.source == ref.source
            )
            if named:
                found += [
                    c
                    for c in engine.index.chunks
                    if c.doc_id == doc.doc_id and c.clause_label == ref.clause
                ][:1]
                break
    return GoldClauses(tuple(found)) if found else None


Span = tuple[str | None, int, int, str | None]  # source, start, end, chunk id


def _matches(
    gold: GoldClauses, results: Sequence[Span], *, by_overlap: bool
) -> list[frozenset[int]]:
    out = []
    for source, start, end, chunk_id in results:
        out.append(
            frozenset(
                i
                for i, g in enumerate(gold.chunks)
                if (chunk_id is not None and chunk_id == g.id)
                or (
                    (by_overlap or chunk_id is None)
                    and source == g.source
                    and m.spans_overlap((start, end), (g.start, g.end))
                )
            )
        )
    return out


def score_ranking(
    item: GoldItem,
    gold: GoldClauses | None,
    results: Sequence[Span],
    *,
    system: str,
    latency_ms: float | None,
    by_overlap: bool = False,
) -> ItemScores:
    """Retrieval metrics of one ranked list (None for items without gold clauses)."""
    scored = ItemScores(system, item.id, item.category)
    scored.scores["latency_ms"] = latency_ms
    if gold is None:
        return scored
    matches = _matches(gold, results, by_overlap=by_overlap)
    hits = [r[0] in gold.sources for r in results]
    scores = m.retrieval_scores(matches, len(gold.chunks), hits)
    scored.scores |= {name: getattr(scores, name) for name in RETRIEVAL_METRICS}
    return scored


def dense_ranking(engine: Engine, query: str, k: int) -> list[int]:
    vector = engine.embedder.encode_query(query).reshape(1, -1).astype(np.float32)
    _, ids = engine.index.vectors.search(vector, min(k, engine.index.vectors.ntotal))
    return [int(i) for i in ids[0] if i >= 0]


def bm25_ranking(engine: Engine, query: str, k: int) -> list[int]:
    tokens = tokenize(with_synonyms(query))
    if not tokens:
        return []
    scores = engine.index.bm25.get_scores(tokens)
    return [int(i) for i in np.argsort(-scores)[:k] if scores[i] > 0]


def _timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    out = call(*args, **kwargs)
    return out, (time.perf_counter() - started) * 1000


# --- aggregation ----------------------------------------------------------------------


def summarise(rows: Sequence[ItemScores]) -> dict[str, float | None]:
    """Means over items for scores; micro-averages for citation counts; abstention P/R/F1."""
    out: dict[str, float | None] = {"items": float(len(rows))}
    for name in (*RETRIEVAL_METRICS, "fact_recall", "answer_chars", "answer_statements"):
        out[name] = m.mean([r.scores.get(name) for r in rows])

    def ratio(num: str, den: str) -> float | None:
        total = sum(r.counts.get(den, 0) for r in rows)
        return sum(r.counts.get(num, 0) for r in rows) / total if total else None

    if any("statements" in r.counts for r in rows):
        out["citation_recall"] = ratio("statements_supported", "statements")
        out["citation_precision"] = ratio("citations_needed", "citations")
    if any("abstained" in r.counts for r in rows):
        out["quote_verification"] = ratio("quotes_verified", "quotes")
        ab = m.abstention_scores(
            [bool(r.counts["abstained"]) for r in rows],
            [bool(r.counts["unanswerable"]) for r in rows],
        )
        out |= {
            "abstention_precision": ab.precision,
            "abstention_recall": ab.recall,
            "abstention_f1": ab.f1,
        }
    latencies = [v for r in rows if (v := r.scores.get("latency_ms")) is not None]
    out["latency_p50_ms"] = m.percentile(latencies, 50)
    out["latency_p95_ms"] = m.percentile(latencies, 95)
    return {k: v for k, v in out.items() if v is not None or k in RETRIEVAL_METRICS}


def by_category(rows: Sequence[ItemScores]) -> dict[str, dict[str, float | None]]:
    categories = sorted({r.category for r in rows})
    return {c: summarise([r for r in rows if r.category == c]) for c in categories}


# --- the run --------------------------------------------------------------------------


@dataclass
class EvalRun:
    """Everything one ``assistant eval`` run measured."""

    meta: dict[str, Any]
    rows: dict[str, list[ItemScores]]
    failures: list[Failure]

    @property
    def summary(self) -> dict[str, dict[str, float | None]]:
        return {system: summarise(rows) for system, rows in self.rows.items()}

    def as_json(self) -> dict[str, Any]:
        return {
            **self.meta,
            "summary": {s: {k: _round(v) for k, v in d.items()} for s, d in self.summary.items()},
            "by_category": {
                s: {c: {k: _round(v) for k, v in d.items()} for c, d in by_category(r).items()}
                for s, r in self.rows.items()
            },
            "items": [row.as_json() for rows in self.rows.values() for row in rows],
        }


def _meta(settings: Settings, gold_path: Path, model_id: str, command: str) -> dict[str, Any]:
    corpus = load_corpus(settings.corpus_dir, max_bytes=settings.max_file_bytes)
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


def _merge(retrieval: ItemScores, answers: ItemScores) -> ItemScores:
    retrieval.scores |= {k: v for k, v in answers.scores.items() if k != "latency_ms"}
    retrieval.counts |= answers.counts
    return retrieval


def _score_textbook(
    item: GoldItem,
    gold: GoldClauses | None,
    textbook: TextbookPipeline,
    texts: dict[str, str],
) -> ItemScores:
    """The textbook pipeline's windows as a ranking, and its top windows as cited quotes."""
    windows, ms = _timed(textbook.search, item.question, k=SEARCH_K)
    spans: list[Span] = [(w.source, w.start, w.end, None) for w in windows]
    ranking = score_ranking(item, gold, spans, system="textbook", latency_ms=ms, by_overlap=True)
    top = windows[:TEXTBOOK_CITED]
    prediction = Prediction(
        item_id=item.id,
        text="\n\n".join(w.text for w in top),
        abstained=False,
        statements=tuple(ScoredStatement(w.text, (i,)) for i, w in enumerate(top, start=1)),
        citations=tuple(
            CitedQuote(i, w.text, w.source, w.start, w.end) for i, w in enumerate(top, start=1)
        ),
        latency_ms=ms,
    )
    answers = score_answer(item, prediction, texts, system="textbook", with_citations=False)
    return _merge(ranking, answers)


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
        corpus = load_corpus(settings.corpus_dir, max_bytes=settings.max_file_bytes)
        pipeline = TextbookPipeline.build(corpus, engine.embedder)
    texts = {d.source: d.text for d in engine.index.documents}
    chunks = engine.index.chunks
    systems = [s for s in RETRIEVAL_SYSTEMS if s != "textbook" or pipeline is not None]
    rows: dict[str, list[ItemScores]] = {s: [] for s in systems}
    failures: list[Failure] = []

    def chunk_spans(ids: Sequence[int]) -> list[Span]:
        return [(chunks[i].source, chunks[i].start, chunks[i].end, chunks[i].id) for i in ids]

    for number, item in enumerate(items, start=1):
        if number % 20 == 0:
            say(f"{number}/{len(items)} câu hỏi")
        gold = resolve_gold(item, engine)
        q = item.question
        for system, ranking in (("bm25", bm25_ranking), ("dense", dense_ranking)):
            ids, ms = _timed(ranking, engine, q, SEARCH_K)
            rows[system].append(
                score_ranking(item, gold, chunk_spans(ids), system=system, latency_ms=ms)
            )
        hits, ms = _timed(engine.searcher.search, q, k=SEARCH_K)
        spans: list[Span] = [(h.chunk.source, h.chunk.start, h.chunk.end, h.chunk.id) for h in hits]
        rows["hybrid"].append(score_ranking(item, gold, spans, system="hybrid", latency_ms=ms))

        result, ms = _timed(answer, q, [], engine=engine)
        prediction = Prediction.from_json(answer_json(result, item.id))
        cited: list[Span] = []
        for c in prediction.citations:
            if c.chunk_id is None or all(c.chunk_id != x[3] for x in cited):
                cited.append((c.source, c.start, c.end, c.chunk_id))
        rows["full"].append(
            _merge(
                score_ranking(item, gold, cited, system="full", latency_ms=ms),
                score_answer(item, prediction, texts, system="full", failures=failures),
            )
        )
        if pipeline is not None:
            rows["textbook"].append(_score_textbook(item, gold, pipeline, texts))
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
    corpus = load_corpus(settings.corpus_dir, max_bytes=settings.max_file_bytes)
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


# --- gate -----------------------------------------------------------------------------


def load_thresholds(path: Path = DEFAULT_THRESHOLDS) -> dict[str, dict[str, float]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {s: {k: float(v) for k, v in d.items()} for s, d in data["minimum"].items()}


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


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# --- report ---------------------------------------------------------------------------

DEFINITIONS = f"""\
- **Recall@k** (retrieval, by clause): share of an item's gold clauses matched by some result
  in the top k. For our index a result matches a gold clause when it is that clause's chunk;
  for the full system the ranked list is its citations in order (one per chunk); for the
  textbook pipeline a window matches when its character span overlaps the gold chunk's span
  in the same source file. Items without gold clauses (most metadata questions, all unanswerable ones) are
  left out.
- **MRR**: 1 / rank of the first matching result (0 if none in the top {SEARCH_K}).
- **nDCG@5**: binary gain for a result that matches a gold clause not matched higher up,
  discounted by log2(rank + 1), divided by the ideal value for min(gold clauses, 5).
- **Document@3**: a top-3 result comes from a document holding a gold clause.
- **Citation recall** (ALCE): share of fact statements supported by their cited quotes.
  A statement's claim is its text between “ ”, or, when it quotes nothing, the whole
  statement minus [n] markers, list dash and its citations' labels. The claim is
  supported when its normalised text (each piece around “…”) occurs in the normalised
  union of the cited quotes (NFC, one tone placement, lower case, markup removed, one
  space, dates as d/m/yyyy); otherwise when at least {m.LEXICAL_SUPPORT:.0%} of its content words (function
  words such as “và”, “của”, “các” left out) occur among the quotes' words.
- **Citation precision** (ALCE): share of citations that are needed: the statement is
  supported and the citation supports it alone or removing it leaves the statement
  unsupported. Citations of unsupported statements are not needed.
- **Quote verification**: share of citations whose quote is exactly the source text at
  [start, end). Must be 100%.
- **Fact recall**: share of an answerable item's gold facts whose normalised form occurs in
  the normalised answer text.
- **Abstention** precision / recall / F1: abstaining is the positive class, the truth is
  the item being unanswerable.
- **Length**: characters of the answer text; number of fact statements.
- **Latency** p50 / p95: wall clock per question (search call, or the whole `answer()`).
- The textbook pipeline answers with its top {TEXTBOOK_CITED} windows as cited quotes, so its
  citations support themselves by construction: its citation recall/precision are not
  reported."""

_LABELS = {
    "recall_at_1": "R@1",
    "recall_at_3": "R@3",
    "recall_at_5": "R@5",
    "mrr": "MRR",
    "ndcg_at_5": "nDCG@5",
    "document_at_3": "Doc@3",
    "fact_recall": "fact recall",
    "citation_recall": "cit. recall",
    "citation_precision": "cit. precision",
    "quote_verification": "quotes verified",
    "abstention_precision": "abst. P",
    "abstention_recall": "abst. R",
    "abstention_f1": "abst. F1",
    "answer_chars": "chars",
    "answer_statements": "statements",
    "latency_p50_ms": "p50 ms",
    "latency_p95_ms": "p95 ms",
    "items": "n",
}


def _cell(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    if name in ("answer_chars", "latency_p50_ms", "latency_p95_ms", "items"):
        return f"{value:.0f}" if value >= 10 or name == "items" else f"{value:.1f}"
    if name == "answer_statements":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def render_markdown(run: EvalRun, thresholds_note: str = "") -> str:
    """The report: settings, tables per system and category, definitions, failures."""
    summary = run.summary
    meta = run.meta
    lines = [
        "# Evaluation",
        "",
        f"Command: `{meta['command']}`  ",
        f"Gold set: `{meta['gold_set']}` · model: `{meta['model_id']}` · corpus hash: "
        f"`{meta['corpus_hash']}` · {meta['created']}  ",
        "Settings: " + ", ".join(f"{k}={v}" for k, v in meta["settings"].items()) + "  ",
    ]
    if "machine" in meta:
        lines.append(f"Machine: {meta['machine']}  ")
    if "predictions" in meta:
        lines.append(f"Predictions: `{meta['predictions']}` ({meta['matched']} items matched)")
    systems = list(run.rows)
    retrieval = [s for s in systems if summary[s].get("recall_at_5") is not None]
    if retrieval:
        names: tuple[str, ...] = ("items", *RETRIEVAL_METRICS, *LATENCY_METRICS)
        lines += ["", "## Retrieval by clause", ""]
        lines += _table(
            ["system", *(_LABELS[n] for n in names)],
            [
                [SYSTEM_NAMES.get(s, s), *(_cell(n, summary[s].get(n)) for n in names)]
                for s in retrieval
            ],
        )
        lines.append("")
        lines.append(
            "`n` counts every question; retrieval scores average over the questions with gold clauses."
        )
    answers = [s for s in systems if summary[s].get("fact_recall") is not None]
    if answers:
        names = (*ANSWER_METRICS, *LATENCY_METRICS)
        lines += ["", "## Answers and citations", ""]
        lines += _table(
            ["system", *(_LABELS[n] for n in names)],
            [
                [SYSTEM_NAMES.get(s, s), *(_cell(n, summary[s].get(n)) for n in names)]
                for s in answers
            ],
        )
    lines += ["", "## By category", ""]
    categories = {s: by_category(run.rows[s]) for s in systems}
    any_system = categories[systems[0]]
    columns: list[tuple[str, str]] = [(s, "recall_at_5") for s in retrieval]
    columns += [(s, "fact_recall") for s in answers]
    columns += [(s, "citation_recall") for s in answers if "citation_recall" in summary[s]]
    columns += [(s, "abstained") for s in answers]
    header = ["category", "n"] + [
        f"{_LABELS.get(n, n)} · {s}" if n != "abstained" else f"abstained · {s}" for s, n in columns
    ]
    rows = []
    for category in any_system:
        row = [category, _cell("items", any_system[category].get("items"))]
        for s, n in columns:
            if n == "abstained":
                share = m.mean(
                    [
                        float(r.counts.get("abstained", 0))
                        for r in run.rows[s]
                        if r.category == category
                    ]
                )
                row.append(_cell(n, share))
            else:
                row.append(_cell(n, categories[s][category].get(n)))
        rows.append(row)
    lines += _table(header, rows)
    if run.failures:
        lines += ["", "## Unsupported statements (examples)", ""]
        for f in _examples(run.failures, 6):
            quotes = " ¦ ".join(_one_line(q, 160) for q in f.quotes) or "(no citation)"
            lines += [
                f"- `{f.item_id}` ({f.category}): {_one_line(f.statement, 220)}",
                f"  - claim tested: {_one_line(f.claim, 220)}",
                f"  - cited quotes: {quotes}",
            ]
        lines.append(
            f"\n{len(run.failures)} unsupported statements in all; every one is in eval.json."
        )
    lines += ["", "## Definitions", "", DEFINITIONS]
    if thresholds_note:
        lines += ["", "## Gate", "", thresholds_note]
    return "\n".join(lines) + "\n"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _examples(failures: Sequence[Failure], n: int) -> list[Failure]:
    """Up to ``n`` failures, taken in turn from each category so one kind does not fill the list."""
    queues: dict[str, list[Failure]] = {}
    for f in failures:
        queues.setdefault(f.category, []).append(f)
    out: list[Failure] = []
    while len(out) < n and any(queues.values()):
        for queue in queues.values():
            if queue and len(out) < n:
                out.append(queue.pop(0))
    return out


def render_chart(run: EvalRun, path: Path) -> None:
    """Grouped bars of the headline metrics per system (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = run.summary
    names = [
        n
        for n in (*RETRIEVAL_METRICS, "fact_recall", "citation_recall", "citation_precision")
        if any(summary[s].get(n) is not None for s in summary)
    ]
    systems = list(summary)
    fig, ax = plt.subplots(figsize=(max(8, 1.2 * len(names) + 2), 5))
    width = 0.8 / max(1, len(systems))
    x = np.arange(len(names))
    for i, system in enumerate(systems):
        values = [summary[system].get(n) or 0.0 for n in names]
        ax.bar(
            x + i * width - 0.4 + width / 2, values, width, label=SYSTEM_NAMES.get(system, system)
        )
    ax.set_xticks(x, [_LABELS[n] for n in names], rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"{run.meta['gold_set']} · {run.meta['model_id'] or 'predictions'}")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=min(len(systems), 5))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


THRESHOLDS_NOTE = (
    "`assistant eval --gate` fails when a metric in `eval/thresholds.json` falls below its "
    "minimum. The minimums sit a little below the numbers measured with the real model "
    "(quote verification exactly 1.0) and are only ever raised, never lowered to let a "
    "change through."
)


def write_report(run: EvalRun, out_dir: Path) -> list[Path]:
    """eval.md, eval.json and eval.png in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js, png = out_dir / "eval.md", out_dir / "eval.json", out_dir / "eval.png"
    md.write_text(render_markdown(run, THRESHOLDS_NOTE), encoding="utf-8")
    payload = run.as_json()
    payload["failures"] = [
        {
            "id": f.item_id,
            "category": f.category,
            "statement": f.statement,
            "claim": f.claim,
            "quotes": list(f.quotes),
        }
        for f in run.failures
    ]
    js.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    render_chart(run, png)
    return [md, js, png]
