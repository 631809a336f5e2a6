"""Vietnamese tokens for BM25: syllables, words, syllable pairs, folded forms, abbreviations.

One token stream per text, so accented and unaccented queries both match:
- syllables with canonical tone placement ("hòa" = "hoà"), lower case;
- words of a Vietnamese word list by greedy longest match, joined with "_" ("y_tế",
  "chủ_trì"), which ranks "Sở Y tế" above texts that merely contain "y" and "tế";
- the same tokens folded ("so", "y_te") under an "f:" prefix, so "so y te" matches;
- every pair of adjacent syllables, folded ("f:so_y", "f:y_te"), for the terms no word
  list holds;
- numbers and codes kept whole: "164/kh-ubnd", "2,5%", "20/11";
- abbreviation concepts ("§ubnd") emitted for both "UBND" and "Ủy ban nhân dân".

The words used to come from underthesea's CRF segmenter (~300 chunks/s for the lexical
build); with a dictionary lookup and the pairs it runs at ~1,900 chunks/s, ranks better on
the dev set and ALQAC 2022, and gives up 0.016 MRR on the documents set (one question of
27 from rank 1 to 2): eval/reports/bench-lexical.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.documents.layout import SO_HIEU_RE
from assistant.documents.textnorm import canonical_tones, fold

# Abbreviation → the long forms it stands for. Concept tokens are emitted for either, so
# the expansion works both ways. Type codes (KL, KH, CV, CT, NQ, QĐ) only count next to a
# number ("KL 44", "CT 43") or inside a số hiệu: on their own, "CT" is too ambiguous
# (Chỉ thị in "43-CT/TW", chính trị in "CT-XH").
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "UBND": ("ủy ban nhân dân",),
    "HĐND": ("hội đồng nhân dân",),
    "MTTQ": ("mặt trận tổ quốc",),
    "UBMTTQ": ("ủy ban mặt trận tổ quốc",),
    "CT-XH": ("chính trị - xã hội", "chính trị xã hội"),
    "TW": ("trung ương",),
    "TƯ": ("trung ương",),
    "TU": ("thành ủy", "tỉnh ủy"),
    "QU": ("quận ủy",),
    "HU": ("huyện ủy",),
    "ĐUK": ("đảng ủy khối",),
    "TP": ("thành phố",),
    "BTV": ("ban thường vụ",),
    "BCH": ("ban chấp hành",),
    "BCĐ": ("ban chỉ đạo",),
    "HCTĐ": ("hội chữ thập đỏ",),
    "CTĐ": ("chữ thập đỏ",),
    "VP": ("văn phòng",),
    "LĐTBXH": ("lao động - thương binh và xã hội", "lao động thương binh và xã hội"),
    "GDĐT": ("giáo dục và đào tạo",),
    "TTTT": ("thông tin và truyền thông",),
}
TYPE_CODES: dict[str, str] = {
    "KL": "kết luận",
    "KH": "kế hoạch",
    "CV": "công văn",
    "CT": "chỉ thị",
    "NQ": "nghị quyết",
    "QĐ": "quyết định",
    "TB": "thông báo",
    "HD": "hướng dẫn",
}

# Plain words people ask with → the official terms directives use. Added to a question's
# lexical tokens only; the dense model sees the question as typed.
SYNONYMS: dict[str, str] = {
    "tiền bạc": "kinh phí tài chính",
    "tiền": "kinh phí",
    "ngân sách": "kinh phí",
    "chi phí": "kinh phí",
    "hạn chót": "thời hạn trước ngày",
    "hạn": "thời hạn trước ngày",
    "khi nào": "thời hạn trước ngày định kỳ",
    "bao giờ": "thời hạn trước ngày định kỳ",
    "báo chí": "tuyên truyền báo chí",
    "truyền thông": "tuyên truyền thông tin",
    "trường học": "giáo dục trường học",
    "học sinh": "giáo dục trường học",
    "bệnh viện": "y tế khám chữa bệnh",
    "khám bệnh": "y tế khám chữa bệnh",
    "sức khỏe": "y tế chăm sóc sức khỏe",
    "nhân sự": "cán bộ tổ chức bộ máy",
    "biên chế": "cán bộ tổ chức bộ máy",
    "nước ngoài": "hợp tác quốc tế",
    "quốc tế": "hợp tác quốc tế",
    "chỉ tiêu": "phấn đấu đạt tỷ lệ",
    "mục tiêu": "phấn đấu đạt chỉ tiêu",
    "kiểm tra": "kiểm tra giám sát đôn đốc",
    "người nghèo": "đối tượng khó khăn yếu thế",
}
_SYNONYM_RES = [(re.compile(rf"\b{re.escape(k)}\b"), v) for k, v in SYNONYMS.items()]


def synonyms_in(query: str) -> list[tuple[str, str]]:
    """The plain words of ``SYNONYMS`` the query uses, each with its official terms."""
    lowered = canonical_tones(query).lower()
    return [(k, v) for (k, v), (pattern, _) in zip(SYNONYMS.items(), _SYNONYM_RES, strict=True)
            if pattern.search(lowered)]  # fmt: skip


def with_synonyms(query: str) -> str:
    """The question followed by the official terms for the plain words it uses."""
    lowered = canonical_tones(query).lower()
    extra = [v for pattern, v in _SYNONYM_RES if pattern.search(lowered)]
    return " ".join([query, *extra])


_NUMBER_RE = re.compile(r"\d+(?:[.,/]\d+)*%?")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_TYPE_NEAR_NUMBER_RE = re.compile(
    r"\b(KL|KH|CV|CT|NQ|QĐ|TB|HD)\s*[-. ]?\s*(?:số\s*)?(\d+)\b", re.IGNORECASE
)
_NUMBER_NEAR_TYPE_RE = re.compile(
    r"\b(kết luận|kế hoạch|công văn|chỉ thị|nghị quyết|quyết định|thông báo|hướng dẫn)\s+(?:số\s+)?(\d+)\b",
    re.IGNORECASE,
)


def _concept(name: str) -> str:
    return "§" + fold(name).replace(" ", "")


def abbreviation_re(abbr: str) -> re.Pattern[str]:
    """An abbreviation as a whole word. Two letters must be upper case ("TU", "TP"): in
    lower case they are ordinary syllables ("tu", "tp"); longer ones ("ubnd") are not."""
    flags = re.IGNORECASE if len(abbr) >= 3 else 0
    forms = {re.escape(abbr), re.escape(abbr.replace("Đ", "D"))}  # "HDND" typed without đ
    return re.compile(rf"(?<![\w-])(?:{'|'.join(sorted(forms))})(?![\w-])", flags)


@dataclass(frozen=True)
class _Abbreviation:
    pattern: re.Pattern[str]
    concept: str
    needles: tuple[str, ...]  # one of them is in the text whenever the pattern matches
    any_case: bool  # needles are lower case, to look for in the lower-cased text


@lru_cache(maxsize=1)
def _abbreviation_patterns() -> list[_Abbreviation]:
    out = []
    for abbr, longs in ABBREVIATIONS.items():
        concept = _concept(abbr)
        forms = tuple(sorted({abbr, abbr.replace("Đ", "D")}))
        if len(abbr) >= 3:
            out.append(_Abbreviation(abbreviation_re(abbr), concept, _lower(forms), True))
        else:
            out.append(_Abbreviation(abbreviation_re(abbr), concept, forms, False))
        for long in longs:
            pattern = re.compile(rf"\b{re.escape(long)}\b", re.IGNORECASE)
            out.append(_Abbreviation(pattern, concept, _lower((long,)), True))
    return out


def _lower(forms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f.lower() for f in forms)


def concepts(text: str) -> list[str]:
    """Abbreviation and document-type concept tokens found in ``text``."""
    canon = canonical_tones(text)
    lowered = canon.lower()
    # A substring test first: most of the ~40 patterns are absent from a given chunk, and
    # "in" is far cheaper than a regex search (the build runs this on every chunk).
    out = [
        a.concept
        for a in _abbreviation_patterns()
        if any(n in (lowered if a.any_case else canon) for n in a.needles)
        and a.pattern.search(canon)
    ]
    for m in _TYPE_NEAR_NUMBER_RE.finditer(canon):
        out.append(f"§{m[1].lower()}{m[2]}")
    for m in _NUMBER_NEAR_TYPE_RE.finditer(canon):
        code = next(c for c, name in TYPE_CODES.items() if name == m[1].lower())
        out.append(f"§{code.lower()}{m[2]}")
    for m in SO_HIEU_RE.finditer(canon):
        out.append(f"§{m['code'].lower()}{m['num']}")
    return out


# Syllables joined only by spaces or tabs: a line break, punctuation or a number ends a run,
# so "Sở Y tế, Sở Tài chính" gives "sở_y", "y_tế" but no "tế_sở".
_RUN_RE = re.compile(r"[^\W\d_]+(?:[ \t\u00a0]+[^\W\d_]+)+", re.UNICODE)

WordSplitter = Callable[[str], list[str]]
"""Canonical text → its multi-syllable words, lower case, joined with "_" ("y_tế")."""

# underthesea's Vietnamese word list (Apache-2.0), read from the installed package without
# importing it (the import alone takes seconds).
_WORD_LIST = ("corpus", "data", "Viet74K.txt")


@dataclass(frozen=True)
class Lexicon:
    """Multi-syllable words as syllable tuples, and a digest of the list they came from."""

    words: frozenset[tuple[str, ...]]
    longest: dict[str, int]  # first syllable → the most syllables of a word it begins
    digest: str


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("underthesea is not installed: its word list makes the BM25 words")
    raw = Path(spec.submodule_search_locations[0]).joinpath(*_WORD_LIST).read_bytes()
    entries = (canonical_tones(line).lower().split() for line in raw.decode("utf-8").splitlines())
    words = frozenset(tuple(e) for e in entries if len(e) > 1)
    longest: dict[str, int] = {}
    for word in words:
        longest[word[0]] = max(longest.get(word[0], 0), len(word))
    return Lexicon(words, longest, hashlib.sha256(raw).hexdigest()[:8])


def dictionary_words(canon: str) -> list[str]:
    """Words of the lexicon by greedy longest match inside each run of syllables
    ("sở y tế chủ trì" → "y_tế", "chủ_trì"): what a segmenter finds for common words,
    at a dictionary lookup per syllable instead of a CRF per chunk."""
    known, longest = lexicon().words, lexicon().longest
    out: list[str] = []
    for run in _RUN_RE.findall(canon.lower()):
        syllables = run.split()
        i = 0
        while i < len(syllables):
            for n in range(min(longest.get(syllables[i], 0), len(syllables) - i), 1, -1):
                if tuple(syllables[i : i + n]) in known:
                    out.append("_".join(syllables[i : i + n]))
                    i += n
                    break
            else:
                i += 1
    return out


def syllable_bigrams(canon: str) -> list[str]:
    """Every pair of adjacent syllables in a run ("sở_y", "y_tế"): they catch the terms no
    word list holds ("an ninh mạng": "an_ninh", "ninh_mạng"); BM25's idf weighs the chance
    pairs ("tế_chủ")."""
    out: list[str] = []
    for run in _RUN_RE.findall(canon.lower()):
        syllables = run.split()
        out.extend(f"{a}_{b}" for a, b in itertools.pairwise(syllables))
    return out


def tokenizer_id() -> str:
    """The token scheme, recorded in the index manifest: an index whose terms were made
    another way (another scheme, another word list) is stale, since its terms would not
    meet the query's. Bump the version whenever ``tokenize`` changes what it emits."""
    return f"words+bigrams/1:{lexicon().digest}"


