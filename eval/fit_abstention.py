"""Fit the abstention model on a gold set, with cross-validation by question group.

Usage: .venv/bin/python eval/fit_abstention.py [--set eval/gold/dev.jsonl] [--folds 5] [--write]

Runs the answering pipeline without an abstention model over every question, takes the
features of each part's evidence, labels every part with its question's answerability,
fits a logistic regression (folds by the item's ``group``, else by the first document it
cites, else by its id) and prints the cross-validated scores. ``--write`` saves weights,
threshold and scores to assistant/answering/abstention.json (JSON, never a pickle).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.abstain import FEATURES, MODEL_PATH, fit  # noqa: E402
from assistant.answering.compose import Composer  # noqa: E402
from assistant.answering.engine import open_engine  # noqa: E402
from assistant.evaluation.gold import GoldItem, load_gold  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def group_of(item: GoldItem) -> str:
    if item.group:
        return item.group
    for ref in item.gold:
        return ref.doc_number or ref.source or item.id
    for ev in item.evidence:
        return ev.source
    return item.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default=str(ROOT / "eval" / "gold" / "dev.jsonl"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--beta", type=float, default=0.5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    items = load_gold(Path(args.set))
    engine = open_engine(Settings())
    composer = Composer(engine.searcher, engine.composer.responsibilities, None)
    rows, labels, groups, ids = [], [], [], []
    for item in items:
        _, decisions = composer.compose_parts(item.question, item.question)
        for decision in decisions:
            rows.append(decision.features)
            labels.append(item.answerable)
            groups.append(group_of(item))
            ids.append(item.id)
    model = fit(rows, labels, groups, folds=args.folds, beta=args.beta)
    scores = dict(model.scores) | {"fitted_on": Path(args.set).relative_to(ROOT).as_posix()}
    model = type(model)(model.weights, model.intercept, model.threshold, FEATURES, scores)
    print(json.dumps(model.as_json(), ensure_ascii=False, indent=2))
    for name, weight in zip(FEATURES, model.weights, strict=True):
        print(f"{name:>14} {weight:+.3f}")
    if args.write:
        MODEL_PATH.write_text(
            json.dumps(model.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}")
    wrong = [
        (i, p)
        for i, row, y in zip(ids, rows, labels, strict=True)
        if ((p := model.probability(row)) >= model.threshold and not y)
        or (p < model.threshold and y)
    ]
    print(f"{len(wrong)} parts decided against their label (in-sample):")
    for item_id, p in wrong:
        print(f"  {item_id} p={p:.2f}")


if __name__ == "__main__":
    main()
