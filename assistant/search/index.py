"""The search index on disk: FAISS vectors, BM25 tokens, chunks and a manifest.

Layout of ``index_dir/<name>/``:
- ``manifest.json``: what the index was built from (model, dimension, corpus fingerprint,
  parser code hash, package version). Loading checks it; any mismatch or damaged file
  means a rebuild with a message, never a crash and never a silently stale index.
- ``vectors.faiss``: an exact inner-product index over L2-normalised vectors.
- ``documents.jsonl`` / ``chunks.jsonl``: the domain values as JSON (never pickle:
  LangChain's ``FAISS.load_local`` needs ``allow_dangerous_deserialization=True``).
- ``bm25/``: the lexical index saved by bm25s as numpy arrays and JSON.

A build is written into a temporary folder and renamed into place. Vectors of chunks
whose embedding text did not change are reused from the previous build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np
from pydantic import TypeAdapter

from assistant import __version__
from assistant.documents.chunking import CHUNKER_VERSION
from assistant.documents.corpus import Corpus
from assistant.errors import IndexMismatchError
from assistant.search.embedder import Embedder
from assistant.search.lexical import tokenize
from assistant.types import Chunk, Document

log = logging.getLogger(__name__)

INDEX_FORMAT = 1
_DOCS = TypeAdapter(list[Document])
_CHUNK = TypeAdapter(Chunk)
Progress = Callable[[int, int], None]


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
        if path.is_file() and not path.name.startswith((".", "~$")):
            h.update(path.name.encode("utf-8") + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


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

    def mismatch(self, expected: dict[str, Any]) -> list[str]:
        """Human-readable differences from what the current settings and corpus expect."""
        return [
            f"{k}: {getattr(self, k)!r} ≠ {v!r}"
            for k, v in expected.items()
            if getattr(self, k) != v
        ]


@dataclass(frozen=True)
class LoadedIndex:
    manifest: Manifest
    documents: tuple[Document, ...]
    chunks: tuple[Chunk, ...]
    vectors: faiss.Index
    bm25: bm25s.BM25
    path: Path

    def document(self, doc_id: str) -> Document:
        return self._documents_by_id[doc_id]

    @property
    def _documents_by_id(self) -> dict[str, Document]:
        cache = self.__dict__.get("_by_id")
        if cache is None:
            cache = {d.doc_id: d for d in self.documents}
            object.__setattr__(self, "_by_id", cache)
        return cache


def expected_manifest(model_id: str, corpus_dir: Path) -> dict[str, Any]:
    return {
        "format": INDEX_FORMAT,
        "model_id": model_id,
        "corpus_fingerprint": corpus_fingerprint(corpus_dir),
        "parser_code": parser_code_hash(),
        "package_version": __version__,
    }


def load_index(path: Path, expected: dict[str, Any]) -> LoadedIndex:
    """Load a built index; raise IndexMismatchError if it is stale, missing or damaged."""
    try:
        manifest = Manifest(**json.loads((path / "manifest.json").read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise IndexMismatchError(f"Chưa có chỉ mục tại {path} (no index yet).") from exc
    except (ValueError, TypeError) as exc:
        raise IndexMismatchError(f"Tệp manifest.json bị hỏng (corrupted manifest: {exc}).") from exc
    differences = manifest.mismatch(expected)
    if differences:
        raise IndexMismatchError(
            "Chỉ mục đã cũ so với cấu hình hoặc kho văn bản (stale index): "
            + "; ".join(differences)
        )
    try:
        documents = tuple(_DOCS.validate_json((path / "documents.json").read_bytes()))
        with (path / "chunks.jsonl").open("rb") as fh:
            chunks = tuple(_CHUNK.validate_json(line) for line in fh if line.strip())
        vectors = faiss.read_index(str(path / "vectors.faiss"))
        bm25 = bm25s.BM25.load(str(path / "bm25"))
    except Exception as exc:  # any damaged file means: rebuild
        raise IndexMismatchError(f"Một tệp chỉ mục bị hỏng (corrupted index file: {exc}).") from exc
    if not (len(chunks) == manifest.n_chunks == vectors.ntotal) or vectors.d != manifest.dimension:
        raise IndexMismatchError(
            f"Chỉ mục không khớp: {len(chunks)} đoạn, {vectors.ntotal} vectơ, manifest {manifest.n_chunks} "
            "(index files disagree)."
        )
    return LoadedIndex(manifest, documents, chunks, vectors, bm25, path)


def _previous_vectors(path: Path, model_id: str) -> dict[str, np.ndarray]:
    """Vectors of the last build by embedding-text hash, if it used the same model."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("model_id") != model_id:
            return {}
        keys = json.loads((path / "embed_keys.json").read_text(encoding="utf-8"))
        index = faiss.read_index(str(path / "vectors.faiss"))
        matrix = index.reconstruct_n(0, index.ntotal)
        return dict(zip(keys, matrix, strict=True))
    except Exception:  # no usable previous build: embed everything
        return {}


