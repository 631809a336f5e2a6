"""The held-out gold set over ../shared/documents/bulk (eval/gold/bulk.jsonl) is sound:
written from 15 of its documents before any answer was seen; its quotes are the
documents' own words and its unanswerable questions are a share of it."""

from __future__ import annotations

from collections import Counter

from assistant.documents.readers import read_source
from assistant.evaluation.gold import load_gold
from tests.conftest import ROOT
from tests.shared_data import shared

GOLD_PATH = ROOT / "eval" / "gold" / "bulk.jsonl"


def test_the_bulk_set_is_balanced_and_grouped_by_document() -> None:
    items = load_gold(GOLD_PATH)
    assert len(items) >= 40
    assert 6 <= sum(not i.answerable for i in items) <= len(items) // 3
    categories = Counter(i.category for i in items)
    assert len(categories) >= 6
    assert all(i.group for i in items)  # cross-validation keeps one document's questions together


def test_every_bulk_quote_is_in_its_document() -> None:
    folder = shared("documents", "bulk")
    texts: dict[str, str] = {}
    for item in load_gold(GOLD_PATH):
        for evidence in item.evidence:
            if evidence.source not in texts:
                texts[evidence.source] = " ".join(
                    read_source(folder / evidence.source).text.split()
                )
            assert " ".join(evidence.quote.split()) in texts[evidence.source], (
                item.id,
                evidence.quote,
            )
