"""What ``assistant eval`` scores and how: predictions, per-item scores, aggregation.

A ``Prediction`` is one system's answer in the shape every system can produce;
``score_answer`` and ``score_ranking`` turn one item into an ``ItemScores``; ``summarise``
and ``by_category`` aggregate them; an ``EvalRun`` holds one whole run. Metric definitions
live in ``eval_metrics``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answering.engine import Engine
from assistant.evaluation import metrics as m
from assistant.evaluation.gold import GoldItem
from assistant.types import Chunk

RETRIEVAL_METRICS = (
    "recall_at_1",
    "recall_at_3",
    "recall_at_5",
    "mrr",
    "ndcg_at_5",
    "document_at_3",
)
# Right file in the top 3 and right article cited (``assistant.evaluation.articles``).
DOCUMENT_METRICS = ("source_at_3", "article_hit")
ANSWER_METRICS = (
    "fact_recall",
    "citation_recall",
    "citation_precision",
    "quote_verification",
    "abstention_precision",
    "abstention_recall",
    "abstention_f1",
    "answer_chars",
    "answer_chars_median",
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
    doc_number: str | None = None


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
                    doc_number=c.get("doc_number"),
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


# --- aggregation ----------------------------------------------------------------------


def summarise(rows: Sequence[ItemScores]) -> dict[str, float | None]:
    """Means over items for scores; micro-averages for citation counts; abstention P/R/F1."""
    out: dict[str, float | None] = {"items": float(len(rows))}
    for name in (
        *RETRIEVAL_METRICS,
        *DOCUMENT_METRICS,
        "fact_recall",
        "answer_chars",
        "answer_statements",
    ):
        out[name] = m.mean([r.scores.get(name) for r in rows])
    lengths = sorted(v for r in rows if (v := r.scores.get("answer_chars")) is not None)
    out["answer_chars_median"] = float(statistics.median(lengths)) if lengths else None

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


# --- helpers --------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
