"""The PostgreSQL store: pgvector for the dense signal, BM25 computed in SQL for the
lexical one, documents and chunks as JSON beside them. The tables and queries are in
``postgres_sql.py``, the write transaction in ``postgres_write.py``; this module
connects, reads, searches and holds the build lock.

Connections come from a pool (``psycopg_pool``): Streamlit runs each session in a thread,
and one shared connection would make their queries wait for each other. A server that
is down or restarted gives the Vietnamese ``StoreUnavailableError`` message, never a
traceback; the pool checks a connection before lending it, so a restarted server is
reconnected to without an error.

A write is one transaction: the chunks whose content id and embedded text are unchanged
stay, the others are removed or added, and the manifest is replaced — a reader sees the
old index or the new one, never half of each. One writer at a time: the build takes a
PostgreSQL advisory lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from pydantic import TypeAdapter

from assistant.errors import IndexMismatchError, StoreUnavailableError
from assistant.search.filters import SearchFilters
from assistant.search.stores import postgres_sql as sql
from assistant.search.stores.base import (
    ChunkRecord,
    Manifest,
    Scored,
    check_vectors,
    wait_for_lock,
)
from assistant.search.stores.postgres_write import write_index
from assistant.types import Chunk, Document

_DOC = TypeAdapter(Document)
_CHUNK = TypeAdapter(Chunk)
# Connections one app process may hold: Streamlit sessions are threads, and each
# query holds one connection for a few milliseconds.
POOL_SIZE = 8
# HNSW candidate list of a query: recall@10 0.984 on the bulk documents' real vectors
# with the graph of postgres_sql.py (0.942 at 200, 0.994 at 800; measured and swept by
# eval/store_recall.py, eval/reports/bench-store.md).
EF_SEARCH = 400


def redact(dsn: str) -> str:
    """A connection string without its password, for messages."""
    parts = urlsplit(dsn)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return dsn


class PostgresStore:
    """An index in a PostgreSQL ≥ 16 database with pgvector."""

    def __init__(self, dsn: str, *, name: str = "default", connect_timeout: int = 5) -> None:
        if not re.fullmatch(r"[a-z0-9_]{1,40}", name):
            raise ValueError(f"name must be [a-z0-9_]{{1,40}}. Currently, name is {name!r}.")
        self.dsn = dsn
        self.schema = f"idx_{name}"
        self.connect_timeout = connect_timeout
        self._pool: Any = None
        self._lock = threading.Lock()
        self._manifest: Manifest | None = None
        self._documents: tuple[Document, ...] | None = None
        self._chunks: tuple[Chunk, ...] | None = None

    # -- connection ----------------------------------------------------------------------
    def _unavailable(self, exc: Exception) -> StoreUnavailableError:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreUnavailableError(
            f"Không kết nối được máy chủ tìm kiếm PostgreSQL {redact(self.dsn)}: {detail[:200]}. "
            "Hãy kiểm tra máy chủ đang chạy (`assistant store start`) và biến ASSISTANT_STORE "
            "(search server unreachable)."
        )

    def _probe(self) -> None:
        """One direct connection: fails at once with the server's own reason (a pool
        would only time out), and creates the vector extension if it is missing."""
        import psycopg

        try:
            conn = psycopg.connect(self.dsn, connect_timeout=self.connect_timeout, autocommit=True)
        except psycopg.Error as exc:
            raise self._unavailable(exc) from exc
        with conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            except psycopg.Error as exc:
                raise StoreUnavailableError(
                    f"Cơ sở dữ liệu {redact(self.dsn)} chưa có phần mở rộng pgvector (vector) và "
                    f"không tạo được: {str(exc).strip()[:200]}"
                ) from exc

    def _get_pool(self) -> Any:
        with self._lock:
            if self._pool is None:
                from pgvector.psycopg import register_vector
                from psycopg_pool import ConnectionPool

                self._probe()
                self._pool = ConnectionPool(
                    self.dsn,
                    min_size=1,
                    max_size=POOL_SIZE,
                    kwargs={"autocommit": True, "connect_timeout": self.connect_timeout},
                    configure=register_vector,
                    check=ConnectionPool.check_connection,  # a restarted server: reconnect
                    timeout=self.connect_timeout,
                    open=False,
                )
                self._pool.open()
            return self._pool

    @contextlib.contextmanager
    def _cursor(self, *, write: bool = False) -> Iterator[Any]:
        """A pooled connection, errors turned into messages; with ``write``, one
        transaction that commits whole or not at all."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._get_pool().connection() as conn:
                if write:
                    with conn.transaction():
                        yield conn
                else:
                    yield conn
        except psycopg.errors.UndefinedTable as exc:
            raise IndexMismatchError(
                f"Chưa có chỉ mục trong {redact(self.dsn)} (no index yet)."
            ) from exc
        except PoolTimeout as exc:  # no connection could be made: say why, if we can
            self._probe()
            raise self._unavailable(exc) from exc
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._unavailable(exc) from exc
        except psycopg.errors.DataError as exc:
            raise IndexMismatchError(
                f"Dữ liệu chỉ mục trên máy chủ bị hỏng (corrupted store: {str(exc)[:200]})."
            ) from exc

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def describe(self) -> str:
        return f"{redact(self.dsn)}#{self.schema}"

    # -- reading -------------------------------------------------------------------------
    def manifest(self) -> Manifest:
        if self._manifest is None:
            with self._cursor() as conn:
                row = conn.execute(
                    f"SELECT value FROM {self.schema}.meta WHERE key = 'manifest'"
                ).fetchone()
            if row is None:
                raise IndexMismatchError(f"Chưa có chỉ mục trong {self.describe()} (no index yet).")
            try:
                self._manifest = Manifest(**row[0])
            except TypeError as exc:
                raise IndexMismatchError(f"Manifest trên máy chủ bị hỏng ({exc}).") from exc
        return self._manifest

    def documents(self) -> tuple[Document, ...]:
        if self._documents is None:
            with self._cursor() as conn:
                rows = conn.execute(
                    f"SELECT body, text_sha256 FROM {self.schema}.documents ORDER BY pos"
                ).fetchall()
            documents = []
            for body, recorded in rows:
                document = _DOC.validate_python(body)
                if hashlib.sha256(document.text.encode("utf-8")).hexdigest() != recorded:
                    raise IndexMismatchError(
                        f"Văn bản {document.source} trên máy chủ không khớp mã băm đã ghi "
                        "(stored text does not match its content hash)."
                    )
                documents.append(document)
            self._documents = tuple(documents)
        return self._documents

    def chunks(self) -> tuple[Chunk, ...]:
        if self._chunks is None:
            manifest = self.manifest()
            with self._cursor() as conn:
                rows = conn.execute(
                    f"SELECT body FROM {self.schema}.chunks ORDER BY pos"
                ).fetchall()
                bad = conn.execute(
                    f"SELECT count(*) FROM {self.schema}.chunks WHERE embedding IS NULL "
                    "OR abs(vector_norm(embedding) - 1) > 0.01"
                ).fetchone()[0]
            if bad:
                raise IndexMismatchError(
                    f"{bad} vectơ hỏng (bằng 0 hoặc không chuẩn hoá) trên máy chủ (damaged vectors)."
                )
            chunks = tuple(_CHUNK.validate_python(r[0]) for r in rows)
            if len(chunks) != manifest.n_chunks:
                raise IndexMismatchError(
                    f"Chỉ mục không khớp: {len(chunks)} đoạn, manifest {manifest.n_chunks} "
                    "(store disagrees with its manifest)."
                )
            self._chunks = chunks
        return self._chunks

    def fetch_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        with self._cursor() as conn:
            rows = conn.execute(
                f"SELECT id, body FROM {self.schema}.chunks WHERE id = ANY(%s)", (list(ids),)
            ).fetchall()
        found = {i: _CHUNK.validate_python(b) for i, b in rows}
        return [found[i] for i in ids if i in found]

    def fetch_documents(self, ids: Sequence[str]) -> list[Document]:
        with self._cursor() as conn:
            rows = conn.execute(
                f"SELECT body FROM {self.schema}.documents WHERE doc_id = ANY(%s) ORDER BY pos",
                (list(ids),),
            ).fetchall()
        return [_DOC.validate_python(r[0]) for r in rows]

    def dense(self, vector: np.ndarray, k: int, filters: SearchFilters | None) -> list[Scored]:
        if k <= 0:
            return []
        where, params = sql.filter_sql(filters)
        join = (
            f"JOIN {self.schema}.documents d ON d.doc_id = c.doc_id WHERE {where}" if where else ""
        )
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        with self._cursor(write=True) as conn:  # SET LOCAL needs a transaction
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, 2 * k)}")
            if where:  # keep scanning the graph until k rows pass the filter
                conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            rows = conn.execute(
                f"SELECT c.id, -(c.embedding <#> %(v)s) AS sim FROM {self.schema}.chunks c "
                f"{join} ORDER BY c.embedding <#> %(v)s LIMIT %(k)s",
                {**params, "v": query, "k": k},
            ).fetchall()
        # relaxed_order may return a few rows slightly out of order
        return sorted(((i, float(s)) for i, s in rows), key=lambda r: -r[1])

    def lexical(self, terms: Sequence[str], k: int, filters: SearchFilters | None) -> list[Scored]:
        """BM25 top ``k``: pruned (bounded cost) without a filter, exact with one."""
        where, params = sql.filter_sql(filters)
        return self._bm25(terms, k, where or None, params)

    def lexical_exact(
        self, terms: Sequence[str], k: int, filters: SearchFilters | None = None
    ) -> list[Scored]:
        """BM25 over every posting: the reference the pruned ranking is measured against."""
        where, params = sql.filter_sql(filters)
        return self._bm25(terms, k, where or "true", params)

    def _bm25(
        self, terms: Sequence[str], k: int, where: str | None, params: dict[str, Any]
    ) -> list[Scored]:
        counts = Counter(terms)
        if not counts or k <= 0:
            return []
        query = (
            sql.PRUNED_LEXICAL.format(s=self.schema)
            if where is None
            else sql.EXACT_LEXICAL.format(s=self.schema, where=where)
        )
        values = {**params, "terms": list(counts), "counts": list(counts.values()), "k": k}
        with self._cursor() as conn:
            rows = conn.execute(query, values).fetchall()
        return [(i, float(s)) for i, s in rows if s > 0]

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """(number of chunks, chunks holding each of ``terms`` that the index knows)."""
        with self._cursor() as conn:
            stats = conn.execute(
                f"SELECT (value->>'n_chunks')::int FROM {self.schema}.meta WHERE key = 'stats'"
            ).fetchone()
            rows = conn.execute(
                f"SELECT term, df FROM {self.schema}.terms WHERE term = ANY(%s)", (list(terms),)
            ).fetchall()
        return (int(stats[0]) if stats and stats[0] is not None else 0), {
            t: int(df) for t, df in rows
        }

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        with self._cursor() as conn:
            rows = conn.execute(
                f"SELECT id, embedding FROM {self.schema}.chunks WHERE id = ANY(%s)", (list(ids),)
            ).fetchall()
        found = {i: _array(v) for i, v in rows}
        return np.stack([found[i] for i in ids])

    def reusable_vectors(self, model_id: str) -> dict[str, np.ndarray]:
        try:
            if self.manifest().model_id != model_id:
                return {}
        except IndexMismatchError:
            return {}
        with self._cursor() as conn:
            rows = conn.execute(f"SELECT key, embedding FROM {self.schema}.chunks").fetchall()
        out = {k: _array(v) for k, v in rows}
        matrix = np.stack(list(out.values())) if out else np.zeros((0, 1), np.float32)
        try:
            check_vectors(matrix, self.describe())
        except IndexMismatchError:
            return {}
        return out

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def build_lock(self, *, timeout: float, notify: Any = None) -> Iterator[None]:
        """One writer per index across every machine sharing the server: a session-level
        advisory lock, held by its own connection until the build ends (or dies)."""
        import psycopg

        key = int.from_bytes(hashlib.sha256(self.schema.encode()).digest()[:8], "big", signed=True)
        try:
            conn = psycopg.connect(self.dsn, connect_timeout=self.connect_timeout, autocommit=True)
        except psycopg.Error as exc:
            raise self._unavailable(exc) from exc
        with conn:
            busy = (
                f"Một lần xây dựng chỉ mục khác đang ghi vào {self.describe()}; hãy thử "
                "lại sau khi nó xong (another build holds the advisory lock)."
            )
            wait_for_lock(
                lambda: bool(_scalar(conn, "SELECT pg_try_advisory_lock(%s)", (key,))),
                timeout,
                busy,
                notify,
            )
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def write(
        self, manifest: Manifest, documents: Sequence[Document], records: Sequence[ChunkRecord]
    ) -> None:
        """Bring the store to exactly these documents and chunks, in one transaction
        (``postgres_write.py``)."""
        matrix = np.array([r.vector for r in records], dtype=np.float32).reshape(
            len(records), manifest.dimension
        )
        check_vectors(matrix, "các vectơ vừa nhúng")
        with self._cursor(write=True) as conn:
            write_index(conn, self.schema, manifest, documents, records)
        self._manifest, self._documents, self._chunks = None, None, None
        # Fresh statistics and visibility map: the planner reads postings by index only.
        with self._cursor() as conn:
            for table in ("postings", "terms", "chunks", "documents"):
                conn.execute(f"VACUUM (ANALYZE) {self.schema}.{table}")

    def drop(self) -> None:
        with self._cursor(write=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        self._manifest, self._documents, self._chunks = None, None, None


def _scalar(conn: Any, query: str, params: Sequence[Any] = ()) -> Any:
    row = conn.execute(query, params).fetchone()
    return row[0] if row else None


def _array(value: Any) -> np.ndarray:
    """pgvector gives ``Vector`` objects (or arrays, in older versions)."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value, dtype=np.float32)
