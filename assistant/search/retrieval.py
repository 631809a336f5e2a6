"""Hybrid search: dense + lexical (BM25) by reciprocal-rank fusion, then structure.

The store (embedded FAISS + bm25s, or PostgreSQL) answers each signal's top-k; fusion and
the body, phrase and document boosts are computed here, the same for every store.

Structure outweighs fusion where the question is explicit about it: a question that
names a body ("Sở Y tế", "HĐND quận") ranks first the clauses headed by that body or
making it the subject of a duty; one that names a document ("KH 17", "Kết luận 44",
"công văn 1416") or a locality ("Kiến An") favours that document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.documents.textnorm import folded_key, nfc
from assistant.search.bodies import BodyIndex, bodies_in_question
from assistant.search.embedder import Embedder
from assistant.search.filters import SearchFilters
from assistant.search.index import LoadedIndex
from assistant.search.lexical import concepts, tokenize, with_synonyms
from assistant.types import Chunk, Document, issuer_locality

__all__ = ["ClauseRetriever", "HybridSearcher", "SearchFilters", "SearchHit"]

RRF_K = 60
BODY_WEIGHT = 3.0 / (RRF_K + 1)  # a clause headed by the named body outranks fusion alone
DOCUMENT_WEIGHT = 1.0 / (RRF_K + 1)
PHRASE_WEIGHT = 1.0 / (RRF_K + 1)
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class SearchHit:
    chunk: Chunk
    document: Document
    score: float
    dense_rank: int | None
    lexical_rank: int | None
    body_match: float = 0.0
    document_match: float = 0.0
    reasons: tuple[str, ...] = field(default=())
    similarity: float = 0.0  # cosine of question and clause in the embedding space


@dataclass(frozen=True)
class QueryAnalysis:
    bodies: tuple[str, ...]
    documents: frozenset[str]  # doc_ids the question names by number or locality


def analyse_query(query: str, documents: tuple[Document, ...]) -> QueryAnalysis:
    wanted = set(concepts(query))
    named: set[str] = set()
    query_key = folded_key(query)
    for d in documents:
        if d.doc_number:
            m = re.match(r"(\d+)", d.doc_number)
            code = re.search(r"[-/]([A-ZĐ][A-Za-zĐđ]*)[-/]", d.doc_number)
            if m and code and f"§{code.group(1).lower()}{m.group(1)}" in wanted:
                named.add(d.doc_id)
            if folded_key(d.doc_number) in query_key:
                named.add(d.doc_id)
        place = issuer_locality(d.issuer)
        if place and re.search(rf"\b{re.escape(folded_key(place))}\b", query_key):
            named.add(d.doc_id)
    return QueryAnalysis(tuple(bodies_in_question(query)), frozenset(named))


class PhraseIndex:
    """Which texts contain a phrase: one ``str.find`` pass over all of them joined, instead
    of a Python loop over every text (100,000 clauses: a few milliseconds, not seconds)."""

    SEPARATOR = "\n"  # folded keys have single spaces only, so no text contains it

    def __init__(self, texts: list[str]) -> None:
        self._joined = self.SEPARATOR.join(texts)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        self._starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))

    def containing(self, phrase: str) -> list[int]:
        """Positions of the texts containing ``phrase``, in order, each once."""
        if not phrase or self.SEPARATOR in phrase:
            return []
        out: list[int] = []
        pos = self._joined.find(phrase)
        while pos >= 0:
            i = int(np.searchsorted(self._starts, pos, side="right")) - 1
            out.append(i)
            following = i + 1
            if following == len(self._starts):
                break
            pos = self._joined.find(phrase, int(self._starts[following]))
        return out


def _fuse(
    dense: dict[int, int],
    lexical: dict[int, int],
    body: tuple[np.ndarray, np.ndarray],
    phrase: tuple[np.ndarray, np.ndarray],
    named: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of every clause and the positions of those scored, best first: reciprocal
    ranks of dense and BM25, plus the body and phrase boosts, plus the document weight for
    the clauses scored. Ties keep the order in which clauses were first scored (dense
    rank, BM25 rank, position). Arrays, not dicts: a body may match 20,000 clauses."""
    n = len(named)
    scores = np.zeros(n)
    first = np.full(n, -1, dtype=np.int64)  # order of first contribution; -1: none
    step = 0
    parts = [
        (
            np.fromiter(ranks, dtype=np.int64, count=len(ranks)),
            1.0 / (RRF_K + np.fromiter(ranks.values(), dtype=np.float64, count=len(ranks))),
        )
        for ranks in (dense, lexical)
    ]
    for positions, added in (*parts, body, phrase):
        fresh = positions[first[positions] < 0]
        first[fresh] = np.arange(step, step + len(fresh))
        step += len(fresh)
        scores[positions] += added
    scored = np.flatnonzero(first >= 0)
    scores[scored[named[scored]]] += DOCUMENT_WEIGHT
    return scores, scored[np.lexsort((first[scored], -scores[scored]))]


