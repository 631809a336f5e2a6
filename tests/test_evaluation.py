"""Evaluation: metric functions on hand-made cases, predictions scoring, a whole run offline,
and the quality gate on the real model (how CI runs the gate)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.documents.corpus import Corpus
from assistant.evaluation import metrics as m
from assistant.evaluation.gold import load_gold
from assistant.evaluation.runner import (
    DEFAULT_THRESHOLDS,
    Prediction,
    evaluate,
    evaluate_predictions,
    gate,
    load_thresholds,
    write_report,
)
from assistant.settings import Settings
from tests.conftest import ROOT

DEV_PATH = ROOT / "eval" / "gold" / "dev.jsonl"


# --- retrieval ------------------------------------------------------------------------


def test_retrieval_scores_on_a_hand_ranked_list() -> None:
    # Two gold clauses: clause 0 found at rank 2, clause 1 at rank 4.
    matches = [frozenset(), frozenset({0}), frozenset(), frozenset({1}), frozenset()]
    scores = m.retrieval_scores(matches, 2, [False, True, True, True, False])
    assert scores.recall_at_1 == 0
    assert scores.recall_at_3 == 0.5
    assert scores.recall_at_5 == 1
    assert scores.mrr == 0.5
    ideal = 1 + 1 / m.math.log2(3)
    assert scores.ndcg_at_5 == pytest.approx((1 / m.math.log2(3) + 1 / m.math.log2(5)) / ideal)
    assert scores.document_at_3 == 1


def test_a_clause_found_twice_is_credited_once() -> None:
    scores = m.retrieval_scores([frozenset({0}), frozenset({0})], 1, [True, True])
    assert scores.ndcg_at_5 == 1
    assert scores.recall_at_1 == 1


def test_nothing_found_scores_zero() -> None:
    scores = m.retrieval_scores([frozenset()] * 5, 3, [False] * 5)
    assert (scores.recall_at_5, scores.mrr, scores.ndcg_at_5, scores.document_at_3) == (0, 0, 0, 0)
    with pytest.raises(ValueError, match="n_gold must be greater than 0"):
        m.retrieval_scores([], 0, [])


def test_spans_overlap_is_half_open() -> None:
    assert m.spans_overlap((0, 10), (9, 20))
    assert not m.spans_overlap((0, 10), (10, 20))


# --- citations ------------------------------------------------------------------------


def test_claim_is_the_quoted_text_or_the_statement_without_its_label() -> None:
    assert m.claim("- khoản 6 Mục III: “Chủ trì phối hợp” [1]") == "Chủ trì phối hợp"
    assert (
        m.claim("Kế hoạch số 164/KH-UBND do Lê Hồng Sơn ký. [1]", ["Kế hoạch số 164/KH-UBND"])
        == "do Lê Hồng Sơn ký."
    )


def test_support_ignores_whitespace_markup_tones_and_shortening() -> None:
    quote = "**Chủ trì** phối hợp với Hội Chữ thập đỏ\nThành phố trong công tác hoà giải"
    assert m.supports("chủ trì phối hợp với hội chữ thập đỏ thành phố", [quote])
    assert m.supports("Chủ trì phối hợp … công tác hòa giải", [quote])
    # Across two quotes: the union supports what neither does alone.
    assert m.supports(
        "Sở Y tế khám bệnh; Sở Tài chính bố trí kinh phí",
        ["Sở Y tế khám bệnh", "Sở Tài chính bố trí kinh phí"],
    )
    assert not m.supports("Sở Y tế bố trí kinh phí xây dựng bệnh viện", ["Sở Y tế khám bệnh"])
    assert not m.supports("bất kỳ điều gì", [])


def test_lexical_support_needs_most_content_words() -> None:
    # Reordered words: not a substring, but every content word is in the quote.
    assert m.supports("kinh phí bố trí Sở Tài chính", ["Sở Tài chính bố trí kinh phí"])
    # Function words do not count towards the share.
    assert not m.supports("và của các tuyên truyền hiến máu", ["và của các tuyên truyền"])


def test_citation_needed_in_the_sense_of_alce() -> None:
    claim = "Sở Y tế khám bệnh; Sở Tài chính bố trí kinh phí"
    both = m.judge_statement(claim, ["Sở Y tế khám bệnh", "Sở Tài chính bố trí kinh phí"])
    assert both.supported and both.needed == (True, True)
    extra = m.judge_statement("Sở Y tế khám bệnh", ["Sở Y tế khám bệnh", "Hội nghị tổng kết"])
    assert extra.supported and extra.needed == (True, False)
    twice = m.judge_statement("Sở Y tế khám bệnh", ["Sở Y tế khám bệnh", "Sở Y tế khám bệnh"])
    assert twice.needed == (True, True)  # each supports it alone
    unsupported = m.judge_statement("Sở Nội vụ kiểm tra", ["Sở Y tế khám bệnh"])
    assert not unsupported.supported and unsupported.needed == (False,)


# --- answers --------------------------------------------------------------------------


def test_fact_recall_normalises_case_spacing_tones_and_dates() -> None:
    answer = "Sở Y tế  chủ trì công tác HOÀ giải [1]\nban hành ngày 05 tháng 6 năm 2023"
    facts = ["hòa giải", "Sở Y tế chủ trì", "5/6/2023", "hiến máu"]
    assert m.fact_recall(facts, answer) == 0.75
    assert m.fact_recall([], answer) is None
    assert m.normalise("Số 17 -KH/TU") == "số 17-kh/tu"


def test_abstention_scores() -> None:
    abstained = [True, True, False, False, True]
    unanswerable = [True, False, True, False, True]
    scores = m.abstention_scores(abstained, unanswerable)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 / 3)
    assert m.abstention_scores([False], [True]).f1 == 0


def test_quote_verification_and_percentiles() -> None:
    assert m.quote_verified("Y tế", "Sở Y tế", 3, 7)
    assert not m.quote_verified("Y tế", "Sở Y tế", 2, 6)
    assert not m.quote_verified("Y tế", None, 3, 7)
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.percentile([5], 95) == 5
    assert m.percentile([], 50) is None


# --- predictions files ----------------------------------------------------------------


def _small_gold(tmp_path: Path, ids: set[str]) -> Path:
    lines = [
        line
        for line in DEV_PATH.read_text(encoding="utf-8").splitlines()
        if line.strip() and json.loads(line)["id"] in ids
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _prediction_lines(corpus: Corpus) -> list[dict[str, object]]:
    item = load_gold(DEV_PATH)[0]  # dev-001: Sở Y tế, khoản 6 Mục III of 164/KH-UBND
    evidence = item.evidence[0]
    text = next(p.document.text for p in corpus.documents if p.document.source == evidence.source)
    start = text.index(evidence.quote)
    good = {
        "doc_number": "164/KH-UBND",
        "clause": "khoản 6 Mục III",
        "label": "khoản 6 Mục III Kế hoạch số 164/KH-UBND",
        "quote": evidence.quote,
        "source": evidence.source,
        "start": start,
        "end": start + len(evidence.quote),
    }
    tampered = {**good, "quote": evidence.quote.replace("nhân đạo", "tự nguyện")}
    return [
        {
            "id": "dev-001",
            "question": item.question,
            "answer": f"- khoản 6 Mục III: “{evidence.quote}” [1]\nSở Y tế lo kinh phí. [2]",
            "abstained": False,
            "citations": [good, tampered],
            "timings_ms": {"total": 12.0},
        },
        {"id": "dev-999", "error": "Dòng 2: hỏng"},
    ]


def test_scoring_a_predictions_file(tmp_path: Path, corpus: Corpus) -> None:
    gold = _small_gold(tmp_path, {"dev-001", "dev-113"})
    assert [i.category for i in load_gold(gold)] == ["responsibility", "unanswerable"]
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in _prediction_lines(corpus)) + "\n",
        encoding="utf-8",
    )
    run = evaluate_predictions(Settings(), predictions, gold)
    summary = run.summary["predictions"]
    assert run.meta["matched"] == 1
    assert summary["quote_verification"] == 0.5  # the tampered quote fails
    assert summary["citation_recall"] == 0.5  # "lo kinh phí" is not in its quote
    assert summary["citation_precision"] == 0.5
    assert summary["fact_recall"] == 1.0
    assert summary["abstention_recall"] == 0.0  # the missing line did not abstain
    assert [f.item_id for f in run.failures] == ["dev-001"]

    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["eval", "--set", str(gold), "--predictions", str(predictions), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = (out / "eval.md").read_text(encoding="utf-8")
    assert "Answers and citations" in report and "Citation recall" in report
    assert (out / "eval.png").read_bytes().startswith(b"\x89PNG")


def test_prediction_without_statements_uses_answer_lines() -> None:
    prediction = Prediction.from_json(
        {"id": 1, "answer": "Một ý [1]\n\nHai ý [1][2]", "abstained": False, "citations": []}
    )
    assert [s.citations for s in prediction.statements] == [(1,), (1, 2)]
    assert prediction.latency_ms is None


# --- whole run and gate ---------------------------------------------------------------


def test_gate_lists_every_metric_below_its_minimum() -> None:
    summary = {"hybrid": {"recall_at_5": 0.7, "mrr": 0.9}, "full": {"quote_verification": 1.0}}
    thresholds = {
        "hybrid": {"recall_at_5": 0.8, "mrr": 0.9},
        "full": {"quote_verification": 1.0, "fact_recall": 0.5},
    }
    problems = gate(summary, thresholds)  # type: ignore[arg-type]
    assert len(problems) == 2
    assert problems[0].startswith("hybrid.recall_at_5: 0.700 < ngưỡng 0.800")
    assert problems[1].startswith("full.fact_recall")


def test_thresholds_file_is_well_formed() -> None:
    thresholds = load_thresholds(DEFAULT_THRESHOLDS)
    assert thresholds["full"]["quote_verification"] == 1.0
    assert {"bm25", "dense", "hybrid", "full"} <= set(thresholds)


def test_whole_run_on_the_hashing_embedder(tmp_path: Path) -> None:
    ids = {"dev-001", "dev-002", "dev-020", "dev-052", "dev-113", "dev-114"}
    gold = _small_gold(tmp_path, ids)
    run = evaluate(Settings(embedding_model="hashing"), gold, command="pytest")
    assert set(run.rows) == {"bm25", "dense", "hybrid", "full", "textbook"}
    assert all(len(rows) == len(ids) for rows in run.rows.values())
    summary = run.summary
    assert summary["full"]["quote_verification"] == 1.0
    assert summary["hybrid"]["recall_at_5"] is not None
    assert "citation_recall" not in summary["textbook"]
    paths = write_report(run, tmp_path / "out")
    assert [p.name for p in paths] == ["eval.md", "eval.json", "eval.png"]
    data = json.loads((tmp_path / "out" / "eval.json").read_text(encoding="utf-8"))
    assert data["model_id"].startswith("hashing")
    assert len(data["corpus_hash"]) == 16
    assert {row["system"] for row in data["items"]} == set(run.rows)
    assert all(row["id"] in ids for row in data["items"])


@pytest.mark.real_model
def test_gate_passes_on_the_real_model() -> None:
    """CI's quality gate: the dev set on the real model meets eval/thresholds.json."""
    run = evaluate(Settings(), DEV_PATH, command="pytest -m real_model", textbook=False)
    problems = gate(run.summary, load_thresholds(DEFAULT_THRESHOLDS))
    assert not problems, "\n".join(problems)
