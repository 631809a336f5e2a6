"""Hybrid search: dense + lexical (BM25) and the question's structure, fused by a fitted model.

The store (embedded FAISS + bm25s, or PostgreSQL) answers each signal's top-k; the body,
phrase and document matches are computed here, the same for every store, and the learned
fusion (``fusion.py``) scores every candidate from both sides' scores and ranks and from
these matches: a question that names a body ("Sở Y tế", "HĐND quận"), a document ("KH 17",
"Kết luận 44", "công văn 1416") or a locality ("Kiến An") favours the clauses that match.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.documents.textnorm import folded_key, nfc
from assistant.search.bodies import (
    TEXT_KEY_CHARS,
    BodyIndex,
    bodies_in_question,
    body_key,
    spell_out,
)
from assistant.search.coverage import (
    document_frequencies,
    pair_coverage,
    pair_weights,
    question_pairs,
)
from assistant.search.embedder import Embedder
from assistant.search.filters import SearchFilters
from assistant.search.fusion import FEATURES, FusionModel, candidate_features
from assistant.search.index import LoadedIndex
from assistant.search.lexical import concepts, tokenize, with_synonyms
from assistant.search.stores.chunk_table import ChunkTable
from assistant.search.stores.embedded import EmbeddedStore
from assistant.types import Chunk, Document, issuer_locality

__all__ = ["Candidates", "ClauseRetriever", "HybridSearcher", "SearchFilters", "SearchHit"]

MAX_QUERY_CHARS = 2000
COVERAGE = FEATURES.index("pair_coverage")
MAX_COVERED = 200  # candidates whose text is read for the pair coverage (see find_candidates)


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


NUMBERED = re.compile(r"§[a-zđ]+\d+")  # a document named by its type and number: "§cv1416"


@lru_cache(maxsize=4096)
def named_as(doc_type: str | None, doc_number: str) -> frozenset[str]:
    """The names "type + number" a document goes by, as a question's concepts write them:
    by its số hiệu's code ("26/2025/QĐ-UBND": "§qđ26") and by its type's name, which a Công
    văn's code does not give ("Công văn 37413/CHQ-NVTHQ": "§cv37413")."""
    found = concepts(f"{doc_type or ''} {doc_number}")
    return frozenset(c for c in found if NUMBERED.fullmatch(c))


def analyse_query(query: str, documents: tuple[Document, ...]) -> QueryAnalysis:
    """The bodies a query names, and the documents it names: by number ("Kế hoạch 164",
    "Công văn 37413/CHQ-NVTHQ") and by the place of their issuer ("… ở Từ Sơn"). A place
    whose own document the query names by number adds no other ("Quyết định 3851/QĐ-UBND
    … ở Nghệ An": that decision, not every decision of Nghệ An); a place named beside
    another's document adds its own ("… ở Từ Sơn … thực hiện Kết luận 44")."""
    wanted = set(concepts(query))
    by_number: set[str] = set()
    by_place: dict[str, set[str]] = {}
    query_key = folded_key(query)
    for d in documents:
        if d.doc_number and (
            named_as(d.doc_type, d.doc_number) & wanted or folded_key(d.doc_number) in query_key
        ):
            by_number.add(d.doc_id)
        place = issuer_locality(d.issuer)
        if place and re.search(rf"\b{re.escape(folded_key(place))}\b", query_key):
            by_place.setdefault(folded_key(place), set()).add(d.doc_id)
    named = set(by_number)
    for docs in by_place.values():
        if not docs & by_number:
            named |= docs
    return QueryAnalysis(tuple(bodies_in_question(query)), frozenset(named))