class HybridSearcher:
    """Search one loaded index. Construct once; ``search`` is cheap and thread-safe."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, *, candidates: int = 50) -> None:
        if candidates <= 0:
            raise ValueError(
                f"candidates must be greater than 0. Currently, candidates is {candidates}."
            )
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        docs = {d.doc_id: d for d in index.documents}
        positions = {d.doc_id: n for n, d in enumerate(index.documents)}
        self._chunk_docs = [docs[c.doc_id] for c in index.chunks]
        self._positions = {c.id: i for i, c in enumerate(index.chunks)}
        self._chunk_doc_pos = np.array([positions[c.doc_id] for c in index.chunks], dtype=np.int64)
        self._bodies = BodyIndex(
            [" ".join(c.breadcrumb[-1:]) for c in index.chunks],
            [c.clean_text for c in index.chunks],
        )
        self._phrases = PhraseIndex([folded_key(c.clean_text) for c in index.chunks])

    def warm_up(self) -> None:
        self.embedder.warm_up()
        tokenize("khởi động bộ tách từ")  # loads underthesea's model once

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        query = nfc(query).strip()[:MAX_QUERY_CHARS]
        if not query or k <= 0 or not self.index.chunks:
            return []
        allowed = (
            np.array([filters.allows(d) for d in self.index.documents])[self._chunk_doc_pos]
            if filters
            else np.ones(len(self.index.chunks), dtype=bool)
        )
        if not allowed.any():
            return []
        dense, similarity = self._dense_ranks(query, allowed, filters)
        lexical = self._lexical_ranks(query, allowed, filters)
        analysis = analyse_query(query, self.index.documents)
        body = np.zeros(len(allowed))
        body_positions = np.empty(0, dtype=np.int64)
        if analysis.bodies:
            body_positions, strengths = self._bodies.matches(analysis.bodies, allowed)
            body[body_positions] = strengths
        phrase_positions = np.empty(0, dtype=np.int64)
        phrase = folded_key(re.sub(r"[^\w\s/%,.-]", " ", query)).strip(" .,")
        if 0 < len(phrase.split()) <= 6:
            # A short keyword query found verbatim outranks partial matches ("kinh phí" vs "miễn phí").
            found = np.array(self._phrases.containing(phrase), dtype=np.int64)
            phrase_positions = found[allowed[found]]
        named = np.isin(
            self._chunk_doc_pos,
            [d for d, doc in enumerate(self.index.documents) if doc.doc_id in analysis.documents],
        )
        scores, ranked = _fuse(
            dense,
            lexical,
            (body_positions, BODY_WEIGHT * body[body_positions]),
            (phrase_positions, np.full(len(phrase_positions), PHRASE_WEIGHT)),
            named,
        )
        hits: list[SearchHit] = []
        seen: set[str] = set()
        for i in ranked.tolist():
            chunk = self.index.chunks[i]
            if chunk.id in seen:
                continue
            seen.add(chunk.id)
            reasons = []
            if body[i]:
                reasons.append("nêu đúng cơ quan được hỏi")
            if named[i]:
                reasons.append("thuộc văn bản được hỏi")
            hits.append(
                SearchHit(
                    chunk=chunk,
                    document=self._chunk_docs[i],
                    score=float(scores[i]),
                    dense_rank=dense.get(i),
                    lexical_rank=lexical.get(i),
                    body_match=float(body[i]),
                    document_match=1.0 if named[i] else 0.0,
                    reasons=tuple(reasons),
                    similarity=similarity.get(i, 0.0),
                )
            )
            if len(hits) == k:
                break
        return hits

    def _dense_ranks(
        self, query: str, allowed: np.ndarray, filters: SearchFilters | None
    ) -> tuple[dict[int, int], dict[int, float]]:
        vector = self.embedder.encode_query(query).astype(np.float32)
        want = min(len(self.index.chunks), self.candidates)
        ranks: dict[int, int] = {}
        similarity: dict[int, float] = {}
        for chunk_id, sim in self.index.store.dense(vector, want, filters):
            i = self._positions.get(chunk_id)
            if i is not None and allowed[i]:
                ranks[i] = len(ranks) + 1
                similarity[i] = sim
        return ranks, similarity

    def _lexical_ranks(
        self, query: str, allowed: np.ndarray, filters: SearchFilters | None
    ) -> dict[int, int]:
        tokens = tokenize(with_synonyms(query))
        if not tokens:
            return {}
        ranks: dict[int, int] = {}
        for chunk_id, _ in self.index.store.lexical(tokens, self.candidates, filters):
            i = self._positions.get(chunk_id)
            if i is not None and allowed[i]:
                ranks[i] = len(ranks) + 1
        return ranks


class ClauseRetriever(BaseRetriever):
    """The searcher as a LangChain retriever: each result is a clause with its citation."""

    searcher: HybridSearcher
    k: int = 5
    filters: SearchFilters | None = None

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        return [
            LCDocument(
                page_content=hit.chunk.clean_text,
                id=hit.chunk.id,
                metadata={
                    "label": hit.chunk.label,
                    "clause": hit.chunk.clause_label,
                    "heading": hit.chunk.heading,
                    "doc_number": hit.document.doc_number,
                    "doc_type": hit.document.doc_type,
                    "issuer": hit.document.issuer,
                    "date": hit.document.date.isoformat() if hit.document.date else None,
                    "source": hit.chunk.source,
                    "start": hit.chunk.start,
                    "end": hit.chunk.end,
                    "score": hit.score,
                },
            )
            for hit in self.searcher.search(query, k=self.k, filters=self.filters)
        ]
