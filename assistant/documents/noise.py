"""What a reader's text holds that is not the document's words: page furniture and split syllables.

A reader keeps the text exactly as extracted, because every character span and every
quote indexes it. What is printed by the publisher rather than written by the issuer,
or broken by text extraction, is left out of the *searchable* text only:

- **Page furniture** (PDF): the Công báo's running header "CÔNG BÁO/Số 1583 + 1584/Ngày
  17-11-2025   4" and its section rubric ("VĂN BẢN QUY PHẠM PHÁP LUẬT") and colophon
  ("VĂN PHÒNG CHÍNH PHỦ XUẤT BẢN" to the end); in any PDF, a short line that recurs at
  page breaks, evenly spaced, with a number growing page by page ("Trang 3", "- 3 -",
  "3"); never a heading such as "Mục 2".
- **Split syllables** (PDF): justified text comes out of pypdf with a space inside a
  syllable ("vi phạ m", "tr ật tự", "Ngh ị định"). Each run of words one space apart is
  regrouped into well-formed Vietnamese syllables (onset, rhyme, one tone mark),
  preferring words the same text writes whole ("quy ền" → "quyền", "là m ức" → "là
  mức"); two real words stay apart ("cho ăn", "điểm b và c"). On the Công báo of
  Nghị định 282/2025/NĐ-CP this leaves 6 broken words of 2,214 (checked against
  poppler's pdftotext).

``noise_spans(text, fmt)`` returns these as sorted, disjoint ``(start, end)`` ranges of
``text``: whole lines (without their newline) and single spaces. ``fmt`` is the reader's
format (``Document.format``). How to use them, computing the spans once per document:

- A line's searchable text: ``without_noise(text, spans, line.start, line.end)``. A
  header line comes out empty, so it reads as a blank line, and a paragraph broken by a
  page header joins up as one broken by a blank line does (``is_noise_line`` says so
  without building the string).
- A chunk's ``clean_text`` from its span: ``within(spans, start, end)`` gives the spans
  relative to ``text[start:end]``, for code that works on the span's own string.
- ``Chunk.text``, spans and quotes still index the raw text. A match found in the
  searchable text maps back to the exact raw quote through the offsets
  ``searchable(text, spans)`` returns.

Text other than PDF has no page breaks or justified extraction: only the Công báo header
pattern applies to it (a gazette page pasted into a .txt).
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from functools import cache

Span = tuple[int, int]

# "CÔNG BÁO/Số 1583 + 1584/Ngày 17-11-2025   4" (odd pages) or "4   CÔNG BÁO/…" (even).
GAZETTE_HEADER_RE = re.compile(
    r"^\s*(?:\d{1,4}\s+)?CÔNG BÁO\s*/\s*Số\s*[\d\s+]+/\s*Ngày\s*\d{1,2}\s*-\s*\d{1,2}\s*-\s*\d{4}"
    r"(?:\s+\d{1,4})?\s*$"
)
_GAZETTE_RUBRIC_RE = re.compile(
    r"^\s*(?:VĂN BẢN QUY PHẠM PHÁP LUẬT|VĂN BẢN HỢP NHẤT|VĂN BẢN KHÁC|VĂN BẢN HÀNH CHÍNH)\s*$"
)
_GAZETTE_COLOPHON_RE = re.compile(r"^\s*VĂN PHÒNG CHÍNH PHỦ XUẤT BẢN\s*$")

_NUMBER_RE = re.compile(r"\d+")
# Headings and numbered clauses recur with growing numbers too; they are the document's words.
_HEADING_RE = re.compile(
    r"^\W*(?:(?:Phần|Chương|Mục|Tiểu mục|Điều|Phụ lục|Mẫu|Biểu|Bảng|Hình|Khoản|Điểm)\b"
    r"|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVXLC]+[.)]\s)",
    re.IGNORECASE,
)
_RUNNING_MAX_CHARS = 120
_RUNNING_MIN_LINES_APART = 10  # a page holds more lines than this; a numbered list does not


def noise_spans(text: str, fmt: str) -> list[Span]:
    """Sorted, disjoint ranges of ``text`` that are not the document's words (see module doc)."""
    lines = _lines(text)
    spans: list[Span] = []
    gazette = [i for i, (_, _, raw) in enumerate(lines) if GAZETTE_HEADER_RE.match(raw)]
    spans += [lines[i][:2] for i in gazette]
    if gazette:
        for start, end, raw in lines:
            if _GAZETTE_RUBRIC_RE.match(raw):
                spans.append((start, end))
            elif _GAZETTE_COLOPHON_RE.match(raw) and start > len(text) // 2:
                spans.append((start, len(text)))
                break
    if fmt == "pdf":
        spans += _running_lines(lines)
        spans += split_syllable_spaces(text)
    return _merge(spans)


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _running_lines(lines: list[tuple[int, int, str]]) -> list[Span]:
    """Lines repeated at page breaks whose number grows page by page: running headers and footers."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, raw) in enumerate(lines):
        words = " ".join(raw.split())
        if words and len(words) <= _RUNNING_MAX_CHARS and _NUMBER_RE.search(words):
            by_key[_NUMBER_RE.sub("#", words)].append(i)

    def at_break(i: int) -> bool:
        before = i == 0 or not lines[i - 1][2].strip()
        after = i == len(lines) - 1 or not lines[i + 1][2].strip()
        return before or after

    spans: list[Span] = []
    for found in by_key.values():
        if len(found) < 3 or sum(map(at_break, found)) < 0.8 * len(found):
            continue
        gaps = sorted(b - a for a, b in itertools.pairwise(found))
        if gaps[0] < _RUNNING_MIN_LINES_APART or gaps[-1] > 3 * gaps[len(gaps) // 2]:
            continue  # pages are of a size; "Mục 1" … "Mục 3" headings are not evenly spaced
        if _HEADING_RE.match(lines[found[0]][2]):
            continue
        numbers = [[int(n) for n in _NUMBER_RE.findall(lines[i][2])] for i in found]
        if any(  # a page number: one or two more each time (odd and even pages differ)
            all(0 < b[k] - a[k] <= 2 for a, b in itertools.pairwise(numbers))
            for k in range(len(numbers[0]))
        ):
            spans += [lines[i][:2] for i in found]
    return spans


# --- split syllables -------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_ONSETS = (
    "ngh ng nh ch gh gi kh ph th tr qu b c d đ g h k l m n p r s t v x".split()
)  # fmt: skip
_RHYMES: frozenset[str] = frozenset(
    nucleus + coda
    for nucleus, codas in {
        "a": ",c,ch,m,n,ng,nh,p,t,i,o,u,y", "ă": "c,m,n,ng,p,t", "â": "c,m,n,ng,p,t,u,y",
        "e": ",c,m,n,ng,p,t,o", "ê": ",ch,m,n,nh,p,t,u", "i": ",ch,m,n,nh,p,t,u,a",
        "y": ",", "o": ",c,m,n,ng,p,t,i", "ô": ",c,m,n,ng,p,t,i", "ơ": ",m,n,p,t,i",
        "u": ",c,m,n,ng,p,t,i,a,y", "ư": ",c,m,n,ng,t,i,u,a",
        "iê": "c,m,n,ng,p,t,u", "yê": "c,m,n,ng,p,t,u", "uô": "c,m,n,ng,t,i",
        "ươ": "c,m,n,ng,p,t,i,u", "oa": ",c,ch,i,m,n,ng,nh,p,t,y", "oă": "c,m,n,ng,t",
        "oe": ",n,t,o", "uâ": "n,ng,t,y", "uê": ",ch,n,nh", "uy": ",ch,n,nh,p,t,a,u",
        "uyê": "n,t",
    }.items()
    for coda in codas.split(",")
)  # fmt: skip
_WORD_RE = re.compile(r"[^\W\d_]+")


@cache
def is_syllable(word: str) -> bool:
    """One well-formed Vietnamese syllable: onset, rhyme, at most one tone mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(c in _TONES for c in decomposed)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if tones > 1:
        return False
    if base in _RHYMES:
        return True
    return any(base.startswith(o) and base[len(o) :] in _RHYMES for o in _ONSETS)


