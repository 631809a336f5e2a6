"""Why the PostgreSQL store ranks lexically by BM25 computed in SQL and not ts_rank_cd.

On the seeds' answerable gold questions, the share whose gold clause is in the lexical
top-5 of: BM25 over the project's tokens (what both stores compute), ts_rank_cd over
``to_tsvector('simple', unaccent(lower(text)))`` with the question's words OR-ed, and
ts_rank_cd over the project's own tokens as lexemes.

    .venv/bin/python eval/lexical_ranking.py   # → eval/reports/lexical-ranking.md
"""

from __future__ import annotations

import re
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import bm25s
import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.documents.corpus import load_corpus  # noqa: E402
from assistant.evaluation.gold import GoldItem, load_gold  # noqa: E402
from assistant.search.index import embedding_text  # noqa: E402
from assistant.search.lexical import tokenize, with_synonyms  # noqa: E402
from assistant.search.stores import server  # noqa: E402


def lexemes(tokens: list[str]) -> list[str]:
    return [re.sub(r"[^\w§]", "_", t) for t in tokens]


def main() -> str:
    corpus = load_corpus(ROOT / "corpus")
    docs = {p.document.doc_id: p.document for p in corpus.documents}
    texts = [embedding_text(c, docs[c.doc_id]) for c in corpus.chunks]
    labels = [f"{docs[c.doc_id].doc_number} {c.clause_label}" for c in corpus.chunks]
    gold = [g for g in load_gold(ROOT / "eval" / "gold" / "dev.jsonl") if g.answerable and g.gold]
    bm25 = bm25s.BM25()
    bm25.index([tokenize(t) for t in texts], show_progress=False)

    def hit(ranked: list[int], item: GoldItem) -> bool:
        wanted = {f"{r.doc_number} {r.clause}" for r in item.gold}
        return any(labels[i] in wanted for i in ranked[:5])

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    folder = Path(tempfile.mkdtemp(prefix="lexical-ranking-")) / "pg"
    counts = {"bm25": 0, "plain": 0, "tokens": 0}
    try:
        with psycopg.connect(server.start(folder, port), autocommit=True) as conn:
            conn.execute("CREATE TABLE plain (i int, tsv tsvector)")
            conn.execute("CREATE TABLE tokens (i int, tsv tsvector)")
            for i, text in enumerate(texts):
                conn.execute(
                    "INSERT INTO plain VALUES (%s, to_tsvector('simple', unaccent(lower(%s))))",
                    (i, text),
                )
                conn.execute(
                    "INSERT INTO tokens VALUES (%s, to_tsvector('simple', %s))",
                    (i, " ".join(lexemes(tokenize(text)))),
                )
            for item in gold:
                terms = tokenize(with_synonyms(item.question))
                scores = bm25.get_scores(terms)
                counts["bm25"] += hit([int(i) for i in np.argsort(-scores) if scores[i] > 0], item)
                words = " | ".join(re.findall(r"\w+", item.question.lower())) or "x"
                sql = (
                    "SELECT i FROM {t}, to_tsquery('simple', {q}) q WHERE tsv @@ q "
                    "ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 5"
                )
                plain = conn.execute(sql.format(t="plain", q="unaccent(%s)"), (words,)).fetchall()
                counts["plain"] += hit([r[0] for r in plain], item)
                ours = " | ".join(lexemes(terms)) or "x"
                rows = conn.execute(sql.format(t="tokens", q="%s"), (ours,)).fetchall()
                counts["tokens"] += hit([r[0] for r in rows], item)
    finally:
        server.stop(folder)
        shutil.rmtree(folder.parent, ignore_errors=True)
    n = len(gold)
    report = "\n".join(
        [
            "# Lexical ranking in PostgreSQL: BM25 in SQL or ts_rank_cd",
            "",
            f"Gold clause in the lexical top-5, {n} answerable questions of eval/gold/dev.jsonl:",
            "",
            "| ranking | top-5 hits |",
            "|---|---|",
            f"| BM25 over the project's tokens (both stores) | {counts['bm25']}/{n} |",
            f"| ts_rank_cd, to_tsvector('simple', unaccent(lower(text))) | {counts['plain']}/{n} |",
            f"| ts_rank_cd over the project's tokens | {counts['tokens']}/{n} |",
            "",
            "ts_rank_cd has no idf (a frequent word counts as much as a rare one) and no length",
            "normalisation comparable to BM25's, so the store computes BM25 in SQL from term",
            "statistics (postings, document frequencies, mean length) and ranks as the embedded",
            "store does.",
            "",
        ]
    )
    out = ROOT / "eval" / "reports" / "lexical-ranking.md"
    out.write_text(report, encoding="utf-8")
    print(report)
    return report


if __name__ == "__main__":
    main()
