"""Writing an index to PostgreSQL: one transaction that brings the tables of
``postgres_sql.py`` to exactly the given documents and chunks.

The chunks whose content id and embedded text are unchanged keep their rows, their
vectors and their postings; the others are removed or added (COPY), then the terms'
document frequencies and the corpus statistics are brought up to date and the manifest
replaced. A reader sees the old index or the new one, never half of each. A fresh build
(no index yet, an older table layout, another model or tokenizer) loads the rows first
and builds the indexes once afterwards: much faster than index inserts row by row.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import TypeAdapter

from assistant.documents.textnorm import folded_key
from assistant.search.stores import postgres_sql as sql
from assistant.search.stores.base import ChunkRecord, Manifest
from assistant.types import Chunk, Document

_DOC = TypeAdapter(Document)
_CHUNK = TypeAdapter(Chunk)


def existing_chunks(conn: Any, s: str, manifest: Manifest) -> dict[str, tuple[str, int]] | None:
    """The stored chunks (id → digest, num) if the new build may keep them; None if
    it must start over: no index yet, tables of an older layout, or terms of another
    tokenizer (keeping the postings of unchanged chunks would mix two token schemes
    in one BM25 index) or vectors of another model."""
    try:
        with conn.transaction():  # a savepoint: a missing schema must not abort the rest
            meta = dict(conn.execute(f"SELECT key, value FROM {s}.meta").fetchall())
            old = Manifest(**meta["manifest"])
            if meta.get("schema") != sql.SCHEMA_VERSION or (
                old.dimension,
                old.model_id,
                old.tokenizer,
            ) != (manifest.dimension, manifest.model_id, manifest.tokenizer):
                return None
            rows = conn.execute(f"SELECT id, body_sha256, num FROM {s}.chunks").fetchall()
    except Exception:  # no schema yet, or one we cannot read: start over
        return None
    return {cid: (digest, num) for cid, digest, num in rows}


def write_index(
    conn: Any,
    s: str,
    manifest: Manifest,
    documents: Sequence[Document],
    records: Sequence[ChunkRecord],
) -> None:
    """Inside the caller's transaction: bring schema ``s`` to exactly these documents and
    chunks. Unchanged chunks (same content id, same embedded text) keep their rows."""
    wanted: dict[str, tuple[ChunkRecord, str, int]] = {}
    for pos, record in enumerate(records):
        if record.chunk.id not in wanted:  # a chunk id is content: a copy adds nothing
            body = _CHUNK.dump_json(record.chunk).decode("utf-8")
            wanted[record.chunk.id] = (record, body, pos)
    lengths = [len(r.terms) for r, _, _ in wanted.values()]
    avgdl = (sum(lengths) / len(lengths) if lengths else 0.0) or 1.0
    existing = existing_chunks(conn, s, manifest)
    fresh = existing is None
    if existing is None:
        for statement in sql.create_tables(s, manifest.dimension):
            conn.execute(statement)
        existing = {}
    digests = {
        cid: hashlib.sha256(f"{r.key}\0{body}".encode()).hexdigest()
        for cid, (r, body, _) in wanted.items()
    }
    removed = [num for cid, (d, num) in existing.items() if digests.get(cid) != d]
    added = [cid for cid in wanted if existing.get(cid, ("", 0))[0] != digests[cid]]
    affected = {
        t for (t,) in conn.execute(
            f"SELECT DISTINCT term FROM {s}.postings WHERE num = ANY(%s)", (removed,)
        ).fetchall()
    }  # fmt: skip
    conn.execute(f"DELETE FROM {s}.postings WHERE num = ANY(%s)", (removed,))
    conn.execute(f"DELETE FROM {s}.chunks WHERE num = ANY(%s)", (removed,))
    write_documents(conn, s, documents)
    df: Counter[str] = Counter()  # document frequency of the added chunks' terms
    first = 1 + (_scalar(conn, f"SELECT max(num) FROM {s}.chunks") or 0)
    with conn.cursor() as cur:
        with cur.copy(
            f"COPY {s}.chunks (id, num, pos, doc_id, key, body_sha256, n_terms, body, "
            "embedding) FROM STDIN"
        ) as copy:
            for num, cid in enumerate(added, first):
                record, body, pos = wanted[cid]
                copy.write_row(
                    (cid, num, pos, record.chunk.doc_id, record.key, digests[cid],
                     len(record.terms), body, record.vector.astype(np.float32))
                )  # fmt: skip
        with cur.copy(f"COPY {s}.postings (term, num, tf, dl, impact) FROM STDIN") as copy:
            for num, cid in enumerate(added, first):
                terms = wanted[cid][0].terms
                dl = len(terms)
                for term, tf in Counter(terms).items():
                    copy.write_row((term, num, tf, dl, sql.impact(tf, dl, avgdl)))
                    df[term] += 1
        affected.update(df)
    if fresh:  # one index build over the loaded rows, with room to sort in memory
        conn.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for statement in sql.create_indexes(s):
            conn.execute(statement)
    conn.execute(
        f"UPDATE {s}.chunks c SET pos = v.pos FROM unnest(%s::text[], %s::int[]) "
        "v(id, pos) WHERE c.id = v.id AND c.pos <> v.pos",
        (list(wanted), [p for _, _, p in wanted.values()]),
    )
    if fresh:  # every term is new: its df is counted here, not by a scan
        with conn.cursor() as cur, cur.copy(f"COPY {s}.terms FROM STDIN") as copy:
            for row in df.items():
                copy.write_row(row)
    else:
        conn.execute(f"DELETE FROM {s}.terms WHERE term = ANY(%s)", (list(affected),))
        conn.execute(
            f"INSERT INTO {s}.terms SELECT term, count(*) FROM {s}.postings "
            "WHERE term = ANY(%s) GROUP BY term",
            (list(affected),),
        )
    n, total = conn.execute(
        f"SELECT count(*), coalesce(sum(n_terms), 0) FROM {s}.chunks"
    ).fetchone()
    stats = {"n_chunks": n, "avgdl": (total / n) if n else 1.0}
    manifest = _with(manifest, n_chunks=n)
    meta = {"manifest": manifest.__dict__, "stats": stats, "schema": sql.SCHEMA_VERSION}
    for key, value in meta.items():
        conn.execute(
            f"INSERT INTO {s}.meta VALUES (%s, %s::jsonb) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )


def write_documents(conn: Any, s: str, documents: Sequence[Document]) -> None:
    ids = [d.doc_id for d in documents]
    conn.execute(f"DELETE FROM {s}.documents WHERE NOT (doc_id = ANY(%s))", (ids,))
    seen: set[str] = set()
    for pos, d in enumerate(documents):
        if d.doc_id in seen:
            continue
        seen.add(d.doc_id)
        conn.execute(
            f"""INSERT INTO {s}.documents VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)
            ON CONFLICT (doc_id) DO UPDATE SET pos = excluded.pos, source = excluded.source,
              doc_number = excluded.doc_number, issuer_key = excluded.issuer_key,
              type_key = excluded.type_key, date = excluded.date,
              text_sha256 = excluded.text_sha256, body = excluded.body""",
            (
                d.doc_id,
                pos,
                d.source,
                d.doc_number,
                folded_key(d.issuer or ""),
                folded_key(d.doc_type),
                d.date,
                hashlib.sha256(d.text.encode("utf-8")).hexdigest(),
                _DOC.dump_json(d).decode("utf-8"),
            ),
        )


def _with(manifest: Manifest, **changes: Any) -> Manifest:
    return Manifest(**{**manifest.__dict__, **changes})


def _scalar(conn: Any, query: str) -> Any:
    row = conn.execute(query).fetchone()
    return row[0] if row else None