def build_index(
    corpus: Corpus,
    embedder: Embedder,
    path: Path,
    expected: dict[str, Any],
    *,
    batch_size: int = 32,
    progress: Progress | None = None,
) -> LoadedIndex:
    """Embed, tokenise and write the index atomically; reuse unchanged chunks' vectors."""
    started = time.perf_counter()
    documents = tuple(p.document for p in corpus.documents)
    by_id = {d.doc_id: d for d in documents}
    chunks = corpus.chunks
    texts = [embedding_text(c, by_id[c.doc_id]) for c in chunks]
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    cached = _previous_vectors(path, embedder.model_id)
    todo = [i for i, k in enumerate(keys) if k not in cached]
    new_vectors: dict[str, np.ndarray] = {}
    for done, start in enumerate(range(0, len(todo), batch_size)):
        batch = todo[start : start + batch_size]
        encoded = embedder.encode_documents([texts[i] for i in batch])
        new_vectors.update(zip((keys[i] for i in batch), encoded, strict=True))
        if progress:
            progress(min((done + 1) * batch_size, len(todo)), len(todo))
    # Vectors at hand give the dimension; asking the embedder would load the model just for
    # that when every vector is reused (a rebuild after a parser change).
    known = next(iter(new_vectors.values()), None)
    if known is None:
        known = next((cached[k] for k in keys if k in cached), None)
    dimension = len(known) if known is not None else embedder.dimension
    matrix = np.zeros((len(chunks), dimension), dtype=np.float32)
    for row, k in enumerate(keys):
        matrix[row] = cached[k] if k in cached else new_vectors[k]
    vectors = faiss.IndexFlatIP(dimension)
    if len(chunks):
        vectors.add(matrix)
    bm25 = bm25s.BM25()
    bm25.index([tokenize(t) for t in texts], show_progress=False)
    manifest = Manifest(
        **expected,
        dimension=dimension,
        n_documents=len(documents),
        n_chunks=len(chunks),
        built_at=time.time(),
        build_seconds=round(time.perf_counter() - started, 3),
        reused_vectors=len(chunks) - len(todo),
    )
    _write_atomically(path, manifest, documents, chunks, keys, vectors, bm25)
    return LoadedIndex(manifest, documents, chunks, vectors, bm25, path)


def _write_atomically(
    path: Path,
    manifest: Manifest,
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    keys: list[str],
    vectors: faiss.Index,
    bm25: bm25s.BM25,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.build-", dir=path.parent))
    try:
        (tmp / "documents.json").write_bytes(_DOCS.dump_json(list(documents)))
        with (tmp / "chunks.jsonl").open("wb") as fh:
            for chunk in chunks:
                fh.write(_CHUNK.dump_json(chunk) + b"\n")
        (tmp / "embed_keys.json").write_text(json.dumps(keys), encoding="utf-8")
        faiss.write_index(vectors, str(tmp / "vectors.faiss"))
        bm25.save(str(tmp / "bm25"), show_progress=False)
        # The manifest goes last: a folder without one is never taken for a finished build.
        (tmp / "manifest.json").write_text(
            json.dumps(manifest.__dict__, indent=1), encoding="utf-8"
        )
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
