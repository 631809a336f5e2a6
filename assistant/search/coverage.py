"""How much of a question's wording a clause holds, headings included.

BM25 adds up the question's terms wherever they stand in a clause and saturates each; it
does not see that a clause carries the question's phrasing: "xóa thông tin vi phạm" as a
run, under a heading "Tổ chức thực hiện" that the question names. Here every adjacent
syllable pair of the question (the folded pairs ``lexical.tokenize`` makes, "f:to_chuc",
"f:chuc_thuc") is weighed by its idf in the index and looked for, as a whole run of words,
in the candidate's heading path and text; the feature is the weighed share found (0 … 1).

Computed for the candidates only (the index's document frequencies of the question's
pairs, then one pass over each candidate's text): a few milliseconds a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.documents.textnorm import folded_key
from assistant.search.bodies import spell_out
from assistant.search.stores.base import bm25_idf
from assistant.types import Chunk

_UNIT_RE = re.compile(r"\w+|[^\w\s]")


def question_pairs(tokens: Sequence[str]) -> list[str]:
    """The folded multi-syllable terms of a question's BM25 tokens, each once ("f:y_te").
    Give the tokens of the question with its abbreviations spelled out (``spell_out``), as
    ``clause_key`` reads the clause: "HĐND quận" and "Hội đồng nhân dân quận" are one name."""
    return list(dict.fromkeys(t for t in tokens if t.startswith("f:") and "_" in t))


def document_frequencies(store: object, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
    """(number of chunks, chunks holding each term) from a store's lexical index: the
    embedded store's bm25s arrays (``indptr`` is memory-mapped; a term's postings are the
    chunks holding it), or a store answering ``document_frequencies`` (PostgreSQL)."""
    asked = getattr(store, "document_frequencies", None)
    if callable(asked):
        n, found = asked(terms)
        return int(n), dict(found)
    bm25 = getattr(store, "bm25", None)
    if bm25 is None:
        return 0, {}
    vocab, indptr = bm25.vocab_dict, bm25.scores["indptr"]
    ids = {t: vocab[t] for t in terms if t in vocab}
    return int(bm25.scores["num_docs"]), {
        t: int(indptr[i + 1]) - int(indptr[i]) for t, i in ids.items()
    }


def pair_weights(n_chunks: int, df: dict[str, int], pairs: Sequence[str]) -> dict[str, float]:
    """Each pair's idf, as the words it stands for ("f:to_chuc" → "to chuc"); a pair no
    chunk holds weighs the most and is found in none."""
    return {p[2:].replace("_", " "): bm25_idf(n_chunks, df.get(p, 0)) for p in pairs if n_chunks}


def clause_key(chunk: Chunk) -> str:
    """Heading path and text, abbreviations spelled out, folded, words and punctuation marks
    spaced and padded, so that " to chuc " is found only as whole words, never across a comma."""
    folded = folded_key(spell_out(" ".join((*chunk.breadcrumb, chunk.clean_text))))
    return " " + " ".join(_UNIT_RE.findall(folded)) + " "


def pair_coverage(weights: dict[str, float], chunks: Sequence[Chunk]) -> np.ndarray:
    """The idf-weighted share of the question's pairs found in each chunk (0 … 1)."""
    out = np.zeros(len(chunks))
    total = sum(weights.values())
    if not total:
        return out
    needles = [(f" {words} ", w) for words, w in weights.items()]
    for n, chunk in enumerate(chunks):
        key = clause_key(chunk)
        out[n] = sum(w for needle, w in needles if needle in key) / total
    return out
