"""Fit the search fusion on a gold set, with cross-validation by document.

Usage: .venv/bin/python eval/fit_fusion.py [--set eval/gold/dev.jsonl] [--rows rows.json] [--write]

For every gold question with gold clauses, the hybrid searcher's candidates (dense top N,
BM25 top N, the clauses matching the body or phrase asked about) and their features
(``assistant.search.fusion.FEATURES``) are collected with the configured model over the
configured corpus; a candidate is positive when it is one of the question's gold clauses.
A pairwise logistic regression (``fusion.fit``) is fitted with folds by document (``GroupKFold``; a question's
document is the first one its gold cites), each held-out question's candidates are ranked
by it, and R@1/R@5/MRR are computed as ``assistant eval`` computes them (top 10, the same
``metrics.retrieval_scores``) next to BM25 alone, dense alone and the reciprocal-rank
fusion the searcher used before (RRF, k = 60, with its body/phrase/document boosts).
``--write`` fits on every question and saves the weights and these scores to
assistant/search/fusion.json (JSON, never a pickle). ``--rows`` caches the candidates.
The fit is deterministic: lbfgs, no sampling, folds fixed by the documents.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import metrics as m  # noqa: E402
from assistant.evaluation.cache import cached_rows  # noqa: E402
from assistant.evaluation.gold import GoldItem, load_gold  # noqa: E402
from assistant.search.fusion import FEATURES, MODEL_PATH, fit  # noqa: E402

DEPTH = 10  # as assistant eval: SEARCH_K
RRF_K = 60  # the fusion this replaces: 1/(60 + rank) per side, boosts in units of 1/61
RRF_BOOSTS = {"body_match": 3.0, "phrase_match": 1.0, "document_named": 1.0}


def document_of(item: GoldItem) -> str:
    ref = item.gold[0]
    return ref.doc_number or ref.source or item.id


def collect(items: list[GoldItem]) -> list[dict[str, Any]]:
    from assistant.answering.engine import open_engine
    from assistant.evaluation.scoring import resolve_gold
    from assistant.evaluation.systems import bm25_ranking, dense_ranking
    from assistant.settings import Settings

    engine = open_engine(Settings())
    engine.searcher.warm_up()
    chunks = engine.index.chunks
    rows = []
    for item in items:
        gold = resolve_gold(item, engine)
        if gold is None:
            continue
        found = engine.searcher.find_candidates(item.question)
        rows.append(
            {
                "id": item.id,
                "document": document_of(item),
                "gold": [c.id for c in gold.chunks],
                "candidates": [chunks[i].id for i in found.positions.tolist()],
                "features": np.round(found.features, 6).tolist(),
                "bm25": [chunks[i].id for i in bm25_ranking(engine, item.question, DEPTH)],
                "dense": [chunks[i].id for i in dense_ranking(engine, item.question, DEPTH)],
            }
        )
    return rows


def matrix(row: dict[str, Any]) -> np.ndarray:
    return np.array(row["features"], dtype=float).reshape(-1, len(FEATURES))


def rrf_scores(x: np.ndarray) -> np.ndarray:
    """The previous fusion, from the same features (ranks are 1 / reciprocal rank)."""
    column = {f: x[:, FEATURES.index(f)] for f in FEATURES}
    score = np.zeros(len(x))
    for side in ("dense_reciprocal_rank", "bm25_reciprocal_rank"):
        rr = column[side]
        with np.errstate(divide="ignore"):
            score += np.where(rr > 0, 1.0 / (RRF_K + 1.0 / np.where(rr > 0, rr, 1)), 0.0)
    for feature, weight in RRF_BOOSTS.items():
        score += weight / (RRF_K + 1) * column[feature]
    return score


def ranked(ids: list[str], scores: np.ndarray) -> list[str]:
    """Best first; ties keep the candidates' order (first contribution), as the searcher."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    return [ids[i] for i in order[:DEPTH]]


def retrieval(row: dict[str, Any], ids: list[str]) -> tuple[float, float, float]:
    gold = row["gold"]
    matches = [frozenset(g for g, chunk in enumerate(gold) if chunk == i) for i in ids]
    s = m.retrieval_scores(matches, len(gold), [False] * len(ids))
    return s.recall_at_1, s.recall_at_5, s.mrr


