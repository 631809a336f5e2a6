"""Vietnamese tokens for BM25: syllables, underthesea words, folded forms, abbreviations.

One token stream per text, so accented and unaccented queries both match:
- syllables with canonical tone placement ("hòa" = "hoà"), lower case;
- underthesea word segmentation joined with "_" ("y_tế", "chủ_trì"), which ranks
  "Sở Y tế" above texts that merely contain "y" and "tế";
- the same tokens folded ("so", "y_te") under an "f:" prefix, so "so y te" matches;
- numbers and codes kept whole: "164/kh-ubnd", "2,5%", "20/11";
- abbreviation concepts ("§ubnd") emitted for both "UBND" and "Ủy ban nhân dân".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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


@lru_cache(maxsize=1)
def _segmenter() -> Callable[[str], list[str]]:
    from underthesea import word_tokenize  # loads its CRF model once; offline

    return word_tokenize


def _words(text: str) -> list[str]:
    """Multi-syllable words from underthesea, joined with "_" ("y_tế")."""
    try:
        tokens = _segmenter()(text)
    except Exception:  # segmentation is an improvement, never a requirement
        return []
    return [t.lower().replace(" ", "_") for t in tokens if " " in t]


def tokenize(text: str, *, segment: bool = True) -> list[str]:
    """BM25 tokens for a passage or a query."""
    canon = canonical_tones(text)
    lowered = canon.lower()
    tokens: list[str] = []
    for m in SO_HIEU_RE.finditer(canon):
        tokens.append(f"{m['num']}{m['sep1']}{m['code']}{m['sep2']}{m['org']}".lower())
    tokens.extend(_NUMBER_RE.findall(lowered))
    syllables = _WORD_RE.findall(lowered)
    tokens.extend(syllables)
    if segment and fold(lowered) != lowered:
        tokens.extend(_words(canon))  # underthesea segments unaccented text badly
    folded = [f"f:{fold(t)}" for t in tokens if not t[:1].isdigit() and fold(t) != t]
    folded.extend(f"f:{t}" for t in tokens if not t[:1].isdigit() and fold(t) == t)
    return tokens + folded + concepts(canon)
