"""ALQAC (Vietnamese legal retrieval benchmark): article recall of every system, one run.

The adapter is a reader like any other: each law of ``articles.jsonl`` becomes one text
file laid out as the law itself is ("Luật số: 91/2015/QH13", then "Điều 1. Phạm vi điều
chỉnh" and its khoản), written to a work folder and read by the ordinary corpus loader,
so the benchmark measures the parser and index users get. An answer's citations and a
search hit name their Điều; a textbook window is mapped to every Điều it overlaps. Works for any file of the ALQAC shape (fields law_id, article_id, title,
text; questions with qid, question, relevant[law_id, article_id]).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answering.answer import answer
from assistant.answering.engine import Engine, open_engine
from assistant.documents.corpus import load_corpus
from assistant.evaluation.baseline import TextbookPipeline
from assistant.evaluation.runner import for_corpus
from assistant.evaluation.systems import bm25_ranking, dense_ranking
from assistant.settings import Settings

SYSTEMS = ("bm25", "dense", "hybrid", "full", "textbook")
DEPTH = 10
_DIEU_RE = re.compile(r"Điều\s+(\d+[a-zđ]?)\b")

Article = tuple[str, str]  # (law_id, article_id)


@dataclass(frozen=True)
class Question:
    qid: str
    question: str
    relevant: frozenset[Article]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8-sig") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def law_file_name(law_id: str) -> str:
    return re.sub(r"[^\w]+", "-", law_id).strip("-") + ".txt"


def write_laws(articles: Iterable[dict[str, object]], folder: Path) -> dict[str, str]:
    """One text file per law; returns file name → law_id."""
    by_law: dict[str, list[dict[str, object]]] = {}
    for art in articles:
        by_law.setdefault(str(art["law_id"]), []).append(art)
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for law_id, arts in by_law.items():
        lines = [f"Luật số: {law_id}", "", "LUẬT", ""]
        for art in arts:
            title = " ".join(str(art.get("title") or "").split())
            body = str(art.get("text") or "").strip()
            if title and body.startswith(title):
                body = body[len(title) :].strip()  # the text repeats the title
            lines += [f"Điều {art['article_id']}. {title}".rstrip(), "", body, ""]
        name = law_file_name(law_id)
        (folder / name).write_text("\n".join(lines), encoding="utf-8")
        names[name] = law_id
    return names


def read_questions(path: Path, limit: int | None = None) -> list[Question]:
    out = []
    for row in read_jsonl(path)[:limit]:
        relevant = row.get("relevant") or []
        assert isinstance(relevant, list)
        arts = frozenset((str(r["law_id"]), str(r["article_id"])) for r in relevant)
        out.append(Question(str(row["qid"]), str(row["question"]), arts))
    return out


def _article(source: str, clause_label: str, laws: dict[str, str]) -> Article | None:
    m = _DIEU_RE.search(clause_label)
    law = laws.get(source)
    return (law, m[1]) if m and law else None


def _dedup(arts: Iterable[Article | None]) -> list[Article]:
    return list(dict.fromkeys(a for a in arts if a is not None))


def rank_articles(
    engine: Engine,
    textbook: TextbookPipeline | None,
    spans: dict[str, list[tuple[int, Article]]],
    laws: dict[str, str],
    question: str,
    systems: Sequence[str] = SYSTEMS,
) -> dict[str, list[Article]]:
    """Each system's articles for one question, best first (the textbook needs its
    pipeline; a system not asked for is not run)."""
    chunks = engine.index.chunks

    def of_positions(positions: Sequence[int]) -> list[Article]:
        return _dedup(_article(chunks[i].source, chunks[i].clause_label, laws) for i in positions)

    def window_articles(source: str, start: int, end: int) -> list[Article]:
        """Every Điều a window overlaps, the one it starts in first."""
        rows = spans.get(source, [])
        out = []
        for k, (begin, art) in enumerate(rows):
            stop = rows[k + 1][0] if k + 1 < len(rows) else end + 1
            if begin < end and stop > start:
                out.append(art)
        return out

    def hybrid() -> list[Article]:
        hits = engine.searcher.search(question, k=DEPTH * 3)
        return _dedup(_article(h.chunk.source, h.chunk.clause_label, laws) for h in hits)

    def full() -> list[Article]:
        cited = answer(question, engine=engine, llm=False).citations
        return _dedup(_article(c.source, c.clause, laws) for c in cited)

    def textbook_articles() -> list[Article]:
        assert textbook is not None
        windows = textbook.search(question, k=DEPTH * 3)
        return _dedup(a for w in windows for a in window_articles(w.source, w.start, w.end))

    run: dict[str, Callable[[], list[Article]]] = {
        "bm25": lambda: of_positions(bm25_ranking(engine, question, DEPTH * 3)),
        "dense": lambda: of_positions(dense_ranking(engine, question, DEPTH * 3)),
        "hybrid": hybrid,
        "full": full,
        "textbook": textbook_articles,
    }
    return {s: run[s]() for s in systems}


def scores(ranked: Sequence[list[Article]], gold: Sequence[frozenset[Article]]) -> dict[str, float]:
    n = max(len(gold), 1)

    def recall(k: int) -> float:
        return round(sum(bool(set(r[:k]) & g) for r, g in zip(ranked, gold, strict=True)) / n, 4)

    mrr = sum(
        next((1 / (i + 1) for i, a in enumerate(r[:DEPTH]) if a in g), 0.0)
        for r, g in zip(ranked, gold, strict=True)
    )
    return {"R@1": recall(1), "R@5": recall(5), "R@10": recall(10), "MRR": round(mrr / n, 4)}


def run(
    articles_path: Path,
    questions_path: Path,
    work: Path,
    settings: Settings | None = None,
    *,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    systems: Sequence[str] = SYSTEMS,
) -> dict[str, object]:
    """Index the laws in ``work`` and score the systems (all by default) on the questions."""
    unknown = set(systems) - set(SYSTEMS)
    if unknown or not systems:
        raise ValueError(f"systems must be some of {', '.join(SYSTEMS)}. Currently: {systems}.")
    systems = [s for s in SYSTEMS if s in systems]
    corpus_dir = work / "corpus"
    laws = write_laws(read_jsonl(articles_path), corpus_dir)
    settings = for_corpus(settings or Settings(), corpus_dir)
    settings = settings.model_copy(update={"index_dir": work / "index"})
    engine = open_engine(settings)
    corpus = load_corpus(corpus_dir)
    textbook = TextbookPipeline.build(corpus, engine.embedder) if "textbook" in systems else None
    spans: dict[str, list[tuple[int, Article]]] = {}
    for parsed in corpus.documents:
        law = laws.get(parsed.document.source)
        for clause in parsed.outline:
            for c in clause.walk():
                if c.kind == "dieu" and law and c.number:
                    spans.setdefault(parsed.document.source, []).append((c.start, (law, c.number)))
    for rows in spans.values():
        rows.sort()
    questions = read_questions(questions_path, limit)
    ranked: dict[str, list[list[Article]]] = {s: [] for s in systems}
    for i, q in enumerate(questions, start=1):
        for system, arts in rank_articles(
            engine, textbook, spans, laws, q.question, systems
        ).items():
            ranked[system].append(arts)
        if progress:
            progress(i, len(questions))
    gold = [q.relevant for q in questions]
    return {
        "n_questions": len(questions),
        "n_articles": sum(len(v) for v in spans.values()),
        "n_chunks": len(engine.index.chunks),
        "model": engine.index.manifest.model_id,
        "systems": {s: scores(ranked[s], gold) for s in systems},
    }


def markdown(result: dict[str, object], command: str) -> str:
    systems = result["systems"]
    assert isinstance(systems, dict)
    lines = [
        "# ALQAC 2022: article retrieval",
        "",
        f"Command: `{command}`",
        "",
        f"{result['n_questions']} questions, {result['n_articles']} articles,"
        f" {result['n_chunks']} chunks, model {result['model']}.",
        "",
        "| system | R@1 | R@5 | R@10 | MRR |",
        "|---|---|---|---|---|",
    ]
    for name, s in systems.items():
        lines.append(
            f"| {name} | {s['R@1']:.3f} | {s['R@5']:.3f} | {s['R@10']:.3f} | {s['MRR']:.3f} |"
        )
    lines += [
        "",
        "bm25, dense, hybrid: the index's rankings mapped to their Điều; full: the Điều cited"
        " by `answer()` in order; textbook: RecursiveCharacterTextSplitter 1000/200 windows of"
        " each law's text, same model, each window mapped to every Điều it overlaps (the one it"
        " starts in first).",
    ]
    return "\n".join(lines) + "\n"
