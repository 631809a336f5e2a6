"""The structures that keep search fast at 100,000 clauses give the same answers as the
plain loops they replace: body matching, phrase lookup, the one-pass key functions, fusion."""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from assistant.documents import textnorm
from assistant.documents.corpus import Corpus
from assistant.documents.textnorm import canonical_tones, folded_key
from assistant.evaluation.gold import load_gold
from assistant.search.bodies import BodyIndex, bodies_in_question, body_key, expand, match_strength
from assistant.search.lexical import ABBREVIATIONS, abbreviation_re
from assistant.search.retrieval import PhraseIndex
from assistant.types import Chunk
from tests.conftest import CORPUS_DIR, ROOT

QUESTIONS = [item.question for item in load_gold(ROOT / "eval" / "gold" / "dev.jsonl")] + [
    "so y te phai lam gi",
    "Đề nghị HĐND quận làm gì?",
    "UBND thành phố Hà Nội và Ban Dân vận Quận ủy",
    "Hội Chữ thập đỏ",
]


def _heading(chunk: Chunk) -> str:
    return " ".join(chunk.breadcrumb[-1:])


def _variants(corpus: Corpus, copies: int) -> list[Chunk]:
    """The corpus's chunks several times, shuffled: repeated headings and openings."""
    chunks = list(corpus.chunks) * copies
    random.Random(0).shuffle(chunks)
    return chunks


@pytest.mark.parametrize("copies", [1, 3])
def test_body_index_equals_match_strength_on_every_clause(corpus: Corpus, copies: int) -> None:
    chunks = _variants(corpus, copies)
    index = BodyIndex([_heading(c) for c in chunks], [c.clean_text for c in chunks])
    headings = [body_key(_heading(c)) for c in chunks]
    texts = [body_key(c.clean_text[:400]) for c in chunks]  # the key length used before
    allowed = np.array([i % 5 != 0 for i in range(len(chunks))])
    checked = 0
    for question in QUESTIONS:
        bodies = bodies_in_question(question)
        if not bodies:
            continue
        positions, strengths = index.matches(bodies, allowed)
        found = dict(zip(positions.tolist(), strengths.tolist(), strict=True))
        expected = {}
        for i in np.flatnonzero(allowed).tolist():
            best = max(match_strength(b, headings[i], texts[i]) for b in bodies)
            if best:
                expected[i] = best
        assert found == expected, question
        assert list(found) == sorted(found)
        checked += bool(expected)
    assert checked > 50


def test_match_strength_prefers_the_longest_named_part() -> None:
    body = "ban dan van quan uy kien an"
    assert match_strength(body, "ban dan van quan uy kien an", "") == 1.0
    assert match_strength(body, "", "ban dan van quan uy kien an chu tri") == 0.8
    assert match_strength(body, "", "de nghi ban dan van quan uy kien an") == 0.8
    assert match_strength(body, "", "6 ban dan van quan uy") == pytest.approx(0.8 * 5 / 7)
    # The heading names fewer words than the opening: the longer part decides.
    assert match_strength(body, "ban dan van", "ban dan van quan uy kien an") == 0.8
    assert match_strength(body, "ban dan", "") == pytest.approx(2 / 7)
    assert match_strength(body, "so y te", "ban") == 0.0
    assert match_strength(body, "xban dan van", "") == 0.0  # whole words only


def test_phrase_index_finds_each_text_once(corpus: Corpus) -> None:
    texts = [folded_key(c.clean_text) for c in corpus.chunks] * 2
    index = PhraseIndex(texts)
    phrases = ["kinh phi", "so y te", "164/kh-ubnd", "2,5%", "khong co trong van ban", "a"]
    phrases += [texts[0][:12], texts[-1][-9:]]  # at a text's very start and end
    for phrase in phrases:
        assert index.containing(phrase) == [i for i, t in enumerate(texts) if phrase in t]
    assert index.containing("") == []
    assert index.containing("a\nb") == []
    assert PhraseIndex([]).containing("a") == []


def _expand_one_by_one(text: str) -> str:
    out = canonical_tones(text)
    for abbr, longs in ABBREVIATIONS.items():
        out = abbreviation_re(abbr).sub(longs[0], out)
    return " ".join(re.sub(r"[^\w\s/-]", " ", out.lower()).split())


def test_one_pass_expansion_equals_one_pattern_per_abbreviation(corpus: Corpus) -> None:
    texts = [c.clean_text for c in corpus.chunks] + QUESTIONS
    forms = [
        f
        for a in ABBREVIATIONS
        for f in (a, a.lower(), a.replace("Đ", "D"), a.title(), f"x{a}", f"{a}-x", f"{a}s")
    ]
    texts += [" ".join(forms), ", ".join(forms)]
    for text in texts:
        assert expand(text) == _expand_one_by_one(text), text


def _canonical_every_word(text: str) -> str:
    word = re.compile(r"\w+")
    return word.sub(lambda m: textnorm._canonical_syllable(m.group(0)), textnorm.nfc(text))


def test_canonical_tones_touches_only_the_syllables_it_must() -> None:
    onsets = ["", "h", "kh", "q", "qu", "th", "ng", "x", "U"]
    vowels = ["oa", "oe", "uy", "oă", "uâ", "ua", "uê", "ươ", "a", "o", "y"]
    syllables = []
    for onset, vowel, tone in itertools.product(onsets, vowels, "\u0300\u0301\u0303\u0309\u0323"):
        for pos in range(len(vowel)):
            for final in ("", "n", "ch"):
                s = unicodedata.normalize("NFC", onset + vowel[: pos + 1] + tone + vowel[pos + 1 :])
                syllables += [s + final, (s + final).upper(), (s + final).capitalize()]
    texts = [" ".join(syllables), unicodedata.normalize("NFD", " ".join(syllables))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(Path(CORPUS_DIR).iterdir())]
    for text in texts:
        assert canonical_tones(text) == _canonical_every_word(text)
