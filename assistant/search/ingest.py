"""Embedding a corpus in batches: progress as it goes, and a checkpoint that survives an
interrupt.

Only chunks whose embedding text has no vector yet are embedded (vectors are reused by
the hash of that text). Each finished batch is appended to a checkpoint beside the index
(``embed-checkpoint.sqlite``: model, text hash, vector), so a build stopped half-way
(Ctrl-C, a crash, a full disk) resumes with the batches it had done; the live index is
never touched until the new one is complete. A finished build removes the checkpoint.
"""

from __future__ import annotations

import bisect
import contextlib
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import IndexMismatchError
from assistant.search.embedder import Embedder
from assistant.search.stores.base import check_vectors

CHECKPOINT = "embed-checkpoint.sqlite"


@dataclass(frozen=True)
class BuildStatus:
    """Where a build's embedding stands, after each batch."""

    documents_done: int  # documents whose every chunk has its vector
    documents: int
    chunks_done: int  # chunks with a vector: reused, resumed or embedded
    chunks: int
    embedded: int  # embedded by this run
    to_embed: int  # to embed by this run, in all
    seconds: float  # spent embedding in this run

    @property
    def passages_per_s(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        rate = self.passages_per_s
        return (self.to_embed - self.embedded) / rate if rate else None

    def describe(self) -> str:
        """ "văn bản 3/10 · đoạn 120/843 · 8,4 đoạn/giây · còn khoảng 1 phút 30 giây" """
        parts = [
            f"văn bản {self.documents_done}/{self.documents}",
            f"đoạn {self.chunks_done}/{self.chunks}",
        ]
        if self.embedded:
            parts.append(f"{self.passages_per_s:.1f} đoạn/giây".replace(".", ","))
        eta = self.eta_s
        if eta is not None and self.embedded < self.to_embed:
            minutes, seconds = divmod(round(eta), 60)
            parts.append(f"còn khoảng {minutes} phút {seconds} giây" if minutes else
                         f"còn khoảng {seconds} giây")  # fmt: skip
        return " · ".join(parts)


class BuildObserver:
    """A build's ``progress`` that also wants the full status: called ``(done, total)``
    like any progress callback, and ``status(BuildStatus)`` after each batch."""

    def __init__(self, on_status: Callable[[BuildStatus], None]) -> None:
        self._on_status = on_status

    def __call__(self, done: int, total: int) -> None:
        pass

    def status(self, status: BuildStatus) -> None:
        self._on_status(status)


class EmbeddingCheckpoint:
    """Vectors embedded by unfinished builds, by model and embedding-text hash."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, model_id: str, dimension: int | None = None) -> dict[str, np.ndarray]:
        """The checkpoint's vectors of ``model_id``; a damaged row or file is ignored."""
        if not self.path.exists():
            return {}
        try:
            with contextlib.closing(sqlite3.connect(self.path)) as db:
                rows = db.execute(
                    "SELECT key, vector FROM vectors WHERE model_id = ?", (model_id,)
                ).fetchall()
        except sqlite3.Error:
            return {}
        out: dict[str, np.ndarray] = {}
        for key, blob in rows:
            vector = np.frombuffer(blob, dtype=np.float32)
            if dimension is not None and len(vector) != dimension:
                continue
            try:
                check_vectors(vector[None, :], str(self.path))
            except IndexMismatchError:
                continue
            out[key] = vector
        return out

    def add(self, model_id: str, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Append one batch, committed before returning (what an interrupt keeps)."""
        with contextlib.closing(sqlite3.connect(self.path)) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors ("
                "model_id TEXT NOT NULL, key TEXT NOT NULL, vector BLOB NOT NULL, "
                "PRIMARY KEY (model_id, key))"
            )
            db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [
                    (model_id, k, np.asarray(v, dtype=np.float32).tobytes())
                    for k, v in zip(keys, vectors, strict=True)
                ],
            )

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def embed_missing(
    texts: Sequence[str],
    keys: Sequence[str],
    documents: Sequence[int],
    known: Mapping[str, np.ndarray],
    embedder: Embedder,
    *,
    batch_size: int = 32,
    checkpoint: EmbeddingCheckpoint | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Embed the texts whose key has no vector in ``known``, in batches, in corpus order;
    return the new vectors by key. ``documents[i]`` is chunk i's document (ascending),
    for the documents-done count; each batch goes to ``checkpoint`` before the next."""
    todo: list[int] = []
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key not in known and key not in seen:
            seen.add(key)
            todo.append(i)
    # A document is done once its last chunk to embed is: the todo index of that chunk.
    last_todo: dict[int, int] = {}
    for n, i in enumerate(todo):
        last_todo[documents[i]] = n
    n_documents = len(set(documents))
    finished_first = n_documents - len(last_todo)
    last_sorted = sorted(last_todo.values())
    started = time.perf_counter()
    new: dict[str, np.ndarray] = {}

    def report(embedded: int) -> None:
        if progress is None:
            return
        progress(embedded, len(todo))
        if isinstance(progress, BuildObserver):
            done_docs = finished_first + bisect.bisect_left(last_sorted, embedded)
            progress.status(
                BuildStatus(
                    documents_done=done_docs,
                    documents=n_documents,
                    chunks_done=len(keys) - len(todo) + embedded,
                    chunks=len(keys),
                    embedded=embedded,
                    to_embed=len(todo),
                    seconds=time.perf_counter() - started,
                )
            )

    report(0)
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        encoded = embedder.encode_documents([texts[i] for i in batch])
        batch_keys = [keys[i] for i in batch]
        if checkpoint is not None:
            checkpoint.add(embedder.model_id, batch_keys, encoded)
        new.update(zip(batch_keys, encoded, strict=True))
        report(start + len(batch))
    return new
