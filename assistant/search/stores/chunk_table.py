"""Chunks on disk: one SQLite file, read on demand by position or id.

An index of 100,000 clauses held as Python objects costs gigabytes; the searcher needs
only the few clauses it returns. ``ChunkTable`` is a read-only ``Sequence[Chunk]`` over
the file (position = the row of the chunk's vector and BM25 document), with a small cache
of recently read chunks; ``by_id`` is the same table as a ``Mapping`` by chunk id.
Iteration streams rows in pages, so a pass over every chunk never holds them all.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import overload

from pydantic import TypeAdapter

from assistant.types import Chunk

_CHUNK = TypeAdapter(Chunk)
PAGE = 1000  # rows read at a time when iterating
CACHE = 4096  # chunks kept after reading (a few questions' worth)

_SCHEMA = """
CREATE TABLE chunks (
    pos INTEGER PRIMARY KEY,   -- the row of the chunk's vector and BM25 document
    id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    key TEXT NOT NULL,         -- hash of the embedded text: the key its vector is reused by
    data BLOB NOT NULL         -- the Chunk as JSON (never pickle)
);
CREATE INDEX chunks_by_document ON chunks (doc_id, pos)
"""


def write_chunk_table(path: Path, chunks: Iterable[tuple[Chunk, str]]) -> int:
    """Write ``(chunk, embedding key)`` pairs, in position order, to a new file."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")  # the caller fsyncs the finished file
        db.executescript(_SCHEMA)
        count = 0
        page: list[tuple[int, str, str, str, bytes]] = []
        for chunk, key in chunks:
            page.append((count, chunk.id, chunk.doc_id, key, _CHUNK.dump_json(chunk)))
            count += 1
            if len(page) >= PAGE:
                db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)", page)
                page.clear()
        db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)", page)
    db.close()
    return count


class ChunkTable(Sequence[Chunk]):
    """The chunks of one index generation, read from its SQLite file when asked for.

    Thread-safe (one connection behind a lock: reads are short). Equal to any sequence
    holding the same chunks in the same order."""

    def __init__(self, path: Path, *, cache: int = CACHE) -> None:
        self.path = path
        self._db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, Chunk] = OrderedDict()
        self._cache_size = cache
        (self._len,) = self._query("SELECT COUNT(*) FROM chunks")[0]

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- Sequence --------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | Sequence[Chunk]:
        if isinstance(index, slice):
            return tuple(self.at(range(self._len)[index]))
        position = index + self._len if index < 0 else index
        if not 0 <= position < self._len:
            raise IndexError("chunk position out of range")
        return self.at([position])[0]

    def at(self, positions: Iterable[int]) -> list[Chunk]:
        """The chunks at ``positions``, in that order (one query for those not cached)."""
        wanted = list(positions)
        found = {p: c for p in wanted if (c := self._cache.get(p)) is not None}
        missing = sorted(set(wanted) - found.keys())
        for start in range(0, len(missing), 500):  # SQLite's bound-parameter limit
            part = missing[start : start + 500]
            marks = ",".join("?" * len(part))
            sql = f"SELECT pos, data FROM chunks WHERE pos IN ({marks})"
            for pos, data in self._query(sql, part):
                found[pos] = _CHUNK.validate_json(data)
                self._remember(pos, found[pos])
        if len(found) < len(set(wanted)):
            raise IndexError("chunk position out of range")
        return [found[p] for p in wanted]

    def _remember(self, pos: int, chunk: Chunk) -> None:
        with self._lock:
            self._cache[pos] = chunk
            self._cache.move_to_end(pos)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def __iter__(self) -> Iterator[Chunk]:
        for start in range(0, self._len, PAGE):
            rows = self._query(
                "SELECT data FROM chunks WHERE pos >= ? AND pos < ? ORDER BY pos",
                (start, start + PAGE),
            )
            for (data,) in rows:
                yield _CHUNK.validate_json(data)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, Chunk) and self.position(value.id) is not None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ChunkTable({str(self.path)!r}, {self._len} chunks)"

    # -- by id and by column ---------------------------------------------------------------
    def position(self, chunk_id: str) -> int | None:
        rows = self._query("SELECT pos FROM chunks WHERE id = ?", (chunk_id,))
        return int(rows[0][0]) if rows else None

    def of_document(self, doc_id: str) -> list[Chunk]:
        """A document's chunks, in order (its rows only, not a pass over the table)."""
        rows = self._query("SELECT pos FROM chunks WHERE doc_id = ? ORDER BY pos", (doc_id,))
        return self.at(pos for (pos,) in rows)

    def with_ids(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids, in that order (unknown ids left out), in one query
        per 500 ids rather than one per chunk."""
        found: dict[str, int] = {}
        for start in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            found.update(self._query(f"SELECT id, pos FROM chunks WHERE id IN ({marks})", part))
        return self.at(found[i] for i in chunk_ids if i in found)

    def ids_of_document(self, doc_id: str) -> list[str]:
        """A document's chunk ids, in order, without reading its chunks."""
        rows = self._query("SELECT id FROM chunks WHERE doc_id = ? ORDER BY pos", (doc_id,))
        return [chunk_id for (chunk_id,) in rows]

    def containing(self, doc_id: str, offset: int) -> Chunk | None:
        """The first chunk of a document whose span holds ``offset`` (the clause a header
        or a sentence is in), found in SQL without reading the document's other chunks."""
        rows = self._query(
            "SELECT pos FROM chunks WHERE doc_id = ?"
            " AND json_extract(CAST(data AS TEXT), '$.start') <= ?"
            " AND json_extract(CAST(data AS TEXT), '$.end') > ? ORDER BY pos LIMIT 1",
            (doc_id, offset, offset),
        )
        return self.at([rows[0][0]])[0] if rows else None

    def ids_at(self, positions: Sequence[int]) -> list[str]:
        """The ids of the chunks at ``positions``, in that order, without reading them."""
        found: dict[int, str] = {}
        for start in range(0, len(positions), 500):
            part = list(positions[start : start + 500])
            marks = ",".join("?" * len(part))
            found.update(self._query(f"SELECT pos, id FROM chunks WHERE pos IN ({marks})", part))
        return [found[p] for p in positions]

    def column(self, name: str) -> Iterator[str]:
        """One stored column (``id``, ``doc_id``, ``key``) of every row, in position order."""
        if name not in ("id", "doc_id", "key"):
            raise ValueError(f"no column {name!r}")
        for start in range(0, self._len, PAGE * 10):
            rows = self._query(
                f"SELECT {name} FROM chunks WHERE pos >= ? AND pos < ? ORDER BY pos",
                (start, start + PAGE * 10),
            )
            yield from (value for (value,) in rows)

    @property
    def by_id(self) -> ChunksById:
        return ChunksById(self)


class ChunksById(Mapping[str, Chunk]):
    """A ``ChunkTable`` looked up by chunk id, read on demand."""

    def __init__(self, table: ChunkTable) -> None:
        self._table = table

    def __getitem__(self, chunk_id: str) -> Chunk:
        pos = self._table.position(chunk_id)
        if pos is None:
            raise KeyError(chunk_id)
        return self._table[pos]

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, str) and self._table.position(chunk_id) is not None

    def __iter__(self) -> Iterator[str]:
        return self._table.column("id")

    def __len__(self) -> int:
        return len(self._table)
