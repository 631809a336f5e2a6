"""The learned fusion: fitted weights load, scores rise with every positively weighted
feature, ties keep the candidates' order, and features are what both sides found."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.engine import Engine
from assistant.search.fusion import FEATURES, MODEL_PATH, FusionModel, candidate_features, fit


def test_the_shipped_weights_load_with_their_scores() -> None:
    model = FusionModel.load()
    assert set(model.features) <= set(FEATURES)
    assert len(model.weights) == len(model.features)
    assert all(np.isfinite(model.weights)) and np.isfinite(model.intercept)
    cv = model.scores["cv_retrieval_top10"]
    assert {"bm25", "dense", "rrf_hybrid", "learned_fusion_cv"} <= set(cv)
    assert "eval/fit_fusion.py" in model.scores["command"]
    assert MODEL_PATH.name == "fusion.json"


def test_score_rises_with_each_positively_weighted_feature() -> None:
    model = FusionModel.load()
    rows = np.random.default_rng(0).uniform(0, 1, size=(50, len(FEATURES)))
    rows[:, FEATURES.index("dense_gap")] *= -0.1
    base = model.score(rows)
    for feature, weight in zip(model.features, model.weights, strict=True):
        raised = rows.copy()
        raised[:, FEATURES.index(feature)] += 0.05
        after = model.score(raised)
        if weight > 0:
            assert (after > base).all(), feature
        elif weight < 0:
            assert (after < base).all(), feature


def test_ties_keep_the_order_of_first_contribution() -> None:
    model = FusionModel((1.0,) * len(FEATURES), 0.0)
    row = np.array([-0.01, 0.5, 0.8, 0.5, 0.0, 0.0, 1.0, 0.4])
    x = np.array([row * 0.5, row, row, row * 0.5, row])
    scores, order = model.rank(x)
    assert order.tolist() == [1, 2, 4, 0, 3]
    assert scores[1] == scores[2] == scores[4]
    assert model.rank(x)[1].tolist() == order.tolist()


def test_candidate_features_of_both_sides_and_the_question() -> None:
    named = np.zeros(10, dtype=bool)
    named[[5, 7]] = True
    order, x = candidate_features(
        10,
        {3: (1, 0.9), 5: (2, 0.8)},
        {5: (1, 12.0), 3: (2, 6.0), 8: (3, 3.0)},
        (np.array([1, 8]), np.array([0.5, 1.0])),
        np.array([2]),
        named,
    )
    assert order.tolist() == [3, 5, 8, 1, 2]  # dense, BM25, body, phrase; 7 is no candidate
    col = {f: x[:, FEATURES.index(f)] for f in FEATURES}
    assert col["dense_gap"].tolist() == pytest.approx([0.0, -0.1, -0.1, -0.1, -0.1])
    assert col["dense_reciprocal_rank"].tolist() == [1.0, 0.5, 0.0, 0.0, 0.0]
    assert col["bm25_share"].tolist() == [0.5, 1.0, 0.25, 0.0, 0.0]
    assert col["bm25_reciprocal_rank"].tolist() == pytest.approx([0.5, 1.0, 1 / 3, 0.0, 0.0])
    assert col["body_match"].tolist() == [0.0, 0.0, 1.0, 0.5, 0.0]
    assert col["phrase_match"].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert col["document_named"].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert col["pair_coverage"].tolist() == [0.0] * 5  # the searcher fills it (coverage.py)


def test_fit_is_deterministic_non_negative_and_ranks_the_gold_first() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(400, len(FEATURES)))
    x[:, 0] *= -0.05  # dense_gap is ≤ 0
    questions = np.repeat([f"q{i}" for i in range(40)], 10)
    signal = x[:, 0] * 20 + x[:, 2] - 0.2 * x[:, 5] + rng.normal(scale=0.05, size=400)
    labels = np.zeros(400, dtype=bool)
    for start in range(0, 400, 10):
        labels[start + int(np.argmax(signal[start : start + 10]))] = True
    a, b = fit(x, labels, questions), fit(x, labels, questions)
    assert a == b
    assert min(a.weights) >= 0.0  # phrase_match pulls the wrong way: held at 0, not negative
    assert a.weights[0] > 5 and a.weights[2] > 0.1  # the scaling is folded back
    top = [int(np.argmax(a.score(x[s : s + 10]))) + s for s in range(0, 400, 10)]
    assert labels[top].mean() > 0.7


def test_searcher_scores_are_fused_probabilities_best_first(engine: Engine) -> None:
    hits = engine.searcher.search("Sở Tài chính có nhiệm vụ gì?", k=8)
    assert hits
    scores = [h.score for h in hits]
    assert all(0.0 < s < 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert any(h.dense_rank for h in hits) and any(h.lexical_rank for h in hits)


def test_pair_coverage_weighs_the_question_pairs_found_in_heading_and_text(
    engine: Engine,
) -> None:
    found = engine.searcher.find_candidates("Sở Tài chính có nhiệm vụ gì?")
    coverage = found.features[:, FEATURES.index("pair_coverage")]
    assert coverage.max() > 0 and ((coverage >= 0) & (coverage <= 1)).all()
