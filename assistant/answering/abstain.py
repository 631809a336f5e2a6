"""Abstention as a calibrated decision: answer a part of a question, or say the documents
do not cover it.

A small logistic regression reads a few features of the evidence found for one part
(how much of the part's content words it covers, how close it is in the embedding
space, whether the body, place and document the part names are the evidence's, whether
what is asked — a number, a date, a name — is in the quote). It is fitted on the dev
gold set with cross-validation by question group (``eval/fit_abstention.py``), and its
weights, threshold and cross-validated scores live in ``abstention.json`` beside this
module: plain numbers, never a pickle. Scoring needs no scikit-learn.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answering.analyse import METADATA, Part
from assistant.documents.textnorm import folded_key
from assistant.search.bodies import body_key
from assistant.types import Document, issuer_locality

MODEL_PATH = Path(__file__).with_name("abstention.json")

FEATURES: tuple[str, ...] = (
    "coverage",  # share of the part's own content words found in the evidence's clauses
    "similarity",  # best cosine of the part and an evidence clause (0 for document facts)
    "body_named",  # the body the part names is named in the evidence (1 when none is named)
    "place_ok",  # the places named are the evidence documents' (0: a place no document is from)
    "document_ok",  # the documents named are held and are the evidence's
    "asked_present",  # a number for a figure, a date for a date, a name for a person
    "metadata",  # the part asks for a document's own facts (signer, date, …)
    "found",  # the composer found evidence it states as an answer (0: only "có thể liên quan")
    "facts",  # how many quotes the evidence has, log-scaled
)

_DATE = re.compile(r"\b\d{1,2}/\d{1,2}\b|\bngay \d|\b(?:19|20)\d\d\b|\bthang \d")
_PERIODIC = re.compile(r"\b(?:hang nam|hang quy|dinh ky|moi nam|thuong xuyen|kip thoi|truoc)\b")
_NAME = re.compile(r"\b[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){2,}")


@dataclass(frozen=True)
class Evidence:
    """What one part of the answer rests on: the quotes and the clauses they come from."""

    quotes: tuple[str, ...]
    clauses: tuple[str, ...]  # each quoted clause's text with its headings
    documents: tuple[Document, ...]
    found: bool  # stated as the answer (False: offered only as "có thể liên quan")
    chunk_ids: tuple[str, ...] = ()
    similarity: float = 0.0  # best cosine of the part and a quoted clause


def part_features(part: Part, evidence: Evidence, terms: Sequence[str]) -> dict[str, float]:
    """The features of one part's evidence, by name (see ``FEATURES``)."""
    quotes = " ".join(evidence.quotes)
    context = folded_key(" ".join((*evidence.clauses, quotes)))
    words = set(re.findall(r"\w+", context))
    distinct = set(terms)
    coverage = sum(1 for t in distinct if t in words) / len(distinct) if distinct else 1.0
    c = part.constraints
    keyed = body_key(" ".join((*evidence.clauses, quotes)))
    body_named = 1.0 if not c.bodies else float(any(_body_in(body, keyed) for body in c.bodies))
    held_places = {
        folded_key(p)
        for d in evidence.documents
        for p in (d.place, issuer_locality(d.issuer), issuer_locality(d.title))
        if p
    }
    place_ok = float(
        not c.other_places
        and all(p in held_places or re.search(rf"\b{re.escape(p)}\b", context) for p in c.places)
    )
    doc_ids = {d.doc_id for d in evidence.documents}
    document_ok = float(
        not (c.unknown_documents and not c.documents)
        and (not c.documents or bool(doc_ids & c.documents) or not doc_ids)
    )
    return {
        "coverage": coverage,
        "similarity": evidence.similarity,
        "body_named": body_named,
        "place_ok": place_ok,
        "document_ok": document_ok,
        "asked_present": _asked_present(part, quotes),
        "metadata": float(part.asked in METADATA or part.asked == "document_list"),
        "found": float(evidence.found),
        "facts": math.log1p(len(evidence.quotes)),
    }


def _body_in(body: str, keyed: str) -> bool:
    """The body's first words (three at most: "so y te", "ban dan van") are in the text."""
    words = body.split()
    head = " ".join(words[: min(3, len(words))])
    return re.search(rf"\b{re.escape(head)}\b", keyed) is not None


