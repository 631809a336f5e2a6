"""The SQL of the PostgreSQL store: its tables, its indexes and its two BM25 queries.

Tables live in one schema per index (``idx_default``), so several indexes can share a
database:
- ``meta``: the manifest, the corpus statistics BM25 needs (chunk count, mean length) and
  the layout version of these tables;
- ``documents``: each document with its text, the sha256 of that text, and the folded
  keys filters compare (issuer, type);
- ``chunks``: each chunk by content id, a small integer ``num`` the postings point to, its
  position in corpus order, the hash of the text that was embedded, its token count and an
  ``embedding vector(d)`` with an HNSW index (inner product);
- ``postings`` (term, num, tf, dl, impact) and ``terms`` (term, df): the project's own
  tokens (syllables, words, folded forms, abbreviation concepts), so the lexical ranking
  is the embedded store's BM25 (Lucene idf, k1 = 1.5, b = 0.75) and not PostgreSQL's
  ``ts_rank_cd``, which knows neither our tokens' statistics nor idf.

Why two BM25 queries. Summing every posting of every query term (``EXACT_LEXICAL``) reads
~100,000 postings for one question at 10,000 chunks and grows with the corpus: frequent
terms ("của", "f:so", "§ubnd") have postings in most chunks. ``PRUNED_LEXICAL`` is a
champion-list / impact-ordered scheme (Manning et al., IR book §7.1; the static pruning
of BM25 top-k engines): each posting stores its BM25 term-frequency factor (``impact``)
and an index orders every term's postings by it, so the query reads at most
``POSTINGS_PER_TERM`` postings per term, keeps the ``RESCORED`` best chunks by that
partial score, and scores those exactly (all query terms, current statistics) through the
forward (num, term) index. Cost no longer grows with the corpus; the ranking differs from
exact BM25 only for a chunk none of whose terms puts it among a term's best postings
(measured agreement in ``eval/reports/bench-store.md``).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.documents.textnorm import folded_key
from assistant.search.filters import SearchFilters

K1, B = 1.5, 0.75  # bm25s's defaults
SCHEMA_VERSION = 2  # 2: integer postings keys, impact-ordered postings
# HNSW graph: measured on the bulk documents' 12,477 real vectors (multilingual-e5-small),
# 300 queries (197 dev questions about other documents, 103 chunk texts with words
# dropped), index forced: recall@10 against exact search at ef_search 100/200/400/800:
#   m 16, ef_construction 64:  0.832 / 0.895 / 0.942 / 0.964
#   m 32, ef_construction 128: 0.936 / 0.972 / 0.984 / 0.994  (p50/p95 at 400: 23/39 ms)
# Chunk-text queries reach 0.999 with either from ef_search 200; questions about documents
# the corpus lacks are the hard ones (their neighbours are all far and close together).
HNSW_M, HNSW_EF_CONSTRUCTION = 32, 128
# Pruned BM25 (see the module docstring). On the bulk documents' 12,501 real chunks,
# 149 queries (dev questions and chunk texts with words dropped), against exact BM25:
#   M postings/term, R rescored: top 5 identical, top 50 overlap, p50/p95 ms (load ~7)
#   1000, 300: 149/149, 0.986, 54/106    1000, 200: 147/149, 0.971, 42/94
#   1000, 100: 145/149, 0.923, 34/80      500, 100: 131/149, 0.840, 28/51
# Scale: eval/reports/bench-store.md.
POSTINGS_PER_TERM = 1000
RESCORED = 200


def impact(tf: int, dl: int, avgdl: float) -> float:
    """The BM25 term-frequency factor of one posting (what the idf multiplies)."""
    return tf / (tf + K1 * (1 - B + B * dl / avgdl))


def create_tables(s: str, dimension: int) -> list[str]:
    """Tables without their secondary indexes: a fresh build loads rows first and
    builds the indexes once afterwards (much faster than index inserts row by row)."""
    return [
        f"DROP SCHEMA IF EXISTS {s} CASCADE",
        f"CREATE SCHEMA {s}",
        f"CREATE TABLE {s}.meta (key text PRIMARY KEY, value jsonb NOT NULL)",
        f"""CREATE TABLE {s}.documents (
            doc_id text PRIMARY KEY, pos int NOT NULL, source text NOT NULL,
            doc_number text, issuer_key text NOT NULL, type_key text NOT NULL, date date,
            text_sha256 text NOT NULL, body jsonb NOT NULL)""",
        f"""CREATE TABLE {s}.chunks (
            id text PRIMARY KEY, num int NOT NULL UNIQUE, pos int NOT NULL,
            doc_id text NOT NULL REFERENCES {s}.documents ON DELETE CASCADE,
            key text NOT NULL, body_sha256 text NOT NULL, n_terms int NOT NULL,
            body jsonb NOT NULL, embedding vector({dimension}) NOT NULL)""",
        # No foreign key: checking one per posting would double a bulk load; the store
        # deletes a chunk's postings itself, in the same transaction.
        f"""CREATE TABLE {s}.postings (
            term text NOT NULL, num int NOT NULL, tf int NOT NULL, dl int NOT NULL,
            impact real NOT NULL)""",
        f"CREATE TABLE {s}.terms (term text PRIMARY KEY, df int NOT NULL)",
    ]


def create_indexes(s: str) -> list[str]:
    return [
        # forward: one chunk's terms (exact rescoring, deletion)
        f"ALTER TABLE {s}.postings ADD PRIMARY KEY (num, term) INCLUDE (tf, dl)",
        # inverted, best postings first: the pruned query reads the head of each term
        f"CREATE INDEX postings_term_impact ON {s}.postings (term, impact DESC) "
        "INCLUDE (num, tf, dl)",
        f"CREATE INDEX chunks_doc ON {s}.chunks (doc_id)",
        f"CREATE INDEX chunks_hnsw ON {s}.chunks USING hnsw (embedding vector_ip_ops) "
        f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})",
    ]


# The query's terms with their BM25 weight (query count × Lucene idf) and the corpus
# statistics; parameters: terms, their counts.
_WEIGHTS = """
    s AS (SELECT (value->>'n_chunks')::float8 AS n, (value->>'avgdl')::float8 AS avgdl
          FROM {s}.meta WHERE key = 'stats'),
    q AS (SELECT t.term, u.qn * ln(1 + (s.n - t.df + 0.5) / (t.df + 0.5)) AS w
          FROM unnest(%(terms)s::text[], %(counts)s::float8[]) u(term, qn)
          JOIN {s}.terms t ON t.term = u.term CROSS JOIN s)
