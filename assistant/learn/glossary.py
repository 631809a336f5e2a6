"""The abbreviations and terms the documents use, what they stand for, and where each
appears (document, clause, how often), with a citation of its first use in each clause.

Expansions come from ``lexical.ABBREVIATIONS`` and ``lexical.TYPE_CODES`` (the same table
the search uses), plus the signing-authority marks and document codes that only appear in
headers and signature blocks. Only terms that actually appear are listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.documents.facts import sentence_around
from assistant.documents.textnorm import folded_key
from assistant.learn.library import Library
from assistant.search.lexical import ABBREVIATIONS, TYPE_CODES
from assistant.types import Citation, ParsedDocument


@dataclass(frozen=True)
class Term:
    """A glossary headword: the forms it is written in and what it means."""

    term: str  # "T/M"
    expansion: str  # "thay mặt"
    kind: str  # "viết tắt", "ký hiệu văn bản", "thẩm quyền ký", "thuật ngữ", "cách viết khác"
    forms: tuple[str, ...]  # written forms to look for: ("T/M", "TM")
    case_sensitive: bool = True


# Marks and codes that live in headers, signature blocks and số hiệu, not in the search table.
_EXTRA: tuple[Term, ...] = (
    Term("T/M", "thay mặt (ký thay mặt tập thể)", "thẩm quyền ký", ("T/M", "TM")),
    Term("KT", "ký thay (cấp phó ký thay cấp trưởng)", "thẩm quyền ký", ("KT", "K/T")),
    Term("TL", "thừa lệnh", "thẩm quyền ký", ("TL", "T/L")),
    Term("TUQ", "thừa ủy quyền", "thẩm quyền ký", ("TUQ",)),
    Term("SL", "sao lục (trong số hiệu của bản sao)", "ký hiệu văn bản", ("SL",)),
    Term("TT", "thông tư (trong số hiệu)", "ký hiệu văn bản", ("TT",)),
    Term("TTr", "tờ trình (trong số hiệu)", "ký hiệu văn bản", ("TTr",)),
    Term("BCĐTW", "Ban Chỉ đạo Trung ương", "viết tắt", ("BCĐTW",)),
    Term("BGDĐT", "Bộ Giáo dục và Đào tạo", "viết tắt", ("BGDĐT",)),
    Term("UVBTV", "Ủy viên Ban Thường vụ", "viết tắt", ("UVBTV",)),
    Term("VPQU", "Văn phòng Quận ủy", "viết tắt", ("VPQU",)),
    Term("VPTU", "Văn phòng Thành ủy (Tỉnh ủy)", "viết tắt", ("VPTU",)),
    Term("HS", "hồ sơ (trong “Số và ký hiệu HS”)", "ký hiệu văn bản", ("HS",)),
    Term("V/v", "về việc (trích yếu của công văn)", "viết tắt", ("V/v",)),
    Term("b/c", "báo cáo (ở phần nơi nhận)", "viết tắt", ("b/c",)),
    Term(
        "sao lục",
        "bản sao do một cơ quan khác sao từ bản chính, có số, ngày và người ký riêng",
        "thuật ngữ",
        ("sao lục",),
        case_sensitive=False,
    ),
)


UNLISTED = "chưa có trong bảng chữ viết tắt"
_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_CAPS_RE = re.compile(rf"(?<![\w])[{_UPPER}]{{2,}}(?![\w])")
_VOWEL = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
# A Vietnamese syllable: onset, one to three vowels, coda. Capitals that spell one are a word
# set in capitals ("KẾ HOẠCH", "SAO LỤC"), not an abbreviation, unless inside a số hiệu.
_SYLLABLE_RE = re.compile(
    rf"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?[{_VOWEL}]{{1,3}}(?:ng|nh|ch|[cmnpt])?"
)
_ROMAN_RE = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")


def abbreviations_in(text: str) -> set[str]:
    """Every run of capitals that reads as an abbreviation: not a roman numeral (Mục I, khóa
    XIII), not a word set in capitals, except inside a số hiệu ("KH/TU")."""
    found = set()
    for m in _CAPS_RE.finditer(text):
        token = m.group(0)
        around = text[max(m.start() - 1, 0) : m.start()] + text[m.end() : m.end() + 1]
        if _ROMAN_RE.fullmatch(token):
            continue
        if _SYLLABLE_RE.fullmatch(token.lower()) and not any(c in "-/" for c in around):
            continue
        found.add(token)
    return found


def _unlisted(text: str, catalogue: tuple[Term, ...]) -> list[Term]:
    """Abbreviations the table does not know ("BCH", a typo such as "CBND"): listed with their
    places so a reader sees them, their meaning left open."""
    known = {p for t in catalogue for f in t.forms for p in (f, *re.split(r"[-/.]", f)) if p}
    return [
        Term(token, UNLISTED, "chưa rõ nghĩa", (token,))
        for token in sorted(abbreviations_in(text) - known)
    ]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _distinct(longs: tuple[str, ...]) -> list[str]:
    """ "thành ủy", "tỉnh ủy" are two meanings; "chính trị - xã hội" and "chính trị xã hội" one."""
    plain = [x.replace(" - ", " ") for x in longs]
    return [x for i, x in enumerate(longs) if plain[i] not in plain[:i]]


def terms() -> tuple[Term, ...]:
    out = [
        Term(abbr, " hoặc ".join(_capital(x) for x in _distinct(longs)), "viết tắt", (abbr,))
        for abbr, longs in ABBREVIATIONS.items()
    ]
    out += [
        Term(code, f"{_capital(name)} (loại văn bản trong số hiệu)", "ký hiệu văn bản", (code,))
        for code, name in TYPE_CODES.items()
    ]
    return (*out, *_EXTRA)


@dataclass(frozen=True)
class Occurrence:
    doc_id: str
    document: str  # "Kế hoạch số 164/KH-UBND"
    clause: str  # "khoản 6 Mục III", "phần đầu văn bản", "phần cuối văn bản"
    count: int
    citation: Citation | None  # the first use in this clause


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    expansion: str
    kind: str
    occurrences: tuple[Occurrence, ...]

    @property
    def count(self) -> int:
        return sum(o.count for o in self.occurrences)

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.document for o in self.occurrences))


def _pattern(term: Term) -> re.Pattern[str]:
    forms = "|".join(re.escape(f) for f in sorted(term.forms, key=len, reverse=True))
    flags = 0 if term.case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w])(?:{forms})(?![\w])", flags)


# Signing marks and document codes mean that only in a header, a signature block or inside
# a số hiệu; in the body "KT" may be kinh tế and "TT" trung tâm.
_FRAMED = frozenset({"thẩm quyền ký", "ký hiệu văn bản"})


def _in_scope(term: Term, parsed: ParsedDocument, start: int, end: int) -> bool:
    d = parsed.document
    if term.kind not in _FRAMED or start < d.body_start or (d.body_end and start >= d.body_end):
        return True
    around = d.text[max(start - 1, 0) : start] + d.text[end : end + 1]
    return any(c in "-/" for c in around)


def _matches(
    parsed: ParsedDocument, catalogue: tuple[Term, ...]
) -> Iterator[tuple[Term, int, int]]:
    """Every use of every term; a longer form claims its characters first, so "CT" in
    "CT-XH" counts for CT-XH and "TW" in "BCĐTW" for BCĐTW."""
    text = parsed.document.text
    found = [
        (t, m.start(), m.end())
        for t in catalogue
        for m in _pattern(t).finditer(text)
        if _in_scope(t, parsed, m.start(), m.end())
    ]
    claimed: list[tuple[int, int]] = []
    for term, start, end in sorted(found, key=lambda f: (-(f[2] - f[1]), f[1])):
        if any(s < end and start < e for s, e in claimed):
            continue
        claimed.append((start, end))
        yield term, start, end


def _where(library: Library, parsed: ParsedDocument, pos: int, end: int) -> str:
    chunk = library.chunk_at(parsed, pos, end)
    if chunk is not None:
        return chunk.clause_label
    return "phần đầu văn bản" if pos < parsed.document.body_start else "phần cuối văn bản"


def _cite(
    library: Library, parsed: ParsedDocument, start: int, end: int, part: str
) -> Citation | None:
    span = sentence_around(parsed.document.text, start)
    return library.cite(parsed, *span, part) or library.cite(parsed, start, end, part)


def glossary(library: Library) -> list[GlossaryEntry]:
    """Every term that appears in the corpus, alphabetically (accents ignored)."""
    catalogue = terms()
    extra = {
        t.term: t
        for parsed in library.documents
        for t in _unlisted(parsed.document.text, catalogue)
    }
    catalogue = (*catalogue, *extra.values())
    places: dict[str, dict[tuple[str, str], list[tuple[int, int]]]] = {}
    for parsed in library.documents:
        for term, start, end in _matches(parsed, catalogue):
            where = _where(library, parsed, start, end)
            key = (parsed.document.doc_id, where)
            places.setdefault(term.term, {}).setdefault(key, []).append((start, end))
    entries = []
    for term in catalogue:
        found = places.get(term.term)
        if not found:
            continue
        occurrences = []
        for (doc_id, where), spans in found.items():
            parsed = library.parsed(doc_id)
            occurrences.append(
                Occurrence(
                    doc_id,
                    parsed.document.short_name,
                    where,
                    len(spans),
                    _cite(library, parsed, *spans[0], where),
                )
            )
        entries.append(GlossaryEntry(term.term, term.expansion, term.kind, tuple(occurrences)))
    return sorted(entries, key=lambda e: folded_key(e.term))
