"""The systems ``assistant eval`` compares, and how each one is run on a gold item.

BM25 only and dense only (the two halves of our index) rank chunks directly; the textbook
LangChain pipeline (``assistant.evaluation.baseline``) ranks windows and "cites" its top ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from assistant.answering.engine import Engine
from assistant.evaluation.articles import quote_hit, source_at_3
from assistant.evaluation.baseline import TextbookPipeline
from assistant.evaluation.gold import GoldItem
from assistant.evaluation.scoring import (
    CitedQuote,
    GoldClauses,
    ItemScores,
    Prediction,
    ScoredStatement,
    Span,
    score_answer,
    score_ranking,
)
from assistant.search.lexical import tokenize, with_synonyms

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


def _positions(engine: Engine, ranked: list[tuple[str, float]]) -> list[int]:
    positions = {c.id: i for i, c in enumerate(engine.index.chunks)}
    return [positions[chunk_id] for chunk_id, _ in ranked if chunk_id in positions]


def dense_ranking(engine: Engine, query: str, k: int) -> list[int]:
    vector = engine.embedder.encode_query(query).astype(np.float32)
    return _positions(engine, engine.index.store.dense(vector, k, None))


def bm25_ranking(engine: Engine, query: str, k: int) -> list[int]:
    tokens = tokenize(with_synonyms(query))
    if not tokens:
        return []
    return _positions(engine, engine.index.store.lexical(tokens, k, None))


def timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    out = call(*args, **kwargs)
    return out, (time.perf_counter() - started) * 1000


def merge_scores(retrieval: ItemScores, answers: ItemScores) -> ItemScores:
    retrieval.scores |= {k: v for k, v in answers.scores.items() if k != "latency_ms"}
    retrieval.counts |= answers.counts
    return retrieval


def score_textbook(
    item: GoldItem,
    gold: GoldClauses | None,
    textbook: TextbookPipeline,
    texts: dict[str, str],
) -> ItemScores:
    """The textbook pipeline's windows as a ranking, and its top windows as cited quotes.

    Its windows have no clause labels: its article hit is a top window holding an evidence
    quote (``articles.quote_hit``)."""
    windows, ms = timed(textbook.search, item.question, k=SEARCH_K)
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
    ranking.scores["source_at_3"] = source_at_3(item, [w.source for w in top])
    ranking.scores["article_hit"] = quote_hit(item, [(w.source, w.text) for w in top])
    return merge_scores(ranking, answers)
