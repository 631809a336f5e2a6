"""Fit the abstention model on a gold set, with cross-validation by question group.

Usage: .venv/bin/python eval/fit_abstention.py [--set eval/gold/dev.jsonl] [--rows rows.json] [--write]

Runs the answering pipeline without an abstention model over every question and takes
the features of each part's evidence, labelled with its question's answerability. Two
logistic regressions are fitted (folds by the item's ``group``, else by the first document
it cites): ``keep`` on the parts whose evidence the evidence step stated as an answer,
``rescue`` on the parts where it only offered the nearest clauses. Out-of-fold decisions
are combined per question (a question is answered when one of its parts is) and scored
like ``assistant eval`` scores abstention. ``--write`` saves both models and the scores to
assistant/answering/abstention.json (JSON, never a pickle). ``--rows`` caches the features
(the pipeline run takes a minute or more) and reuses them when the file exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.abstain import (  # noqa: E402
    FEATURES,
    MODEL_PATH,
    AbstentionModel,
    Logistic,
    abstention_scores,
    fit_logistic,
)
from assistant.evaluation.cache import cached_rows  # noqa: E402
from assistant.evaluation.gold import GoldItem, load_gold  # noqa: E402

KEEP_FEATURES = tuple(f for f in FEATURES if f != "found")
MIN_CLASS = 10  # fewer examples of one class than this: no model for that decision
RESCUE_FEATURES = tuple(f for f in FEATURES if f not in ("found", "metadata", "facts"))


def group_of(item: GoldItem) -> str:
    if item.group:
        return item.group
    for ref in item.gold:
        return ref.doc_number or ref.source or item.id
    for ev in item.evidence:
        return ev.source
    return item.id


def collect(items: list[GoldItem]) -> list[dict[str, Any]]:
    from assistant.answering.compose import Composer
    from assistant.answering.engine import open_engine
    from assistant.settings import Settings

    engine = open_engine(Settings())
    composer = Composer(
        engine.searcher, engine.composer.responsibilities, None, collect_features=True
    )
    rows = []
    for item in items:
        _, decisions = composer.compose_parts(item.question, item.question)
        for n, decision in enumerate(decisions):
            rows.append(
                {
                    "id": item.id,
                    "part": n,
                    "asked": decision.part.asked,
                    "answerable": item.answerable,
                    "group": group_of(item),
                    "features": decision.features,
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default=str(ROOT / "eval" / "gold" / "dev.jsonl"))
    parser.add_argument("--rows", default=None, help="feature cache (JSON)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    items = load_gold(Path(args.set))
    rows = cached_rows(args.rows, lambda: collect(items))

    answered: dict[str, list[bool]] = defaultdict(list)
    baseline: dict[str, list[bool]] = defaultdict(list)
    models: dict[str, Logistic | None] = {}
    # A part a rule refused before any model reads it (a place or a figure the evidence
    # lacks, a body the documents do not name) has no features: it stays refused.
    for row in rows:
        if not row["features"]:
            answered[row["id"]].append(False)
            baseline[row["id"]].append(False)
    rows = [r for r in rows if r["features"]]
    for name, found, features in (
        ("keep", 1.0, KEEP_FEATURES),
        ("rescue", 0.0, RESCUE_FEATURES),
    ):
        subset = [r for r in rows if r["features"]["found"] == found]
        minority = min(
            sum(r["answerable"] for r in subset), sum(not r["answerable"] for r in subset)
        )
        if minority < MIN_CLASS:
            models[name] = None
            for row in subset:
                answered[row["id"]].append(bool(found))
                baseline[row["id"]].append(bool(found))
            print(
                f"{name}: {len(subset)} parts, {minority} of one class: no model, the evidence step decides"
            )
            continue
        model, out_of_fold = fit_logistic(
            [r["features"] for r in subset],
            [r["answerable"] for r in subset],
            [r["group"] for r in subset],
            features=features,
            folds=args.folds,
        )
        models[name] = model
        for row, p in zip(subset, out_of_fold, strict=True):
            answered[row["id"]].append(p >= model.threshold)
            baseline[row["id"]].append(bool(found))
        p, r, f = abstention_scores(
            out_of_fold, [int(r["answerable"]) for r in subset], model.threshold
        )
        print(f"{name}: {len(subset)} parts, threshold {model.threshold:.2f}, "
              f"out-of-fold abstention P/R/F1 {p:.3f}/{r:.3f}/{f:.3f}")  # fmt: skip
        for feature, weight in zip(features, model.weights, strict=True):
            print(f"  {feature:>14} {weight:+.3f}")

    label = {item.id: item.answerable for item in items}

    def question_scores(decided: dict[str, list[bool]]) -> tuple[float, float, float]:
        ids = sorted(decided)
        return abstention_scores(
            [1.0 if any(decided[i]) else 0.0 for i in ids], [int(label[i]) for i in ids], 0.5
        )

    before = question_scores(baseline)
    after = question_scores(answered)
    print(f"questions: abstention P/R/F1 without the model {before[0]:.3f}/{before[1]:.3f}/{before[2]:.3f}; "
          f"with it (out of fold) {after[0]:.3f}/{after[1]:.3f}/{after[2]:.3f}")  # fmt: skip
    scores = {
        "fitted_on": Path(args.set).resolve().relative_to(ROOT).as_posix(),
        "parts": len(rows),
        "questions": len(label),
        "groups": len({r["group"] for r in rows}),
        "folds": f"GroupKFold({args.folds}) by question group (gold 'group', else first cited document)",
        "cv_question_abstention": {
            "precision": round(after[0], 4),
            "recall": round(after[1], 4),
            "f1": round(after[2], 4),
        },
        "without_model_abstention": {
            "precision": round(before[0], 4),
            "recall": round(before[1], 4),
            "f1": round(before[2], 4),
        },
        "threshold_chosen_for": "F1 of abstaining, on out-of-fold probabilities",
    }
    model = AbstentionModel(models["keep"], models["rescue"], scores)
    changed = sorted(i for i in label if any(answered[i]) != any(baseline[i]))
    print("decided differently from the evidence step (out of fold):")
    for i in changed:
        print(f"  {i} answerable={label[i]} -> {'answer' if any(answered[i]) else 'abstain'}")
    if args.write:
        MODEL_PATH.write_text(
            json.dumps(model.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
