"""The real-document gold set (eval/gold/documents.jsonl) is sound against ../shared/documents/dev.

The set itself is checked always; the checks that read the real documents skip when
``../shared`` is not beside the checkout, and fail instead when ``CI=true``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from assistant.documents.readers import read_source
from assistant.evaluation.articles import article_key
from assistant.evaluation.gold import GoldItem, load_gold
from tests.conftest import ROOT

GOLD_PATH = ROOT / "eval" / "gold" / "documents.jsonl"
DEV_DOCUMENTS = ROOT.parent / "shared" / "documents" / "dev"
MIN_ITEMS = 40
MIN_UNANSWERABLE = 6
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")


@pytest.fixture(scope="module")
def items() -> list[GoldItem]:
    return load_gold(GOLD_PATH)


@pytest.fixture(scope="module")
def source_texts() -> dict[str, str]:
    """The readers' text of every dev document, by file name."""
    if not DEV_DOCUMENTS.is_dir():
        if IN_CI:
            pytest.fail(f"{DEV_DOCUMENTS} is missing; CI must check the gold set against it")
        pytest.skip("../shared/documents/dev not beside the checkout")
    return {p.name: read_source(p).text for p in sorted(DEV_DOCUMENTS.iterdir()) if p.is_file()}


def test_size_and_balance(items: list[GoldItem]) -> None:
    assert len(items) >= MIN_ITEMS
    assert sum(not i.answerable for i in items) >= MIN_UNANSWERABLE
    assert len({i.id for i in items}) == len(items)
    assert all(i.id.startswith("doc-") for i in items)
    categories = Counter(i.category for i in items)
    for category in ("responsibility", "figure", "deadline", "metadata", "content"):
        assert categories[category] >= 4, category
    assert categories["list_compare"] >= 3


def test_every_document_is_asked_about(items: list[GoldItem]) -> None:
    per_file = Counter(i.evidence[0].source for i in items if i.evidence)
    assert len(per_file) == 8
    assert min(per_file.values()) >= 5


def test_clause_labels_are_official(items: list[GoldItem]) -> None:
    """Smallest unit first, ending at the Điều (or the Mục of an administrative document);
    never a Chương, never a document name, every label naming an article."""
    for item in items:
        for ref in item.gold:
            assert "Chương" not in ref.clause and "số" not in ref.clause, (item.id, ref.clause)
            key = article_key(ref.clause)
            assert key.article is not None, (item.id, ref.clause)
            assert ref.clause.endswith(key.article), (item.id, ref.clause)
            assert ref.source, item.id


def test_codification_is_cited_by_its_source_decree(items: list[GoldItem]) -> None:
    refs = [r for i in items for r in i.gold if r.source and r.source.startswith("08_phap-dien")]
    assert refs
    assert {r.doc_number for r in refs} == {"93/2019/NĐ-CP"}


def test_sources_exist(items: list[GoldItem], source_texts: dict[str, str]) -> None:
    assert len(source_texts) == 8
    for item in items:
        for name in {e.source for e in item.evidence} | {r.source for r in item.gold}:
            assert name in source_texts, (item.id, name)


def test_evidence_is_verbatim(items: list[GoldItem], source_texts: dict[str, str]) -> None:
    """Every quote is a substring of the text our reader produces for its file."""
    missing = [
        (item.id, e.quote)
        for item in items
        for e in item.evidence
        if unicodedata.normalize("NFC", e.quote) not in source_texts[e.source]
    ]
    assert not missing


def test_gold_articles_occur_in_their_document(
    items: list[GoldItem], source_texts: dict[str, str]
) -> None:
    """The Điều a gold clause names is a heading of its file (a codification writes the
    source article in its note: "(Điều 14 Nghị định số 93/2019/NĐ-CP")."""
    for item in items:
        for ref in item.gold:
            assert ref.source is not None
            text = source_texts[ref.source]
            article = article_key(ref.clause).article
            assert article is not None
            if article.startswith("Điều"):
                number = article.split()[1]
                if ref.source.startswith("08_phap-dien"):
                    assert f"(Điều {number} Nghị định số 93/2019/NĐ-CP" in text, ref.clause
                else:
                    assert f"Điều {number}." in text, (item.id, ref.clause)
            else:  # a Roman part heading at the start of a line: "**II. CÁC NHIỆM VỤ"
                roman = article.split()[1]
                assert re.search(rf"(?m)^\**{roman}\.", text), (item.id, ref.clause)


def test_doc_numbers_as_written(items: list[GoldItem], source_texts: dict[str, str]) -> None:
    for item in items:
        for ref in item.gold:
            assert ref.source is not None and ref.doc_number is not None
            assert ref.doc_number in source_texts[ref.source], (item.id, ref.doc_number)


def test_gold_file_is_nfc() -> None:
    raw = GOLD_PATH.read_text(encoding="utf-8")
    assert raw == unicodedata.normalize("NFC", raw)
    assert Path(GOLD_PATH).suffix == ".jsonl"
