"""Right document and right article (assistant.evaluation.articles), and where eval writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation.articles import (
    ArticleKey,
    CitedClause,
    article_hit,
    article_key,
    quote_hit,
    source_at_3,
)
from assistant.evaluation.gold import GoldItem
from assistant.evaluation.report import render_markdown
from assistant.evaluation.runner import DEFAULT_SET, for_corpus, load_thresholds, report_stem
from assistant.evaluation.scoring import EvalRun, ItemScores
from assistant.settings import Settings

LUAT = "01_luat.docx"
CODE = "08_phap-dien.md"


def _item(clause: str, doc_number: str = "24/2018/QH14", source: str = LUAT) -> GoldItem:
    return GoldItem.model_validate(
        {
            "id": "doc-001",
            "question": "?",
            "category": "figure",
            "answerable": True,
            "gold": [{"doc_number": doc_number, "source": source, "clause": clause}],
            "evidence": [{"source": source, "quote": "chậm nhất là 24 giờ"}],
            "facts": ["24 giờ"],
        }
    )


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("điểm b khoản 2 Điều 26", ArticleKey("Điều 26", "2")),
        ("khoản 2 Điều 26 Luật An ninh mạng số 24/2018/QH14", ArticleKey("Điều 26", "2")),
        ("Điều 37", ArticleKey("Điều 37", None)),
        ("gạch đầu dòng thứ nhất điểm b điểm 2.2 Mục I", ArticleKey("Mục I", "2")),
        ("điểm b tiểu mục 2.2 Mục I", ArticleKey("Mục I", "2")),
        ("gạch đầu dòng thứ tư điểm b khoản 2.2 Mục I", ArticleKey("Mục I", "2")),
        ("khoản 12 Điều 3", ArticleKey("Điều 3", "12")),
        ("khoản 6 Mục III Kế hoạch số 164/KH-UBND", ArticleKey("Mục III", "6")),
        # a codification's own numbering is not the source article
        ("khoản 2 Điều 36.4.NĐ.14", ArticleKey(None, "2")),
        ("đoạn 1 phần mở đầu", ArticleKey(None, None)),
    ],
)
def test_article_key(label: str, key: ArticleKey) -> None:
    assert article_key(label) == key


def test_article_hit_needs_the_gold_khoan_and_document() -> None:
    item = _item("điểm b khoản 2 Điều 26")

    def cite(label: str, number: str | None = "24/2018/QH14", source: str = LUAT) -> CitedClause:
        return CitedClause(source, number, (label,))

    assert article_hit(item, [cite("khoản 2 Điều 26")]) == 1.0
    assert article_hit(item, [cite("điểm a khoản 2 Điều 26")]) == 1.0  # same khoản
    assert article_hit(item, [cite("Điều 26")]) == 0.0  # the khoản is not named
    assert article_hit(item, [cite("khoản 3 Điều 26")]) == 0.0
    assert article_hit(item, [cite("khoản 2 Điều 26", "282/2025/NĐ-CP", "03.pdf")]) == 0.0
    assert article_hit(item, [cite("khoản 1 Điều 5"), cite("khoản 2 Điều 26")]) == 1.0
    assert article_hit(item, []) == 0.0
    whole = _item("Điều 37")
    assert article_hit(whole, [cite("khoản 4 Điều 37")]) == 1.0


def test_article_hit_in_a_codification() -> None:
    item = _item("điểm b khoản 2 Điều 14", "93/2019/NĐ-CP", CODE)
    by_source = CitedClause(CODE, None, ("khoản 2 Điều 14",))
    named = CitedClause(CODE, None, ("khoản 2 Điều 14 Nghị định số 93/2019/NĐ-CP",))
    other = CitedClause(CODE, None, ("khoản 2 Điều 14 Thông tư số 4/2020/TT-BNV",))
    assert article_hit(item, [by_source]) == 1.0
    assert article_hit(item, [named]) == 1.0
    assert article_hit(item, [other]) == 0.0


def test_items_without_an_article_are_left_out() -> None:
    assert article_hit(_item("đoạn kết"), [CitedClause(LUAT, None, ("đoạn kết",))]) is None
    assert quote_hit(_item("đoạn kết"), [(LUAT, "chậm nhất là 24 giờ")]) is None


def test_quote_hit_and_source_at_3() -> None:
    item = _item("điểm b khoản 2 Điều 26")
    window = "… xóa bỏ thông tin chậm nhất là 24 giờ kể từ …"
    assert quote_hit(item, [("x.md", "a"), (LUAT, window)]) == 1.0
    assert quote_hit(item, [("x", "a"), ("y", "b"), ("z", "c"), (LUAT, window)]) == 0.0
    assert quote_hit(item, [("x.md", window)]) == 0.0  # the quote, but in another file
    assert source_at_3(item, ["a", "b", LUAT]) == 1.0
    assert source_at_3(item, ["a", "b", "c", LUAT]) == 0.0


def test_eval_of_another_corpus_keeps_its_own_index(tmp_path: Path) -> None:
    base = Settings(index_dir=tmp_path / "index")
    settings = for_corpus(base, tmp_path / "dev")
    assert settings.corpus_dir == (tmp_path / "dev").resolve()
    assert settings.index_dir.parent == tmp_path / "index" / "corpora"
    assert settings.index_dir.name.startswith("dev-")
    assert for_corpus(base, tmp_path / "other").index_dir != settings.index_dir
    assert report_stem(DEFAULT_SET) == "eval"
    assert report_stem(DEFAULT_SET.parent / "documents.jsonl") == "eval-documents"
    assert report_stem(tmp_path / "small.jsonl") == "eval"


def test_each_gold_set_has_its_own_minimums(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.json"
    path.write_text(
        '{"minimum": {"full": {"fact_recall": 0.7}},'
        ' "sets": {"eval-documents": {"minimum": {"full": {"article_hit": 0.5}}}}}',
        encoding="utf-8",
    )
    assert load_thresholds(path) == {"full": {"fact_recall": 0.7}}
    assert load_thresholds(path, DEFAULT_SET) == {"full": {"fact_recall": 0.7}}
    documents = DEFAULT_SET.parent / "documents.jsonl"
    assert load_thresholds(path, documents) == {"full": {"article_hit": 0.5}}
    with pytest.raises(KeyError):
        load_thresholds(path, DEFAULT_SET.parent / "other.jsonl")


def test_report_shows_document_and_article_measures() -> None:
    rows = []
    for system, hit in (("full", 1.0), ("textbook", 0.0)):
        row = ItemScores(system, "doc-001", "figure")
        row.scores = {"source_at_3": 1.0, "article_hit": hit, "recall_at_5": 1.0}
        meta = ItemScores(system, "doc-002", "metadata")
        meta.scores = {"source_at_3": 0.0, "article_hit": None}
        rows += [row, meta]
    run = EvalRun(
        {
            "command": "pytest",
            "gold_set": "g",
            "model_id": "m",
            "corpus_hash": "h",
            "created": "c",
            "settings": {},
        },
        {s: [r for r in rows if r.system == s] for s in ("full", "textbook")},
        [],
    )
    report = render_markdown(run)
    assert "## Right document, right article" in report
    assert "| full system (answer()) | 0.500 (2) | 1.000 (1) |" in report
    assert "| textbook LangChain pipeline | 0.500 (2) | 0.000 (1) |" in report
    assert "Src@3 · full" in report and "article hit · textbook" in report
