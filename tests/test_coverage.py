"""The share of a question's syllable pairs a clause holds (assistant/search/coverage.py)."""

from __future__ import annotations

from types import SimpleNamespace

import bm25s
import pytest

from assistant.search.bodies import spell_out
from assistant.search.coverage import (
    clause_key,
    document_frequencies,
    pair_coverage,
    pair_weights,
    question_pairs,
)
from assistant.search.lexical import tokenize
from assistant.types import Chunk


def _chunk(text: str, breadcrumb: tuple[str, ...] = ()) -> Chunk:
    return Chunk("c", "d", "s.txt", (), "", "", breadcrumb, text, text, 0, len(text), 0, len(text))


def test_question_pairs_are_the_folded_multi_syllable_tokens_once() -> None:
    pairs = question_pairs(tokenize("Sở Y tế tổ chức thực hiện"))
    assert "f:y_te" in pairs and "f:chuc_thuc" in pairs
    assert len(pairs) == len(set(pairs)) and all(p.startswith("f:") and "_" in p for p in pairs)


def test_pairs_are_found_as_whole_words_in_heading_and_text_never_across_a_comma() -> None:
    key = clause_key(_chunk("Sở Y tế, Sở Tài chính", ("III. TỔ CHỨC THỰC HIỆN",)))
    assert " to chuc " in key and " y te " in key
    assert " te so " not in key  # "tế, Sở"
    weights = {"to chuc": 1.0, "y te": 1.0, "te so": 2.0}
    chunks = [_chunk("Sở Y tế, Sở Tài chính", ("III. TỔ CHỨC THỰC HIỆN",)), _chunk("Ủy ban")]
    assert pair_coverage(weights, chunks).tolist() == pytest.approx([0.5, 0.0])
    assert pair_coverage({}, chunks).tolist() == [0.0, 0.0]


def test_weights_are_the_idf_of_the_index_and_an_unknown_pair_weighs_most() -> None:
    texts = ["Sở Y tế chủ trì", "Sở Y tế phối hợp", "Sở Tài chính chủ trì"]
    bm25 = bm25s.BM25()
    bm25.index([tokenize(t) for t in texts], show_progress=False)
    pairs = ["f:y_te", "f:tai_chinh", "f:zz_q"]
    n, df = document_frequencies(SimpleNamespace(bm25=bm25), pairs)
    assert (n, df) == (3, {"f:y_te": 2, "f:tai_chinh": 1})
    weights = pair_weights(n, df, pairs)
    assert set(weights) == {"y te", "tai chinh", "zz q"}
    assert weights["zz q"] > weights["tai chinh"] > weights["y te"] > 0


def test_an_abbreviation_and_its_long_form_are_one_name() -> None:
    pairs = question_pairs(tokenize(spell_out("HĐND quận có trách nhiệm gì")))
    weights = {p[2:].replace("_", " "): 1.0 for p in pairs}
    long_form = _chunk("2. Hội đồng nhân dân quận chủ động phối hợp")
    short_form = _chunk("2. HĐND quận chủ động phối hợp")
    assert pair_coverage(weights, [long_form])[0] == pair_coverage(weights, [short_form])[0] > 0
