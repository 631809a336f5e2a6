"""The "textbook" LangChain pipeline, kept only as a yardstick for ``eval/benchmark.py``.

What a user would otherwise build: each document's full source text (header, signature
block and web page junk included — that is the point) cut by
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)``,
embedded with the same embedder as our index, searched by cosine in a FAISS
``IndexFlatIP``. No clause structure, no BM25, no citation labels.

We do not use langchain-community's ``FAISS`` vector store: it persists with pickle, so
loading needs ``allow_dangerous_deserialization=True``, and langchain-community is not a
dependency. A flat inner-product index over the same unit vectors gives the same ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np
from langchain_core.documents import Document as LCDocument
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.documents.corpus import Corpus
from assistant.documents.textnorm import nfc
from assistant.search.embedder import Embedder

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


@dataclass(frozen=True)
class BaselineHit:
    """One window of a source text; ``text == document.text[start:end]``."""

    text: str
    source: str  # file name inside the corpus folder
    doc_number: str | None
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class BaselineChunk:
    text: str
    source: str
    doc_number: str | None
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def split_corpus(
    corpus: Corpus, *, chunk_size: int = CHUNK_SIZE, chunk_overlap: int = CHUNK_OVERLAP
) -> list[BaselineChunk]:
    """Every document's whole text in overlapping character windows, with exact spans."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True
    )
    documents = [p.document for p in corpus.documents]
    split: list[LCDocument] = splitter.create_documents(
        [d.text for d in documents],
        metadatas=[{"source": d.source, "doc_number": d.doc_number} for d in documents],
    )
    texts = {d.source: d.text for d in documents}
    chunks: list[BaselineChunk] = []
    for piece in split:
        source = piece.metadata["source"]
        start = int(piece.metadata["start_index"])
        # The splitter finds a window's start with str.find from an estimated offset; a
        # wrong or missing (-1) start would make every span-based measure meaningless.
        if (
            start < 0
            or texts[source][start : start + len(piece.page_content)] != piece.page_content
        ):
            raise ValueError(f"splitter returned a window of {source} at an unknown position")
        chunks.append(
            BaselineChunk(piece.page_content, source, piece.metadata["doc_number"], start)
        )
    return chunks


class TextbookPipeline:
    """Split → embed → flat FAISS search. Build with ``TextbookPipeline.build``."""

    def __init__(
        self, chunks: list[BaselineChunk], vectors: np.ndarray, embedder: Embedder
    ) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(
                f"chunks and vectors must have the same length. Currently, {len(chunks)} chunks "
                f"and {len(vectors)} vectors."
            )
        self.chunks = chunks
        self.embedder = embedder
        self._index = faiss.IndexFlatIP(vectors.shape[1] if len(vectors) else embedder.dimension)
        if len(vectors):
            self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @classmethod
    def build(
        cls,
        corpus: Corpus,
        embedder: Embedder,
        *,
        chunk_size: int = CHUNK_SIZE,
        chunk_overlap: int = CHUNK_OVERLAP,
    ) -> TextbookPipeline:
        """Split every document and embed each window through LangChain's ``embed_documents``."""
        chunks = split_corpus(corpus, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        embedded = embedder.embed_documents([c.text for c in chunks])
        vectors = np.asarray(embedded, dtype=np.float32).reshape(len(chunks), -1)
        return cls(chunks, vectors, embedder)

    def search(self, query: str, k: int = 5) -> list[BaselineHit]:
        """The ``k`` windows closest to the query by cosine."""
        query = nfc(query).strip()
        if not query or k <= 0 or not self.chunks:
            return []
        vector = np.asarray(self.embedder.embed_query(query), dtype=np.float32).reshape(1, -1)
        scores, ids = self._index.search(vector, min(k, len(self.chunks)))
        return [
            BaselineHit(
                text=self.chunks[i].text,
                source=self.chunks[i].source,
                doc_number=self.chunks[i].doc_number,
                start=self.chunks[i].start,
                end=self.chunks[i].end,
                score=float(score),
            )
            for score, i in zip(scores[0], ids[0], strict=True)
            if i >= 0
        ]
