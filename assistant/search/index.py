"""The search index: what a corpus becomes (vectors, lexical terms, chunks, a manifest)
and the store that holds it — the embedded folder (``stores/embedded.py``, the default) or
a PostgreSQL server (``stores/postgres.py``).

Loading checks the manifest against the current settings and corpus; any mismatch or
damaged file means a rebuild with a message, never a crash and never a silently stale
index. A build takes the index's lock, embeds only the chunks whose embedding text is new
(unless forced), and writes everything at once.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np

from assistant import __version__
from assistant.documents.chunking import CHUNKER_VERSION
from assistant.documents.corpus import Corpus
from assistant.errors import IndexMismatchError
from assistant.search.embedder import Embedder
from assistant.search.ingest import CHECKPOINT, EmbeddingCheckpoint, embed_missing
from assistant.search.lexical import tokenize, tokenizer_id
from assistant.search.stores.base import INDEX_FORMAT, ChunkRecord, ChunkStore, Manifest
from assistant.search.stores.chunk_table import ChunkTable
from assistant.search.stores.embedded import EmbeddedStore, build_lock, read_manifest
from assistant.types import Chunk, Document

__all__ = ["INDEX_FORMAT", "LoadedIndex", "Manifest", "build_index", "load_index"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Notify = Callable[[str], None]
LOCK_TIMEOUT = 600.0  # seconds a second build waits for the first


def parser_code_hash() -> str:
    """Changes whenever the code that turns files into chunks or tokens changes."""
    h = hashlib.sha256(CHUNKER_VERSION.encode())
    package = Path(__file__).parent.parent
    sources = [*sorted((package / "documents").glob("*.py")), package / "search" / "lexical.py"]
    for path in sources:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def corpus_fingerprint(folder: Path) -> str:
    """Hash of the corpus files' names and bytes; cheap, needs no parsing."""
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith((".", "~$")):
            continue
        h.update(path.name.encode("utf-8") + b"\0")
        if path.is_symlink():
            # A link is fingerprinted by where it points, never read: one leading out of the
            # corpus is refused by the loader, and its target may be huge or secret.
            h.update(str(path.readlink()).encode("utf-8", "surrogateescape"))
        elif path.is_file():
            with path.open("rb") as fh:  # streamed: a large file is not read into memory
                h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()[:16]