"""
_FACTOR = f"p.tf / (p.tf + {K1}::float8 * ({1 - B}::float8 + {B}::float8 * p.dl / s.avgdl))"

PRUNED_LEXICAL = (
    "WITH"
    + _WEIGHTS
    + f""",
    head AS (
        SELECT p.num, sum(q.w * p.impact) AS partial
        FROM q CROSS JOIN LATERAL (
            SELECT num, impact FROM {{s}}.postings p WHERE p.term = q.term
            ORDER BY p.impact DESC LIMIT {POSTINGS_PER_TERM}) p
        GROUP BY p.num ORDER BY partial DESC LIMIT {RESCORED}),
    scored AS (  -- one chunk's postings are adjacent in the (num, term) index: read
                 -- them all and keep the query's (a third faster than probing each term)
        SELECT head.num, (
            SELECT sum(q.w * {_FACTOR})
            FROM {{s}}.postings p JOIN q ON q.term = p.term CROSS JOIN s
            WHERE p.num = head.num) AS score
        FROM head)
    SELECT c.id, scored.score
    FROM scored JOIN {{s}}.chunks c ON c.num = scored.num
    ORDER BY scored.score DESC, c.id LIMIT %(k)s
"""
)

# Every posting of every term, restricted by a filter on ``d`` (documents): used when a
# filter applies (a pruned head may hold none of the allowed chunks) and as the
# reference the pruned query is measured against.
EXACT_LEXICAL = (
    "WITH"
    + _WEIGHTS
    + f"""
    SELECT c.id, sum(q.w * {_FACTOR}) AS score
    FROM q JOIN {{s}}.postings p ON p.term = q.term
           JOIN {{s}}.chunks c ON c.num = p.num
           JOIN {{s}}.documents d ON d.doc_id = c.doc_id
           CROSS JOIN s
    WHERE {{where}}
    GROUP BY c.id ORDER BY score DESC, c.id LIMIT %(k)s
"""
)


def filter_sql(filters: SearchFilters | None) -> tuple[str, dict[str, Any]]:
    """SQL conditions on ``d`` (documents) for a filter, and their named parameters."""
    if not filters:
        return "", {}
    parts: list[str] = []
    params: dict[str, Any] = {}
    if filters.doc_ids:
        parts.append("(d.doc_id = ANY(%(doc_ids)s) OR d.doc_number = ANY(%(doc_ids)s))")
        params["doc_ids"] = list(filters.doc_ids)
    if filters.issuers:
        parts.append("d.issuer_key LIKE ANY(%(issuers)s)")
        params["issuers"] = [
            "%" + re.sub(r"([\\%_])", r"\\\1", folded_key(i)) + "%" for i in filters.issuers
        ]
    if filters.doc_types:
        parts.append("d.type_key = ANY(%(types)s)")
        params["types"] = [folded_key(t) for t in filters.doc_types]
    if filters.date_from:
        parts.append("d.date >= %(date_from)s")
        params["date_from"] = filters.date_from
    if filters.date_to:
        parts.append("d.date <= %(date_to)s")
        params["date_to"] = filters.date_to
    return " AND ".join(parts), params
