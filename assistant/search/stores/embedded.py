"""The embedded store: FAISS vectors, a bm25s index and JSON files in one folder.

Layout of ``index_dir/<name>/``:
- ``CURRENT``: the name of the live generation folder. A build writes a new generation
  beside the live one and replaces this one-line file (an atomic rename), so there is no
  moment without a complete index; older generations are removed afterwards.
- ``LOCK``: held (``flock``) by the one build allowed at a time.
- ``g-<time>-<pid>/``: one generation —
  ``manifest.json`` (what it was built from), ``documents.json`` (the documents as JSON,
  never pickle), ``chunks.sqlite`` (each chunk as JSON with its id, document and embedding
  key, read on demand: ``chunk_table.py``), ``vectors.faiss`` (exact inner product over
  L2-normalised vectors), ``bm25/`` (bm25s arrays; a query reads only its terms'
  postings from them: ``postings.py``) and ``checksums.json`` (sha256 of every other file,
  written last and checked at open, as Lucene does).
  The previous generation is kept until the next build, for readers that opened it.

Opened, a generation holds its documents and vectors in memory and little else per chunk:
at 100,000 chunks the chunks themselves stay on disk.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np
from pydantic import TypeAdapter

from assistant.errors import IndexMismatchError, IndexWriteError
from assistant.search.filters import SearchFilters
from assistant.search.stores.base import (
    ChunkRecord,
    Manifest,
    Scored,
    check_vectors,
    wait_for_lock,
)
from assistant.search.stores.chunk_table import ChunkTable, write_chunk_table
from assistant.search.stores.postings import PostingsReader
from assistant.types import Chunk, Document

_DOCS = TypeAdapter(list[Document])
CHUNKS = "chunks.sqlite"
CHECK_BLOCK = 8192  # vectors checked at a time when opening (no full copy of the matrix)
POINTER = "CURRENT"
LOCK = "LOCK"
CHECKSUMS = "checksums.json"
BUILD_PREFIX = ".build-"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != CHECKSUMS)


def live_folder(path: Path) -> Path:
    """The generation folder ``path`` stands for: the one ``CURRENT`` names, or ``path``
    itself when it is a generation (or an index written before generations existed)."""
    pointer = path / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise IndexMismatchError(f"Không đọc được {pointer} (unreadable pointer: {exc}).") from exc
    if not name or "/" in name or name.startswith("."):
        raise IndexMismatchError(f"Tệp {pointer} bị hỏng (corrupted pointer).")
    return path / name


def read_manifest(folder: Path) -> Manifest:
    try:
        return Manifest(**json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise IndexMismatchError(f"Chưa có chỉ mục tại {folder} (no index yet).") from exc
    except (ValueError, TypeError, OSError) as exc:
        raise IndexMismatchError(f"Tệp manifest.json bị hỏng (corrupted manifest: {exc}).") from exc


class EmbeddedStore:
    """One generation of the embedded index, opened read-only; ``write`` makes the next one."""

    def __init__(
        self,
        root: Path,
        *,
        manifest: Manifest | None = None,
        documents: tuple[Document, ...] = (),
        chunks: Sequence[Chunk] = (),
        index: faiss.Index | None = None,
        bm25: bm25s.BM25 | None = None,
        folder: Path | None = None,
        postings: PostingsReader | None = None,
    ) -> None:
        self.root = root
        self.folder = folder or root
        self._manifest = manifest
        self._documents = documents
        self._chunks = chunks
        self.index = index
        self.bm25 = bm25
        self._postings = postings
        doc_positions = {d.doc_id: n for n, d in enumerate(documents)}
        doc_ids = (
            chunks.column("doc_id")
            if isinstance(chunks, ChunkTable)
            else (c.doc_id for c in chunks)
        )
        self._chunk_doc_pos = np.fromiter(
            (doc_positions[d] for d in doc_ids), dtype=np.int64, count=len(chunks)
        )

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path) -> EmbeddedStore:
        """Open the live generation; every file is checked against its checksum."""
        folder = live_folder(root)
        manifest = read_manifest(folder)
        return cls.open_checked(root, folder, manifest)

    @classmethod
    def open_checked(cls, root: Path, folder: Path, manifest: Manifest) -> EmbeddedStore:
        try:
            sums = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
            present = {str(p.relative_to(folder)) for p in _files(folder)}
            if set(sums) != present:
                raise ValueError(f"tệp thừa hoặc thiếu: {sorted(set(sums) ^ present)[:3]}")
            for name, digest in sums.items():
                if _sha256(folder / name) != digest:
                    raise ValueError(f"{name} không khớp tổng kiểm (checksum mismatch)")
            documents = tuple(_DOCS.validate_json((folder / "documents.json").read_bytes()))
            chunks = ChunkTable(folder / CHUNKS)
            index = faiss.read_index(str(folder / "vectors.faiss"))
            # One question is searched at a time. faiss's OpenMP workers spin for a while
            # after each search and starve the embedding model's threads on a machine of
            # few cores: answer() p95 at 100,000 chunks was 1.4 s with them, 70 ms without
            # (eval/reports/bench-memory-engine.md). A flat search of 100,000 vectors on one
            # thread takes a few milliseconds.
            faiss.omp_set_num_threads(1)
            # Mapped, never touched: queries read their postings from the files.
            bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
            postings = PostingsReader(folder / "bm25", len(chunks), bm25.dtype)
        except IndexMismatchError:
            raise
        except Exception as exc:  # any damaged file means: rebuild
            raise IndexMismatchError(
                f"Một tệp chỉ mục bị hỏng (corrupted index file: {exc})."
            ) from exc
        if not (len(chunks) == manifest.n_chunks == index.ntotal) or index.d != manifest.dimension:
            raise IndexMismatchError(
                f"Chỉ mục không khớp: {len(chunks)} đoạn, {index.ntotal} vectơ, manifest "
                f"{manifest.n_chunks} (index files disagree)."
            )
        for start in range(0, index.ntotal, CHECK_BLOCK):
            block = index.reconstruct_n(start, min(CHECK_BLOCK, index.ntotal - start))
            check_vectors(block, f"{folder} (từ hàng {start})")
        try:
            return cls(root, manifest=manifest, documents=documents, chunks=chunks,
                       index=index, bm25=bm25, folder=folder, postings=postings)  # fmt: skip
        except KeyError as exc:
            raise IndexMismatchError(f"Đoạn của văn bản không có trong chỉ mục: {exc}.") from exc

    # -- reading -------------------------------------------------------------------------
    def manifest(self) -> Manifest:
        if self._manifest is None:
            raise IndexMismatchError(f"Chưa có chỉ mục tại {self.root} (no index yet).")
        return self._manifest

    def documents(self) -> tuple[Document, ...]:
        return self._documents

    def chunks(self) -> Sequence[Chunk]:
        return self._chunks

    def position(self, chunk_id: str) -> int | None:
        """The chunk's row in the vectors and the BM25 arrays."""
        if isinstance(self._chunks, ChunkTable):
            return self._chunks.position(chunk_id)
        return next((i for i, c in enumerate(self._chunks) if c.id == chunk_id), None)

    def fetch_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        positions = [p for p in map(self.position, ids) if p is not None]
        if isinstance(self._chunks, ChunkTable):
            return self._chunks.at(positions)
        return [self._chunks[p] for p in positions]

    def fetch_documents(self, ids: Sequence[str]) -> list[Document]:
        wanted = set(ids)
        return [d for d in self._documents if d.doc_id in wanted]

    def allowed(self, filters: SearchFilters | None) -> np.ndarray:
        """Which chunk positions a filter lets through."""
        if not filters:
            return np.ones(len(self._chunks), dtype=bool)
        by_document = np.array([filters.allows(d) for d in self._documents], dtype=bool)
        return by_document[self._chunk_doc_pos] if len(self._chunks) else by_document[:0]

    def dense(self, vector: np.ndarray, k: int, filters: SearchFilters | None) -> list[Scored]:
        return self._with_ids(self.dense_positions(vector, k, self.allowed(filters)))

    def dense_positions(
        self, vector: np.ndarray, k: int, allowed: np.ndarray
    ) -> list[tuple[int, float]]:
        if self.index is None or not self.index.ntotal or not allowed.any():
            return []
        query = vector.reshape(1, -1).astype(np.float32)
        want = min(self.index.ntotal, k)
        if allowed.all():
            sims, ids = self.index.search(query, want)
        else:  # FAISS skips the filtered-out vectors itself
            params = faiss.SearchParameters()
            params.sel = faiss.IDSelectorBatch(np.flatnonzero(allowed).astype(np.int64))
            sims, ids = self.index.search(query, want, params=params)
        return [
            (int(i), float(s))
            for i, s in zip(ids[0], sims[0], strict=True)
            if i >= 0 and allowed[i]
        ]

    def lexical(self, terms: Sequence[str], k: int, filters: SearchFilters | None) -> list[Scored]:
        return self._with_ids(self.lexical_positions(terms, k, self.allowed(filters)))

    def _with_ids(self, found: list[tuple[int, float]]) -> list[Scored]:
        if isinstance(self._chunks, ChunkTable):
            ids = self._chunks.ids_at([i for i, _ in found])
        else:
            ids = [self._chunks[i].id for i, _ in found]
        return [(chunk_id, s) for chunk_id, (_, s) in zip(ids, found, strict=True)]

    def lexical_positions(
        self, terms: Sequence[str], k: int, allowed: np.ndarray
    ) -> list[tuple[int, float]]:
        if self.bm25 is None or not terms or not self._chunks:
            return []
        if self._postings is not None:
            vocab = self.bm25.vocab_dict
            scores = self._postings.scores([vocab[t] for t in terms if t in vocab])
        else:  # an index built in this process: its arrays are in memory already
            scores = self.bm25.get_scores(list(terms))
        scores = np.where(allowed, scores, 0.0)
        if len(scores) > 4 * k:  # 100,000 clauses: no full sort
            part = np.argpartition(-scores, k)[:k]
            top = part[np.argsort(-scores[part])]
        else:
            top = np.argsort(-scores)[:k]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        assert self.index is not None
        rows = []
        for chunk_id in ids:
            position = self.position(chunk_id)
            if position is None:
                raise KeyError(chunk_id)
            rows.append(self.index.reconstruct(position))
        return np.stack(rows)

    def reusable_vectors(self, model_id: str) -> dict[str, np.ndarray]:
        """Vectors of the live generation by embedding-text hash, read without trusting
        anything that fails its checksum or holds a damaged vector."""
        try:
            store = self if self.index is not None else EmbeddedStore.open(self.root)
            if store.manifest().model_id != model_id or store.index is None:
                return {}
            matrix = store.index.reconstruct_n(0, store.index.ntotal)
            return dict(zip(store.keys(), matrix, strict=True))
        except Exception:  # no usable previous build: embed everything
            return {}

    def keys(self) -> list[str]:
        """Each chunk's embedding key (hash of its embedded text), in position order."""
        if isinstance(self._chunks, ChunkTable):
            return list(self._chunks.column("key"))
        return []  # chunks given in memory (a benchmark's): nothing to reuse

    def describe(self) -> str:
        return str(self.root)

    # -- writing -------------------------------------------------------------------------
    def write(
        self, manifest: Manifest, documents: Sequence[Document], records: Sequence[ChunkRecord]
    ) -> None:
        """Write a new generation and switch ``CURRENT`` to it; the caller holds the lock."""
        dimension = manifest.dimension
        matrix = np.zeros((len(records), dimension), dtype=np.float32)
        for row, record in enumerate(records):
            matrix[row] = record.vector
        check_vectors(matrix, "các vectơ vừa nhúng")
        index = faiss.IndexFlatIP(dimension)
        if len(records):
            index.add(matrix)
        bm25 = bm25s.BM25()
        bm25.index([list(r.terms) for r in records], show_progress=False)
        try:
            folder = self._write_generation(manifest, documents, records, index, bm25)
        except OSError as exc:
            raise IndexWriteError(write_error_message(self.root, exc)) from exc
        # What was written is opened as a reader would: chunks on disk, postings mapped.
        written = EmbeddedStore.open_checked(self.root, folder, manifest)
        self.__dict__.update(written.__dict__)

    def _write_generation(
        self,
        manifest: Manifest,
        documents: Sequence[Document],
        records: Sequence[ChunkRecord],
        index: faiss.Index,
        bm25: bm25s.BM25,
    ) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        for leftover in self.root.glob(f"{BUILD_PREFIX}*"):  # of a build killed earlier
            shutil.rmtree(leftover, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=self.root))
        try:
            (tmp / "documents.json").write_bytes(_DOCS.dump_json(list(documents)))
            write_chunk_table(tmp / CHUNKS, ((r.chunk, r.key) for r in records))
            faiss.write_index(index, str(tmp / "vectors.faiss"))
            bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "manifest.json").write_text(
                json.dumps(manifest.__dict__, indent=1, ensure_ascii=False), encoding="utf-8"
            )
            sums = {str(p.relative_to(tmp)): _sha256(p) for p in _files(tmp)}
            # Written last: a generation without it is never taken for a finished one.
            (tmp / CHECKSUMS).write_text(json.dumps(sums, indent=1), encoding="utf-8")
            _fsync_tree(tmp)
            previous = live_folder(self.root)
            name = f"g-{time.time_ns()}-{os.getpid()}"
            os.replace(tmp, self.root / name)
            pointer = self.root / f".{POINTER}.{os.getpid()}"
            pointer.write_text(name, encoding="utf-8")
            _fsync_file(pointer)
            os.replace(pointer, self.root / POINTER)  # the switch: one atomic rename
            remove_leftovers(self.root, keep=previous if previous != self.root else None)
            return self.root / name
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def write_error_message(root: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        reason = "ổ đĩa đã đầy (disk full)"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        reason = "thư mục chỉ đọc hoặc không có quyền ghi (read-only)"
    else:
        reason = exc.strerror or str(exc)
    return f"Không ghi được chỉ mục vào {root}: {reason}. Chỉ mục cũ (nếu có) vẫn được dùng."


def _fsync_file(path: Path) -> None:
    with contextlib.suppress(OSError), path.open("rb") as fh:
        os.fsync(fh.fileno())


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_file(path)


def remove_leftovers(root: Path, keep: Path | None = None) -> list[Path]:
    """Remove build folders (no lock holds them: the caller has the lock), generations that
    are neither live nor ``keep`` (the one live before the last switch, kept for readers
    that opened it), and files of an index written before generations existed."""
    try:
        live = live_folder(root)
    except IndexMismatchError:
        return []
    if live == root:  # no pointer yet: nothing can be told apart safely
        removed = list(root.glob(f"{BUILD_PREFIX}*"))
    else:
        removed = [
            p for p in root.iterdir() if p not in (live, keep) and p.name not in (POINTER, LOCK)
        ]
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return removed


@contextlib.contextmanager
def build_lock(root: Path, *, timeout: float, notify: Any = None) -> Iterator[None]:
    """One build at a time per index folder: a second one waits up to ``timeout`` seconds,
    then gives up with a message. The lock dies with its process (``flock``)."""
    import fcntl

    try:
        root.mkdir(parents=True, exist_ok=True)
        fh = (root / LOCK).open("a+")
    except OSError as exc:
        raise IndexWriteError(write_error_message(root, exc)) from exc
    with fh:

        def acquire() -> bool:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        busy = (
            f"Một lần xây dựng chỉ mục khác đang chạy trên {root}; hãy thử lại "
            "sau khi nó xong (another build holds the lock)."
        )
        wait_for_lock(acquire, timeout, busy, notify)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
