"""The abstention model: features of a part's evidence, the fitted JSON, and its decisions."""

from __future__ import annotations

import json
import random

from assistant.answering.abstain import (
    FEATURES,
    MODEL_PATH,
    AbstentionModel,
    Evidence,
    Logistic,
    abstention_scores,
    fit_logistic,
    part_features,
)
from assistant.answering.analyse import Constraints, Part
from assistant.answering.answer_builder import AnswerBuilder
from assistant.types import Document, Statement


def _document(**fields: object) -> Document:
    values: dict[str, object] = {
        "doc_id": "d",
        "source": "d.txt",
        "text": "",
        "doc_number": "17-KH/TU",
        "doc_type": "Kế hoạch",
        "issuer": "Ban Thường vụ Thành ủy Từ Sơn",
        "date": None,
        "place": "Từ Sơn",
        "title": None,
    }
    values.update(fields)
    return Document(**values)  # type: ignore[arg-type]


def test_features_read_the_constraints() -> None:
    tu_son = _document()
    evidence = Evidence(
        quotes=("Phấn đấu, mỗi năm tiếp nhận được từ 800 - 1.400 đơn vị máu an toàn",),
        clauses=("4. Hằng năm … tiếp nhận được từ 800 - 1.400 đơn vị máu an toàn",),
        documents=(tu_son,),
        found=True,
    )
    asked = Part("… bao nhiêu đơn vị máu?", "figure", Constraints(places=("tu son",)))
    values = part_features(asked, evidence, ["don", "vi", "mau"])
    assert set(values) == set(FEATURES)
    assert values["coverage"] == 1.0 and values["asked_present"] == 1.0
    assert values["place_ok"] == 1.0 and values["body_named"] == 1.0
    elsewhere = Part("…", "figure", Constraints(other_places=("da nang",)))
    assert part_features(elsewhere, evidence, [])["place_ok"] == 0.0
    body = Part("…", "duty", Constraints(bodies=("so y te",)))
    assert part_features(body, evidence, [])["body_named"] == 0.0
    date = Part("…", "when", Constraints())
    assert part_features(date, evidence, [])["asked_present"] == 0.0


def test_model_round_trips_through_json() -> None:
    keep = Logistic(tuple(0.1 for _ in FEATURES), -0.5, 0.4)
    model = AbstentionModel(keep=keep, rescue=None, scores={"cv": 1})
    again = AbstentionModel.from_json(json.loads(json.dumps(model.as_json())))
    assert again.keep is not None
    assert again.keep.threshold == keep.threshold and again.keep.weights == keep.weights
    values = dict.fromkeys(FEATURES, 1.0)
    assert again.decide(values) == model.decide(values)
    # Without a rescue model, an abstention stays an abstention.
    assert model.decide(values | {"found": 0.0}) == (0.0, False)


def test_the_saved_model_loads() -> None:
    if MODEL_PATH.is_file():
        model = AbstentionModel.load()
        assert model is not None
        assert "cv_question_abstention" in model.scores


def test_fit_separates_a_separable_set() -> None:
    rng = random.Random(0)
    rows, labels, groups = [], [], []
    for i in range(80):
        answerable = i % 2 == 0
        row = dict.fromkeys(FEATURES, 0.5)
        row["coverage"] = (0.8 if answerable else 0.2) + rng.uniform(-0.1, 0.1)
        rows.append(row)
        labels.append(answerable)
        groups.append(f"g{i % 8}")
    model, out_of_fold = fit_logistic(rows, labels, groups, folds=4)
    precision, recall, f1 = abstention_scores(
        out_of_fold, [int(y) for y in labels], model.threshold
    )
    assert f1 == 1.0 and precision == 1.0 and recall == 1.0
    assert model.weights[FEATURES.index("coverage")] > 0


def test_demote_and_promote_keep_the_citations() -> None:
    b = AnswerBuilder("q", "q", "general")
    b.start_part()
    b.statements.append(Statement("Theo khoản 1: “x”", (1,)))
    b.demote(0, "Không có.")
    assert [s.kind for s in b.statements] == ["note", "note", "related"]
    assert b.statements[2].text == "- khoản 1: “x”" and b.statements[2].citations == (1,)
    assert b.abstained
    assert b.promote(0)
    assert [s.kind for s in b.statements] == ["fact"]
    assert b.statements[0].text == "Theo khoản 1: “x”" and not b.abstained
