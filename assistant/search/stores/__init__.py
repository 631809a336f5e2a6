"""Where chunks, their vectors and their lexical terms live: the embedded folder
(FAISS + bm25s + files, the default) or a PostgreSQL server with pgvector."""

from __future__ import annotations

from pathlib import Path

from assistant.search.stores.base import ChunkStore


def store_location(store: str, index_dir: Path, name: str = "default") -> ChunkStore | Path:
    """The configured store: a ``postgresql://`` connection string names a server;
    empty means the embedded folder ``index_dir/name``."""
    if store.startswith(("postgresql://", "postgres://")):
        from assistant.search.stores.postgres import PostgresStore

        return PostgresStore(store, name=name)
    if store:
        raise ValueError(
            "ASSISTANT_STORE phải trống (chỉ mục nhúng) hoặc là chuỗi kết nối postgresql://… "
            f"(unknown store: {store[:40]!r})"
        )
    return index_dir / name