def text_hash(text: str) -> str:
    """The content hash recorded for a document's text (manifest and store)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedding_text(chunk: Chunk, document: Document) -> str:
    """What is embedded and tokenised for a chunk: the document's name, the heading path
    (so "- Phối hợp …" under "4. Sở Nội vụ" is found for Sở Nội vụ), and the clause text."""
    # An article of a codification is found by the law or decree it comes from.
    cited = chunk.metadata.get("doc_number")
    source_name = chunk.label if cited and cited != document.doc_number else ""
    parts = [
        document.short_name,
        source_name,
        document.issuer or "",
        " › ".join(chunk.breadcrumb),
        chunk.clean_text,
    ]
    return "\n".join(p for p in parts if p)


class _StoredVectors:
    """The part of ``faiss.Index`` the rest of the code reads (``ntotal``, ``d``,
    ``reconstruct``, ``search``), answered by any store."""

    def __init__(self, store: ChunkStore, chunks: Sequence[Chunk], dimension: int) -> None:
        self._store = store
        self._chunks = chunks
        self._positions = {c.id: i for i, c in enumerate(chunks)}
        self.ntotal = len(chunks)
        self.d = dimension

    def reconstruct(self, position: int) -> np.ndarray:
        return self._store.vectors([self._chunks[position].id])[0]

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        sims = np.full((len(queries), k), -1.0, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        for row, query in enumerate(queries):
            for col, (chunk_id, sim) in enumerate(self._store.dense(query, k, None)):
                sims[row, col], ids[row, col] = sim, self._positions[chunk_id]
        return sims, ids


@dataclass(frozen=True)
class LoadedIndex:
    """An opened index: its manifest, documents and chunks, and the store behind them.

    ``chunks`` is a sequence in index order; the embedded store's reads each chunk from
    disk when asked (``stores/chunk_table.py``), so iterate it once rather than copy it."""

    manifest: Manifest
    documents: tuple[Document, ...]
    chunks: Sequence[Chunk]
    store: ChunkStore
    path: Path | str  # the embedded generation folder, or where a server store is

    def document(self, doc_id: str) -> Document:
        return self._documents_by_id[doc_id]

    @property
    def _documents_by_id(self) -> dict[str, Document]:
        cache = self.__dict__.get("_by_id")
        if cache is None:
            cache = {d.doc_id: d for d in self.documents}
            object.__setattr__(self, "_by_id", cache)
        return cache

    @property
    def chunks_by_id(self) -> Mapping[str, Chunk]:
        """The chunks by id: read on demand when the store keeps them on disk (use this,
        not a dict built from ``chunks``, which would hold every chunk in memory)."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.by_id
        cache = self.__dict__.get("_chunks_by_id")
        if cache is None:
            cache = {c.id: c for c in self.chunks}
            object.__setattr__(self, "_chunks_by_id", cache)
        return cache

    def chunks_of(self, doc_id: str) -> Sequence[Chunk]:
        """One document's chunks in order, without a pass over every chunk."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.of_document(doc_id)
        return tuple(c for c in self.chunks if c.doc_id == doc_id)

    def chunks_with_ids(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids, in that order; ids the index does not hold are left out."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.with_ids(chunk_ids)
        by_id = self.chunks_by_id
        return [by_id[i] for i in chunk_ids if i in by_id]

    def chunk_ids_of(self, doc_id: str) -> list[str]:
        """One document's chunk ids in order, without reading the chunks from disk."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.ids_of_document(doc_id)
        return [c.id for c in self.chunks_of(doc_id)]

    def chunk_containing(self, doc_id: str, offset: int) -> Chunk | None:
        """The first of a document's chunks whose span holds ``offset``, or None."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.containing(doc_id, offset)
        return next((c for c in self.chunks_of(doc_id) if c.start <= offset < c.end), None)

    def position(self, chunk_id: str) -> int | None:
        """A chunk's position in ``chunks`` (its row in the vectors), or None."""
        if isinstance(self.chunks, ChunkTable):
            return self.chunks.position(chunk_id)
        cache = self.__dict__.get("_chunk_positions")
        if cache is None:
            cache = {c.id: i for i, c in enumerate(self.chunks)}
            object.__setattr__(self, "_chunk_positions", cache)
        return cache.get(chunk_id)

    @property
    def vectors(self) -> faiss.Index | _StoredVectors:
        if isinstance(self.store, EmbeddedStore) and self.store.index is not None:
            return self.store.index
        cache = self.__dict__.get("_vectors")
        if cache is None:
            cache = _StoredVectors(self.store, self.chunks, self.manifest.dimension)
            object.__setattr__(self, "_vectors", cache)
        return cache

    @property
    def bm25(self) -> bm25s.BM25:
        """The embedded store's bm25s index (benchmarks time it directly)."""
        if isinstance(self.store, EmbeddedStore) and self.store.bm25 is not None:
            return self.store.bm25
        raise AttributeError("bm25: only the embedded store holds a bm25s index")

    @classmethod
    def of(cls, store: ChunkStore) -> LoadedIndex:
        path = store.folder if isinstance(store, EmbeddedStore) else store.describe()
        return cls(store.manifest(), store.documents(), store.chunks(), store, path)


def expected_manifest(model_id: str, corpus_dir: Path) -> dict[str, Any]:
    return {
        "format": INDEX_FORMAT,
        "model_id": model_id,
        "corpus_fingerprint": corpus_fingerprint(corpus_dir),
        "parser_code": parser_code_hash(),
        "tokenizer": tokenizer_id(),
        "package_version": __version__,
    }


def check_contents(
    manifest: Manifest, documents: tuple[Document, ...], chunks: Sequence[Chunk]
) -> None:
    """The stored text is the text the manifest recorded, and every chunk quotes it."""
    for document in documents:
        recorded = manifest.source_hashes.get(document.source)
        if recorded is not None and recorded != text_hash(document.text):
            raise IndexMismatchError(
                f"Văn bản {document.source} trong chỉ mục khác bản đã ghi nhận "
                "(stored text does not match its content hash)."
            )
    texts = {d.doc_id: d.text for d in documents}
    for chunk in chunks:
        if texts.get(chunk.doc_id, "\0")[chunk.start : chunk.end] != chunk.text:
            raise IndexMismatchError(
                f"Đoạn {chunk.label} không còn khớp văn bản nguồn (chunk text altered)."
            )


def open_store(store: ChunkStore | Path) -> ChunkStore:
    return EmbeddedStore.open(store) if isinstance(store, Path) else store


