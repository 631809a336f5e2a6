"""BM25 tokens: what a question and a passage share, without a word segmenter per chunk."""

from __future__ import annotations

import subprocess
import sys

from assistant.search.lexical import (
    dictionary_words,
    lexicon,
    syllable_bigrams,
    tokenize,
    tokenizer_id,
    with_synonyms,
)
from tests.conftest import ROOT


def test_accented_and_unaccented_questions_meet_the_passage() -> None:
    passage = set(tokenize("Sở Y tế chủ trì, phối hợp với các đơn vị"))
    assert {"y_tế", "chủ_trì", "f:y_te", "f:so_y"} <= passage
    assert {"y_tế", "f:y_te"} <= set(tokenize("Sở Y tế làm gì?")) & passage
    assert {"f:so_y", "f:y_te", "f:chu_tri"} <= set(tokenize("so y te chu tri gi")) & passage
    # "hoà" and "hòa" are one syllable, written two ways
    assert set(tokenize("hoà giải")) & set(tokenize("hòa giải")) >= {"hòa", "f:hoa_giai"}


def test_pairs_stay_inside_a_run_of_syllables() -> None:
    assert syllable_bigrams("Sở Y tế, Sở Tài chính\nBộ Công an") == [
        "sở_y", "y_tế", "sở_tài", "tài_chính", "bộ_công", "công_an",
    ]  # fmt: skip
    assert "tế_sở" not in syllable_bigrams("Sở Y tế; Sở Nội vụ")
    assert dictionary_words("ủy ban nhân dân tỉnh") == ["ủy_ban_nhân_dân"]


def test_codes_numbers_and_abbreviation_concepts_are_kept() -> None:
    tokens = tokenize("Kế hoạch 164/KH-UBND: 2,5% dân số hiến máu trước 20/11")
    assert {"164/kh-ubnd", "2,5%", "20/11", "§kh164"} <= set(tokens)
    assert "§ubnd" in tokenize("UBND thành phố") and "§ubnd" in tokenize("Ủy ban nhân dân")
    assert "§hdnd" in tokenize("HDND tỉnh") and "§hdnd" in tokenize("hội đồng nhân dân")
    question = tokenize(with_synonyms("tiền ở đâu ra"))
    assert {"kinh_phí", "f:kinh_phi"} <= set(question)


def test_the_tokenizer_is_named_by_its_scheme_and_word_list() -> None:
    assert tokenizer_id() == f"words+bigrams/1:{lexicon().digest}"
    assert len(lexicon().words) > 50_000 and max(lexicon().longest.values()) >= 4


def test_tokenizing_loads_no_segmenter() -> None:
    """The build tokenises every chunk: no CRF model is imported for it."""
    code = (
        "import sys; from assistant.search.lexical import tokenize; "
        "tokenize('Sở Y tế chủ trì'); print('underthesea' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
