"""Learned fusion: one logistic score per candidate clause from what both sides found.

A candidate is a clause that dense search or BM25 put in its top N, or that the question's
body or phrase picks out. Its features (``FEATURES``) are normalised per question, so that
weights fitted on one corpus carry to another: cosine as a gap to the question's best
cosine, BM25 as a share of the question's best BM25 score. The weights are fitted on the
dev gold set with cross-validation by document (``eval/fit_fusion.py``) and live in
``fusion.json`` beside this module: plain numbers, never a pickle. Scoring needs numpy only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).with_name("fusion.json")

FEATURES: tuple[str, ...] = (
    "dense_gap",  # cosine minus the question's best cosine (≤ 0); unranked: the lowest seen
    "dense_reciprocal_rank",  # 1 / rank in the dense top N (0: not in it)
    "bm25_share",  # BM25 score / the question's best BM25 score (0: not in the top N)
    "bm25_reciprocal_rank",  # 1 / rank in the BM25 top N (0: not in it)
    "body_match",  # how strongly the clause is headed by, or names, the body asked about
    "phrase_match",  # a short keyword question found verbatim in the clause
    "document_named",  # the clause's document is named in the question (number, place)
    "pair_coverage",  # idf-weighted share of the question's syllable pairs in heading + text
)


def candidate_features(
    n: int,
    dense: Mapping[int, tuple[int, float]],
    lexical: Mapping[int, tuple[int, float]],
    body: tuple[np.ndarray, np.ndarray],
    phrase: np.ndarray,
    named: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidates of one question among ``n`` clauses, in order of first contribution
    (dense rank, BM25 rank, body, phrase), and their feature matrix (columns: ``FEATURES``).

    ``dense`` and ``lexical`` map a clause position to its (rank, score); ``body`` holds
    positions and match strengths; ``phrase`` the positions holding the phrase; ``named``
    whether each of the ``n`` clauses belongs to a document the question names.
    ``pair_coverage`` needs the candidates' texts: the caller fills it (``coverage.py``)."""
    first = np.full(n, -1, dtype=np.int64)
    step = 0
    for positions in (
        np.fromiter(dense, dtype=np.int64, count=len(dense)),
        np.fromiter(lexical, dtype=np.int64, count=len(lexical)),
        body[0],
        phrase,
    ):
        fresh = positions[first[positions] < 0]  # each array holds a position once
        first[fresh] = np.arange(step, step + len(fresh))
        step += len(fresh)
    order = np.flatnonzero(first >= 0)
    order = order[np.argsort(first[order], kind="stable")]
    slot = np.full(n, -1, dtype=np.int64)
    slot[order] = np.arange(len(order))
    x = np.zeros((len(order), len(FEATURES)))
    if dense:
        sims = np.array([s for _, s in dense.values()])
        x[:, 0] = sims.min() - sims.max()
        for i, (rank, sim) in dense.items():
            x[slot[i], 0] = sim - sims.max()
            x[slot[i], 1] = 1.0 / rank
    if lexical:
        top = max(s for _, s in lexical.values()) or 1.0
        for i, (rank, score) in lexical.items():
            x[slot[i], 2] = score / top
            x[slot[i], 3] = 1.0 / rank
    x[slot[body[0]], 4] = body[1]
    x[slot[phrase], 5] = 1.0
    x[:, 6] = named[order]
    return order, x


@dataclass(frozen=True)
class FusionModel:
    """A logistic regression over ``FEATURES`` (weights of the raw features)."""

    weights: tuple[float, ...]
    intercept: float
    features: tuple[str, ...] = FEATURES
    scores: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.features):
            raise ValueError(
                f"weights must match features. Currently, {len(self.weights)} weights "
                f"for {len(self.features)} features."
            )

    def score(self, x: np.ndarray) -> np.ndarray:
        """P(relevant) of each row of a feature matrix whose columns are ``FEATURES``."""
        columns = [FEATURES.index(f) for f in self.features]
        z = self.intercept + x[:, columns] @ np.asarray(self.weights)
        return 1.0 / (1.0 + np.exp(-z))

    def rank(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores and row order, best first; ties keep the rows' order (first contribution)."""
        scores = self.score(x)
        return scores, np.lexsort((np.arange(len(scores)), -scores))

    def as_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6),
            "scores": dict(self.scores),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FusionModel:
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            intercept=float(data["intercept"]),
            features=tuple(data["features"]),
            scores=data.get("scores", {}),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> FusionModel:
        model = cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        unknown = set(model.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"{path.name}: features this version does not compute: {unknown}")
        return model


def fit(
    x: np.ndarray,
    labels: Sequence[bool],
    questions: Sequence[str],
    *,
    features: Sequence[str] = FEATURES,
    c: float = 1.0,
) -> FusionModel:
    """Fit the ranking, then its scale.

    Ranking: a logistic regression on pairs, each the difference of a gold candidate's and
    another candidate's features within one question (what matters is which clause comes
    first, not how many candidates a question has), with weights ≥ 0, so that more of any
    signal never lowers a clause, and an L2 penalty (1 / ``c``) on standardised features.
    Scale: a one-variable logistic regression of the labels on that ranking score, so that
    ``score`` is P(relevant) and ordered as the ranking. Deterministic (L-BFGS-B from zero)."""
    from scipy.optimize import minimize
    from sklearn.linear_model import LogisticRegression

    columns = [FEATURES.index(f) for f in features]
    x = x[:, columns]
    y = np.asarray(labels, dtype=bool)
    q = np.asarray(questions)
    pairs = []
    for question in dict.fromkeys(q.tolist()):
        rows = q == question
        gold, other = x[rows & y], x[rows & ~y]
        pairs.append((gold[:, None, :] - other[None, :, :]).reshape(-1, x.shape[1]))
    d = np.vstack(pairs)
    std = d.std(axis=0)
    std[std == 0] = 1.0
    z = d / std

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = z @ w
        value = c * np.logaddexp(0.0, -margin).sum() + 0.5 * w @ w
        grad = -c * (z * (1.0 / (1.0 + np.exp(margin)))[:, None]).sum(axis=0) + w
        return float(value), grad

    found = minimize(
        loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * len(std)
    )
    direction = found.x / std
    ranking = (x @ direction)[:, None]
    scale = LogisticRegression(C=1e6, max_iter=1000).fit(ranking, y.astype(int))
    a = max(float(scale.coef_[0][0]), 1e-6)  # ordered as the ranking
    return FusionModel(
        tuple(float(w) for w in a * direction), float(scale.intercept_[0]), tuple(features)
    )
