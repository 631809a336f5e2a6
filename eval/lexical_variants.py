"""Tokenizers that differ from ``lexical.tokenize`` in how syllable pairs and words are
weighed, tried against the documents set's loss to underthesea (eval/bench_lexical.py).

Each is ``lexical.tokenize`` rebuilt from its parts with one rule changed, so that the
benchmark's rows differ by that rule only:

- pairs inside a word dropped: a pair both of whose syllables lie in one dictionary word
  ("f:nong_nghiep" inside "nông nghiệp") repeats the word's evidence; only the pairs across
  words and among unknown syllables stay;
- pairs with a function word dropped: "và", "của", "được" … form no compound, so their
  pairs ("f:nghiep_va") are chance neighbours;
- every dictionary word, overlapping, instead of the greedy longest match, so a wrong split
  ("học sinh | học" against "học | sinh học") loses no word;
- syllable triples as well, for the names of three syllables and more;
- pairs at half the weight of syllables and words (those emitted twice: bm25s has no
  term weights).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from assistant.documents.layout import SO_HIEU_RE
from assistant.documents.textnorm import canonical_tones
from assistant.search import lexical

Tokens = Callable[[str], list[str]]

# Grammatical words (hư từ) of Vietnamese: conjunctions, prepositions, classifiers of
# plurality, copula, aspect and question words.
FUNCTION_SYLLABLES = frozenset(
    "và của các những được bị cho với là thì mà để trong theo tại từ đến có không này đó "
    "gì nào ở về như khi đã sẽ đang cũng hay hoặc nếu ra vào lên một".split()
)


def _words(syllables: list[str], overlapping: bool) -> list[tuple[int, int]]:
    """(start, length) of the dictionary words of a run of syllables."""
    known, longest = lexical.lexicon().words, lexical.lexicon().longest
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(syllables):
        for n in range(min(longest.get(syllables[i], 0), len(syllables) - i), 1, -1):
            if tuple(syllables[i : i + n]) in known:
                out.append((i, n))
                if not overlapping:
                    i += n - 1
                    break
        i += 1
    return out


def variant(
    *,
    pairs_inside_words: bool = True,
    function_pairs: bool = True,
    overlapping: bool = False,
    triples: bool = False,
    repeat: int = 1,
) -> Tokens:
    """``lexical.tokenize`` with the rule named by the argument changed; ``repeat`` emits
    syllables and words that many times, pairs once."""
    fold = lexical._fold_token

    def tokenize(text: str) -> list[str]:
        canon = canonical_tones(text)
        lowered = canon.lower()
        codes = [
            f"{m['num']}{m['sep1']}{m['code']}{m['sep2']}{m['org']}".lower()
            for m in SO_HIEU_RE.finditer(canon)
        ]
        codes += lexical._NUMBER_RE.findall(lowered)
        units = lexical._WORD_RE.findall(lowered)
        pairs: list[str] = []
        for run in lexical._RUN_RE.findall(lowered):
            syllables = run.split()
            spans = _words(syllables, overlapping)
            units += ["_".join(syllables[i : i + n]) for i, n in spans]
            inside = {j for i, n in spans for j in range(i, i + n - 1)}
            for j, (a, b) in enumerate(itertools.pairwise(syllables)):
                if (pairs_inside_words or j not in inside) and (
                    function_pairs or not {a, b} & FUNCTION_SYLLABLES
                ):
                    pairs.append(f"{a}_{b}")
            if triples:
                pairs += ["_".join(syllables[j : j + 3]) for j in range(len(syllables) - 2)]
        tokens = codes + [f"f:{fold(t)}" for t in codes if not t[:1].isdigit()]
        tokens += (units + [f"f:{fold(t)}" for t in units]) * repeat
        return tokens + [f"f:{fold(t)}" for t in pairs] + lexical.concepts(canon)

    return tokenize