def mean_scores(values: list[tuple[float, float, float]]) -> dict[str, float]:
    a = np.array(values)
    return {"R@1": round(float(a[:, 0].mean()), 4), "R@5": round(float(a[:, 1].mean()), 4),
            "MRR": round(float(a[:, 2].mean()), 4)}  # fmt: skip


def stack(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and question of every candidate of ``rows``."""
    x = np.array([f for r in rows for f in r["features"]], dtype=float).reshape(-1, len(FEATURES))
    y = np.array([c in r["gold"] for r in rows for c in r["candidates"]], dtype=bool)
    q = np.array([r["id"] for r in rows for _ in r["candidates"]])
    return x, y, q


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default=str(ROOT / "eval" / "gold" / "dev.jsonl"))
    parser.add_argument("--rows", default=None, help="candidate cache (JSON)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    from sklearn.model_selection import GroupKFold

    items = load_gold(Path(args.set))
    rows = cached_rows(args.rows, lambda: collect(items))
    documents = sorted({r["document"] for r in rows})
    n_splits = min(args.folds, len(documents))
    learned: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)] * len(rows)
    groups = np.array([r["document"] for r in rows])
    for train, test in GroupKFold(n_splits=n_splits).split(rows, groups=groups):
        model = fit(*stack([rows[i] for i in train]), c=args.c)
        for i in test:
            r = rows[i]
            learned[i] = retrieval(r, ranked(r["candidates"], model.score(matrix(r))))
    table = {
        "bm25": mean_scores([retrieval(r, r["bm25"]) for r in rows]),
        "dense": mean_scores([retrieval(r, r["dense"]) for r in rows]),
        "rrf_hybrid": mean_scores(
            [retrieval(r, ranked(r["candidates"], rrf_scores(matrix(r)))) for r in rows]
        ),
        "learned_fusion_cv": mean_scores(learned),
    }
    print(f"{len(rows)} questions with gold clauses, {len(documents)} documents, "
          f"GroupKFold({n_splits}) by document")  # fmt: skip
    print(f"{'system':>18}   R@1    R@5    MRR")
    for name, s in table.items():
        print(f"{name:>18} {s['R@1']:.3f}  {s['R@5']:.3f}  {s['MRR']:.3f}")
    x, y, q = stack(rows)
    model = fit(x, y, q, c=args.c)
    for feature, weight in zip(model.features, model.weights, strict=True):
        print(f"  {feature:>22} {weight:+.4f}")
    print(f"  {'intercept':>22} {model.intercept:+.4f}")
    if args.write:
        from assistant.settings import Settings

        scores = {
            "fitted_on": Path(args.set).resolve().relative_to(ROOT).as_posix(),
            "training_data": f"{len(rows)} questions with gold clauses, {len(y)} candidates "
            f"({int(y.sum())} gold) from the hybrid searcher over corpus/ with "
            f"{Settings().embedding_model}; candidate = dense top 50 ∪ BM25 top 50 ∪ body and "
            "phrase matches, positive = a gold clause",
            "model": f"pairwise logistic regression (gold minus other candidate, same question), "
            f"weights ≥ 0, L2 with C={args.c} on standardised differences; then a "
            "one-variable logistic regression of the labels on that score (P(relevant)); "
            "weights here are for the raw features",
            "folds": f"GroupKFold({n_splits}) by document (the first document a question's gold cites)",
            "code": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
            ).stdout.strip(),
            "cv_retrieval_top10": table,
            "cv_note": "learned_fusion_cv: each question ranked by the model fitted without its "
            "document; bm25, dense and rrf_hybrid have nothing to fit and are scored on every "
            "question; mean over questions of R@1, R@5 (share of gold clauses in the top k) and "
            "MRR in the top 10, as assistant eval",
            "command": "python eval/fit_fusion.py --write"
            + (f" --c {args.c}" if args.c != 1.0 else ""),
        }
        model = type(model)(model.weights, model.intercept, model.features, scores)
        MODEL_PATH.write_text(
            json.dumps(model.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