class PhraseIndex:
    """Which texts contain a phrase: one ``find`` pass over all of them joined, instead
    of a Python loop over every text (100,000 clauses: a few milliseconds, not seconds).

    The texts are folded keys, nearly all ASCII: joined as UTF-8 bytes they take one byte
    a character, and are appended one by one (no list of every text on the way)."""

    SEPARATOR = "\n"  # folded keys have single spaces only, so no text contains it

    def __init__(self, texts: Iterable[str]) -> None:
        joined = bytearray()
        starts = array("q")
        for text in texts:
            starts.append(len(joined))
            joined += text.encode("utf-8")
            joined += b"\n"
        self._joined = joined
        self._starts = np.frombuffer(starts, dtype=np.int64) if starts else np.empty(0, np.int64)

    def containing(self, phrase: str) -> list[int]:
        """Positions of the texts containing ``phrase``, in order, each once."""
        if not phrase or self.SEPARATOR in phrase:
            return []
        wanted = phrase.encode("utf-8")  # UTF-8 finds only whole characters
        out: list[int] = []
        pos = self._joined.find(wanted)
        while pos >= 0:
            i = int(np.searchsorted(self._starts, pos, side="right")) - 1
            out.append(i)
            following = i + 1
            if following == len(self._starts):
                break
            pos = self._joined.find(wanted, int(self._starts[following]))
        return out


@dataclass(frozen=True)
class Candidates:
    """One question's candidate clauses (positions in the index) and their fusion features,
    in order of first contribution: dense rank, BM25 rank, body match, phrase match."""

    positions: np.ndarray
    features: np.ndarray  # rows: candidates; columns: fusion.FEATURES
    dense: dict[int, tuple[int, float]]  # position → (rank, cosine)
    lexical: dict[int, tuple[int, float]]  # position → (rank, BM25 score)