def _same_case(left: str, right: str) -> bool:
    if left.isupper() and right.isupper():
        return True
    return right.islower() and (left[1:] == "" or left[1:].islower())


_MAX_PIECES = 4  # "ngh i ệ p": no syllable is split into more


def split_syllable_spaces(text: str) -> list[Span]:
    """Single spaces that PDF extraction put inside a syllable: "phạ m", "tr ật", "quy ền"."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    whole = {w.lower() for _, _, w in words}
    spans: list[Span] = []
    run: list[tuple[int, int, str]] = []
    for word in [*words, (-2, -2, "")]:  # the sentinel ends the last run
        if run and word[0] == run[-1][1] + 1 and text[run[-1][1]] == " ":
            run.append(word)
            continue
        if len(run) > 1:
            spans += _joins(run, whole, text)
        run = [word]
    return spans


_VOWEL_RE = re.compile(
    r"[aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I
)
_VOWEL_START_RE = re.compile(r"^" + _VOWEL_RE.pattern, re.I)
_LABEL_NEIGHBOURS = frozenset({"điểm", "và", "hoặc", "khoản", "điều", "tiết"})


def _is_label(run: list[tuple[int, int, str]], k: int, text: str) -> bool:
    """A lone letter naming an điểm: "các điểm b và c khoản 2", "điểm a, b"."""
    start, end, word = run[k]
    if len(word) != 1:
        return False
    before = run[k - 1][2].lower() if k > 0 else text[max(0, start - 2) : start].strip()
    after = run[k + 1][2].lower() if k + 1 < len(run) else text[end : end + 1]
    return bool({before, after} & _LABEL_NEIGHBOURS) or "," in (before, after)


def _joins(run: list[tuple[int, int, str]], whole: set[str], text: str) -> list[Span]:
    """The spaces to drop in a run of words one space apart: the best grouping into syllables.

    A group of pieces scores 2 when the joined word is written whole elsewhere, 1 when a
    piece of two letters or more cannot stand alone ("ngh"), and -1 otherwise ("cho ăn"
    is two words though "choăn" is well-formed); a piece left alone scores 0, or -2 when
    it is neither a syllable nor a letter naming an điểm. A lone consonant before a vowel
    leans to that vowel ("bí m ật" is "bí mật", not "bím ật").
    """
    pieces = [w for _, _, w in run]
    n = len(pieces)
    best: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)  # (score, start of the last group)
    for end in range(1, n + 1):
        options: list[tuple[float, int]] = []
        for start in range(max(0, end - _MAX_PIECES), end):
            score: float
            group = pieces[start:end]
            joined = "".join(group)
            if len(group) == 1:
                score = 0 if is_syllable(joined) or _is_label(run, start, text) else -2
            elif not is_syllable(joined) or not all(
                _same_case(a, b) for a, b in itertools.pairwise(group)
            ):
                continue
            elif joined.lower() in whole:
                score = 2
            else:
                score = 1 if any(len(p) > 1 and not is_syllable(p) for p in group) else -1
            if (
                len(group) > 1
                and _VOWEL_START_RE.match(group[1])
                and not _VOWEL_RE.search(group[0])
            ):
                score += 0.5  # "m ật": a lone consonant before a vowel is that syllable's onset
            options.append((best[start][0] + score, start))
        best[end] = max(options)
    spans: list[Span] = []
    end = n
    while end > 0:
        start = best[end][1]
        spans += [(run[k][1], run[k + 1][0]) for k in range(start, end - 1)]
        end = start
    return sorted(spans)


# --- using the spans ---------------------------------------------------------------------


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        elif end > start:
            out.append((start, end))
    return out


def without_noise(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with every noise range left out."""
    end = len(text) if end is None else end
    parts: list[str] = []
    pos = start
    for s, e in spans[max(0, bisect_right(spans, (start, start)) - 1) :]:
        if s >= end:
            break
        if e <= pos:
            continue
        parts.append(text[pos : max(pos, s)])
        pos = max(pos, e)
    parts.append(text[pos:end] if pos < end else "")
    return "".join(parts)


def within(spans: list[Span], start: int, end: int) -> list[Span]:
    """The noise inside ``text[start:end]``, as ranges of that substring."""
    return [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]


def is_noise_line(spans: list[Span], start: int, end: int) -> bool:
    """True when the non-empty range ``[start, end)`` (a line) lies inside one noise range."""
    i = bisect_right(spans, (start, sys.maxsize)) - 1
    return end > start and i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def searchable(text: str, spans: list[Span]) -> tuple[str, list[int]]:
    """The text without noise, and for each of its characters the raw offset it came from.

    A match ``[a, b)`` in the searchable text is ``raw[offsets[a] : offsets[b - 1] + 1]``.
    """
    kept: list[str] = []
    offsets: list[int] = []
    pos = 0
    for s, e in [*spans, (len(text), len(text))]:
        kept.append(text[pos:s])
        offsets.extend(range(pos, s))
        pos = max(pos, e)
    return "".join(kept), offsets