def load_index(path: ChunkStore | Path, expected: dict[str, Any]) -> LoadedIndex:
    """Open an index; raise IndexMismatchError if it is stale, missing or damaged."""
    if isinstance(path, Path):
        from assistant.search.stores.embedded import live_folder

        folder = live_folder(path)
        manifest = read_manifest(folder)
        differences = manifest.mismatch(expected)
        if differences:
            raise _stale(differences)
        store: ChunkStore = EmbeddedStore.open_checked(path, folder, manifest)
    else:
        store = path
        differences = store.manifest().mismatch(expected)
        if differences:
            raise _stale(differences)
    index = LoadedIndex.of(store)
    check_contents(index.manifest, index.documents, index.chunks)
    return index


def _stale(differences: list[str]) -> IndexMismatchError:
    return IndexMismatchError(
        "Chỉ mục đã cũ so với cấu hình hoặc kho văn bản (stale index): " + "; ".join(differences)
    )


def build_index(
    corpus: Corpus,
    embedder: Embedder,
    path: ChunkStore | Path,
    expected: dict[str, Any],
    *,
    batch_size: int = 32,
    progress: Progress | None = None,
    force: bool = False,
    lock_timeout: float | None = None,
    notify: Notify | None = None,
    checkpoint: Path | None = None,
) -> LoadedIndex:
    """Embed, tokenise and write the index under the store's lock. Vectors of chunks whose
    embedding text did not change are reused, unless ``force``: then all are re-embedded.
    Each embedded batch is kept in ``checkpoint`` (an embedded index: a file in its folder;
    a server store: the file given, or none) until the build is written, so an interrupted
    build resumes from the batches it had embedded."""
    timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    if isinstance(path, Path):
        with build_lock(path, timeout=timeout, notify=notify):
            store: ChunkStore = EmbeddedStore(path)
            saved = EmbeddingCheckpoint(checkpoint or path / CHECKPOINT)
            return _build(corpus, embedder, store, expected, batch_size, progress, force, saved)
    with path.build_lock(timeout=timeout, notify=notify):  # type: ignore[attr-defined]
        saved_or_none = EmbeddingCheckpoint(checkpoint) if checkpoint is not None else None
        return _build(corpus, embedder, path, expected, batch_size, progress, force, saved_or_none)


def _build(
    corpus: Corpus,
    embedder: Embedder,
    store: ChunkStore,
    expected: dict[str, Any],
    batch_size: int,
    progress: Progress | None,
    force: bool,
    checkpoint: EmbeddingCheckpoint | None,
) -> LoadedIndex:
    started = time.perf_counter()
    documents = tuple(p.document for p in corpus.documents)
    by_id = {d.doc_id: d for d in documents}
    doc_positions = {d.doc_id: n for n, d in enumerate(documents)}
    chunks = corpus.chunks
    texts = [embedding_text(c, by_id[c.doc_id]) for c in chunks]
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    # Vectors of the live index (unless forced: they may be the damage being repaired),
    # then those an interrupted build embedded (fresh, checked as they are read).
    cached = {} if force else store.reusable_vectors(embedder.model_id)
    if checkpoint is not None:
        cached.update(checkpoint.load(embedder.model_id))
    new_vectors = embed_missing(
        texts,
        keys,
        [doc_positions[c.doc_id] for c in chunks],
        cached,
        embedder,
        batch_size=batch_size,
        checkpoint=checkpoint,
        progress=progress,
    )
    # Vectors at hand give the dimension; asking the embedder would load the model just for
    # that when every vector is reused (a rebuild after a parser change).
    known = next(iter(new_vectors.values()), None)
    if known is None:
        known = next((cached[k] for k in keys if k in cached), None)
    dimension = len(known) if known is not None else embedder.dimension
    records = [
        ChunkRecord(
            chunk=chunk,
            vector=np.asarray(cached[key] if key in cached else new_vectors[key], np.float32),
            terms=tuple(tokenize(text)),
            key=key,
        )
        for chunk, text, key in zip(chunks, texts, keys, strict=True)
    ]
    manifest = Manifest(
        **expected,
        dimension=dimension,
        n_documents=len(documents),
        n_chunks=len(chunks),
        built_at=time.time(),
        build_seconds=round(time.perf_counter() - started, 3),
        reused_vectors=len(chunks) - len(new_vectors),
        source_hashes={d.source: text_hash(d.text) for d in documents},
        skipped={s.source: s.reason for s in corpus.skipped},
    )
    store.write(manifest, documents, records)
    if checkpoint is not None:
        checkpoint.remove()  # the new index holds every vector now
    return LoadedIndex.of(store)