class HybridSearcher:
    """Search one loaded index. Construct once; ``search`` is cheap and thread-safe."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        *,
        candidates: int = 50,
        fusion: FusionModel | None = None,
    ) -> None:
        if candidates <= 0:
            raise ValueError(
                f"candidates must be greater than 0. Currently, candidates is {candidates}."
            )
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.fusion = fusion or FusionModel.load()
        # One pass over the chunks (the embedded store reads them from disk), keeping only
        # what matching needs: each chunk's document, last heading, opening and folded text.
        positions = {d.doc_id: n for n, d in enumerate(index.documents)}
        doc_pos = array("q")
        heading_keys: list[str] = []  # shared strings: headings repeat
        text_keys: list[str] = []
        heading_key = lru_cache(maxsize=None)(body_key)

        def folded_texts() -> Iterator[str]:  # the pass, feeding the phrase index
            for c in index.chunks:
                doc_pos.append(positions[c.doc_id])
                heading_keys.append(heading_key(" ".join(c.breadcrumb[-1:])))
                text_keys.append(body_key(c.clean_text[:TEXT_KEY_CHARS]))
                yield folded_key(c.clean_text)

        self._phrases = PhraseIndex(folded_texts())
        self._chunk_doc_pos = np.array(doc_pos, dtype=np.int64)
        self._bodies = BodyIndex.from_keys(heading_keys, text_keys)
        # A store that answers by position (the embedded one) needs no id → position map.
        self._positions: dict[str, int] = (
            {}
            if isinstance(index.store, EmbeddedStore)
            else {c.id: i for i, c in enumerate(index.chunks)}
        )

    def warm_up(self) -> None:
        self.embedder.warm_up()
        tokenize("khởi động bộ tách từ")  # loads underthesea's model once

    def find_candidates(self, query: str, filters: SearchFilters | None = None) -> Candidates:
        """Every clause either side or the question's structure brings up, with features."""
        none = Candidates(np.empty(0, dtype=np.int64), np.empty((0, 0)), {}, {})
        query = nfc(query).strip()[:MAX_QUERY_CHARS]
        if not query or not self.index.chunks:
            return none
        allowed = (
            np.array([filters.allows(d) for d in self.index.documents])[self._chunk_doc_pos]
            if filters
            else np.ones(len(self.index.chunks), dtype=bool)
        )
        if not allowed.any():
            return none
        dense = self._dense(query, allowed, filters)
        tokens = tokenize(with_synonyms(query))
        lexical = self._lexical(tokens, allowed, filters)
        analysis = analyse_query(query, self.index.documents)
        body = (np.empty(0, dtype=np.int64), np.empty(0))
        if analysis.bodies:
            body = self._bodies.matches(analysis.bodies, allowed)
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
        positions, features = candidate_features(
            len(allowed), dense, lexical, body, phrase_positions, named
        )
        if len(positions):
            # The pairs are read in the best MAX_COVERED candidates by every other signal: a
            # body named in a large corpus brings up thousands of clauses (25,000 at 100,000
            # chunks: 3.5 s a search), and reading each one's text costs a quarter millisecond.
            _, first = self.fusion.rank(features)
            best = np.sort(first[:MAX_COVERED])
            pairs = question_pairs(tokenize(spell_out(with_synonyms(query))))
            weights = pair_weights(*document_frequencies(self.index.store, pairs), pairs)
            chunks = self._chunks_at(positions[best].tolist())
            features[best, COVERAGE] = pair_coverage(weights, chunks)
        return Candidates(positions, features, dense, lexical)

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        if k <= 0:
            return []
        found = self.find_candidates(query, filters)
        if not len(found.positions):
            return []
        scores, order = self.fusion.rank(found.features)
        body, named = FEATURES.index("body_match"), FEATURES.index("document_named")
        hits: list[SearchHit] = []
        rows = order[:k].tolist()
        chunks = self._chunks_at([int(found.positions[row]) for row in rows])
        for n, row in enumerate(rows):
            i = int(found.positions[row])
            x = found.features[row]
            reasons = []
            if x[body]:
                reasons.append("nêu đúng cơ quan được hỏi")
            if x[named]:
                reasons.append("thuộc văn bản được hỏi")
            dense = found.dense.get(i)
            lexical = found.lexical.get(i)
            hits.append(
                SearchHit(
                    chunk=chunks[n],
                    document=self.index.documents[self._chunk_doc_pos[i]],
                    score=float(scores[row]),
                    dense_rank=dense[0] if dense else None,
                    lexical_rank=lexical[0] if lexical else None,
                    body_match=float(x[body]),
                    document_match=float(x[named]),
                    reasons=tuple(reasons),
                    similarity=dense[1] if dense else 0.0,
                )
            )
        return hits

    def _chunks_at(self, positions: list[int]) -> list[Chunk]:
        chunks = self.index.chunks
        if isinstance(chunks, ChunkTable):
            return chunks.at(positions)  # one read for the k hits
        return [chunks[i] for i in positions]

    def _ranked(
        self, scored: list[tuple[int, float]] | list[tuple[str, float]], allowed: np.ndarray
    ) -> dict[int, tuple[int, float]]:
        """Position → (rank, score) of the allowed results, in the order given."""
        found: dict[int, tuple[int, float]] = {}
        for key, score in scored:
            i = key if isinstance(key, int) else self._positions.get(key)
            if i is not None and allowed[i] and i not in found:
                found[i] = (len(found) + 1, float(score))
        return found

    def _dense(
        self, query: str, allowed: np.ndarray, filters: SearchFilters | None
    ) -> dict[int, tuple[int, float]]:
        vector = self.embedder.encode_query(query).astype(np.float32)
        want = min(len(self.index.chunks), self.candidates)
        store = self.index.store
        if isinstance(store, EmbeddedStore):
            return self._ranked(store.dense_positions(vector, want, allowed), allowed)
        return self._ranked(store.dense(vector, want, filters), allowed)

    def _lexical(
        self, tokens: list[str], allowed: np.ndarray, filters: SearchFilters | None
    ) -> dict[int, tuple[int, float]]:
        if not tokens:
            return {}
        store = self.index.store
        if isinstance(store, EmbeddedStore):
            return self._ranked(store.lexical_positions(tokens, self.candidates, allowed), allowed)
        return self._ranked(store.lexical(tokens, self.candidates, filters), allowed)


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