def _asked_present(part: Part, quotes: str) -> float:
    folded = folded_key(quotes)
    if part.asked == "figure":
        return float(bool(re.search(r"\d", quotes)))
    if part.asked in ("date", "when"):
        return float(bool(_DATE.search(folded)))
    if part.asked == "deadline":
        return float(bool(_DATE.search(folded) or _PERIODIC.search(folded)))
    if part.asked in ("person", "signer"):
        return float(bool(_NAME.search(quotes)))
    return 1.0


@dataclass(frozen=True)
class Logistic:
    """Logistic regression weights over ``features`` and the threshold that decides."""

    weights: tuple[float, ...]
    intercept: float
    threshold: float
    features: tuple[str, ...] = FEATURES

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.intercept + sum(
            w * values[f] for w, f in zip(self.weights, self.features, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))

    def as_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6),
            "threshold": round(self.threshold, 6),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Logistic:
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            features=tuple(data["features"]),
        )


@dataclass(frozen=True)
class AbstentionModel:
    """Two decisions, each a logistic regression: ``keep`` reads the evidence the evidence
    step stated as an answer (keep it, or abstain); ``rescue`` reads the nearest clause
    it only offered (state it as the answer, or abstain). A decision without a model
    keeps what the evidence step did (too few examples to fit one)."""

    keep: Logistic | None = None
    rescue: Logistic | None = None
    scores: Mapping[str, Any] = field(default_factory=dict)

    def decide(self, values: Mapping[str, float]) -> tuple[float, bool]:
        """P(the evidence answers the part) and whether to answer with it."""
        model = self.keep if values["found"] else self.rescue
        if model is None:
            return float(values["found"]), bool(values["found"])
        probability = model.probability(values)
        return probability, probability >= model.threshold

    def as_json(self) -> dict[str, Any]:
        return {
            "keep": self.keep.as_json() if self.keep else None,
            "rescue": self.rescue.as_json() if self.rescue else None,
            "scores": dict(self.scores),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AbstentionModel:
        return cls(
            keep=Logistic.from_json(data["keep"]) if data.get("keep") else None,
            rescue=Logistic.from_json(data["rescue"]) if data.get("rescue") else None,
            scores=data.get("scores", {}),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AbstentionModel | None:
        """The fitted model, or None when none was fitted (every part is then answered
        as the evidence step decided)."""
        if not path.is_file():
            return None
        model = cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        used = {f for m in (model.keep, model.rescue) if m for f in m.features}
        if used - set(FEATURES):
            return None  # fitted on features this version no longer computes
        return model


def fit_logistic(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    groups: Sequence[str],
    *,
    features: Sequence[str] = FEATURES,
    folds: int = 5,
    beta: float = 1.0,
) -> tuple[Logistic, list[float]]:
    """Fit one decision; the threshold maximises the F-beta of abstaining on out-of-fold
    probabilities (folds by group). Returns the model and the out-of-fold probabilities."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    x = np.array([[row[f] for f in features] for row in rows], dtype=float)
    y = np.array(labels, dtype=int)
    g = np.array(groups)
    out_of_fold = np.full(len(y), float(y.mean()))
    n_splits = min(folds, len(set(groups)))
    for train, test in GroupKFold(n_splits=n_splits).split(x, y, g):
        if len(set(y[train])) < 2:
            continue
        model = LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced")
        model.fit(x[train], y[train])
        out_of_fold[test] = model.predict_proba(x[test])[:, 1]
    best = (-1.0, 0.5)
    for threshold in np.linspace(0.05, 0.95, 91):
        f = abstention_scores(out_of_fold, y, float(threshold), beta)[2]
        if f > best[0] + 1e-9:
            best = (f, float(threshold))
    final = LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced").fit(x, y)
    model = Logistic(
        weights=tuple(float(w) for w in final.coef_[0]),
        intercept=float(final.intercept_[0]),
        threshold=best[1],
        features=tuple(features),
    )
    return model, [float(p) for p in out_of_fold]


def abstention_scores(
    probabilities: Iterable[float], answerable: Iterable[int], threshold: float, beta: float = 1.0
) -> tuple[float, float, float]:
    """Precision, recall and F-beta of abstaining (the positive class is "not answerable")."""
    tp = fp = fn = 0
    for p, y in zip(probabilities, answerable, strict=True):
        abstain = p < threshold
        if abstain and not y:
            tp += 1
        elif abstain and y:
            fp += 1
        elif not abstain and not y:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    b2 = beta * beta
    f = (1 + b2) * precision * recall / (b2 * precision + recall) if precision + recall else 0.0
    return precision, recall, f