@lru_cache(maxsize=200_000)
def _fold_token(token: str) -> str:
    return fold(token)  # a corpus has far fewer distinct tokens than tokens


def tokenize(
    text: str, *, words: WordSplitter = dictionary_words, bigrams: bool = True
) -> list[str]:
    """BM25 tokens for a passage or a query (both the same way: see ``tokenizer_id``).

    Syllables, numbers and codes, the words (``words``), each of these folded too, adjacent
    syllable pairs folded only (a pair is a weaker sign than a word: one form, one vote),
    then the abbreviation concepts. ``words`` and ``bigrams`` exist for the benchmark
    (eval/bench_lexical.py); the index and the queries use the defaults."""
    canon = canonical_tones(text)
    lowered = canon.lower()
    tokens: list[str] = []
    for m in SO_HIEU_RE.finditer(canon):
        tokens.append(f"{m['num']}{m['sep1']}{m['code']}{m['sep2']}{m['org']}".lower())
    tokens.extend(_NUMBER_RE.findall(lowered))
    tokens.extend(_WORD_RE.findall(lowered))
    tokens.extend(words(canon))
    folded = [f"f:{_fold_token(t)}" for t in tokens if not t[:1].isdigit()]
    if bigrams:
        folded.extend(f"f:{_fold_token(t)}" for t in syllable_bigrams(canon))
    return tokens + folded + concepts(canon)
