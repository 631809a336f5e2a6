"""The small interface search needs from a store, and the values it exchanges.

A store holds documents, chunks with their vectors and lexical terms (keyed by the
chunk's content id), and a manifest. Ranking beyond one signal (fusion, body and
document boosts) is not the store's business: it lives in ``retrieval.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import IndexBusyError, IndexMismatchError
from assistant.search.filters import SearchFilters
from assistant.types import Chunk, Document

# 3: the embedded store keeps chunks in SQLite (``chunks.sqlite``) instead of
# ``chunks.jsonl`` + ``embed_keys.json``; an index of format 2 is rebuilt, never misread.
INDEX_FORMAT = 3


@dataclass(frozen=True)
class Manifest:
    format: int
    model_id: str
    dimension: int
    corpus_fingerprint: str
    parser_code: str
    package_version: str
    n_documents: int
    n_chunks: int
    built_at: float
    build_seconds: float
    reused_vectors: int
    # Content hash of each source file's text (file name → sha256), so that answers can be
    # checked against the documents and not only against the index's copy of them.
    source_hashes: dict[str, str] = field(default_factory=dict)
    # How the lexical terms were made (``lexical.tokenizer_id()``). A manifest written before
    # the field existed reads as "" and so never matches: its terms come from another
    # tokenizer, and queries tokenised today would miss them.
    tokenizer: str = ""
    # The corpus files the build skipped (file name → reason), so that an app opening the
    # index later still tells the user which files were left out and why (a copy, a link
    # out of the corpus folder, a broken file), not only the process that built it.
    skipped: dict[str, str] = field(default_factory=dict)

    def mismatch(self, expected: Mapping[str, Any]) -> list[str]:
        """Human-readable differences from what the current settings and corpus expect."""
        return [
            f"{k}: {getattr(self, k)!r} ≠ {v!r}"
            for k, v in expected.items()
            if getattr(self, k) != v
        ]


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk as it is written: its vector, its lexical terms and the hash of the text
    that was embedded (the key under which its vector is reused)."""

    chunk: Chunk
    vector: np.ndarray
    terms: tuple[str, ...]
    key: str


Scored = tuple[str, float]  # (chunk id, score), best first


@runtime_checkable
class ChunkStore(Protocol):
    """What search needs from a store. Writes go through ``write``, which adds the chunks
    whose content id is new, removes those no longer given, and keeps the others."""

    def manifest(self) -> Manifest: ...

    def documents(self) -> tuple[Document, ...]: ...

    def chunks(self) -> Sequence[Chunk]:
        """Every chunk in index order; may read them from disk as they are asked for."""
        ...

    def fetch_chunks(self, ids: Sequence[str]) -> list[Chunk]: ...

    def fetch_documents(self, ids: Sequence[str]) -> list[Document]: ...

    def dense(self, vector: np.ndarray, k: int, filters: SearchFilters | None) -> list[Scored]:
        """The ``k`` chunks nearest to an L2-normalised vector (inner product)."""
        ...

    def lexical(self, terms: Sequence[str], k: int, filters: SearchFilters | None) -> list[Scored]:
        """The ``k`` best chunks by BM25 over the project's tokens (score > 0 only)."""
        ...

    def vectors(self, ids: Sequence[str]) -> np.ndarray: ...

    def reusable_vectors(self, model_id: str) -> dict[str, np.ndarray]:
        """Stored vectors by embedding-text hash, if they were made by ``model_id``."""
        ...

    def write(
        self,
        manifest: Manifest,
        documents: Sequence[Document],
        records: Sequence[ChunkRecord],
    ) -> None: ...

    def describe(self) -> str:
        """Where the store is, for messages (never a password)."""
        ...


def check_vectors(matrix: np.ndarray, where: str) -> None:
    """A NaN, infinite or zero vector is damage, not data."""
    if not len(matrix):
        return
    finite = np.isfinite(matrix).all(axis=1)
    norms = np.linalg.norm(np.where(finite[:, None], matrix, 0), axis=1)
    bad = np.flatnonzero(~finite | (norms < 1e-6) | (np.abs(norms - 1) > 1e-2))
    if len(bad):
        raise IndexMismatchError(
            f"{len(bad)} vectơ hỏng (NaN, bằng 0 hoặc không chuẩn hoá) trong {where}, "
            f"ví dụ hàng {int(bad[0])} (damaged vectors)."
        )


def bm25_idf(n_docs: int, df: int) -> float:
    """Lucene's idf, as bm25s computes it."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


WAITING = "Đang chờ lần xây dựng chỉ mục khác kết thúc… (waiting for the lock)"


def wait_for_lock(
    try_acquire: Callable[[], bool], timeout: float, busy: str, notify: Any = None
) -> None:
    """Poll ``try_acquire`` until it succeeds; say once that we wait; after ``timeout``
    seconds give up with ``busy`` (the same wait for a file lock and an advisory lock)."""
    deadline = time.monotonic() + timeout
    told = False
    while not try_acquire():
        if time.monotonic() >= deadline:
            raise IndexBusyError(busy)
        if notify and not told:
            notify(WAITING)
            told = True
        time.sleep(0.2)
