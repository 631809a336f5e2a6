"""Where a document states a fact: the span to quote for its number, date, signer, copy
stamp and the document it implements, and which sentences carry figures or deadlines.

Shared by the composer (answers) and the learning views (overview, quiz), so both quote
the same words for the same fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.layout import PLACE_DATE_RE, WEB_META_RE
from assistant.types import Document

DEADLINE_RE = re.compile(
    r"\d{1,2}/\d{1,2}|trước ngày|hằng năm|hàng năm|định kỳ|6 tháng|hằng quý|hàng quý|giai đoạn|đến năm \d{4}"
    # a time limit of the legal kind: "chậm nhất 24 giờ", "trong thời hạn 15 ngày làm việc"
    # ("Không quá 20 (hai mươi) ngày": the number also spelled out, as legal texts write it)
    r"|chậm nhất|trong thời hạn|đến hết|trong vòng|thời hiệu"
    r"|\b\d{1,3}(?:\s*\([^()\d]{2,40}\))?\s+(?:ngày|giờ|tháng|năm)\b(?!\s*\d)"
)
_NUMBER_RE = re.compile(r"\d")
# Dates and document numbers are not the figures a "bao nhiêu" question asks for.
# Also decree numbers ("Nghị định 13/2023"), dates written with "-" or ".", and references to
# parts of a text ("khoản 2 Điều 5").
NOT_A_FIGURE_RE = re.compile(
    r"\d+/\d{4}\b|\d{1,4}\s*[-/]\s*[A-ZĐ][\w/-]*|\d{1,2}/\d{1,2}(?:/\d{2,4})?|năm \d{4}"
    r"|\b\d{1,2}[-.]\d{1,2}[-.]\d{4}\b"
    r"|(?i:\b(?:khoản|điều|điểm|mục|chương|phần|tiết)\s+\d+(?:\.\d+)*)"
)
AUTHORITY_LINE_RE = re.compile(r"(?m)^[\W_]*(?:T/M|TM\.?|KT\.?|K/T|TL\.?|T/L|TUQ\.?|Q\.)\s")
_MAX_SIGNATURE_BLOCK = 300


def is_deadline(sentence: str) -> bool:
    """The sentence names a date, a period or a time frame ("trước ngày 20/11 hàng năm")."""
    return DEADLINE_RE.search(sentence) is not None


def is_figure(sentence: str) -> bool:
    """The sentence has a number that is neither a date nor part of a document number."""
    return _NUMBER_RE.search(NOT_A_FIGURE_RE.sub(" ", sentence)) is not None


@dataclass(frozen=True)
class SignatureSpan:
    """The words that name a document's signer: the whole signature block when there is
    one, else the name in the web page's table (``part`` says which)."""

    start: int
    end: int
    name_start: int
    part: str  # "phần ký" or "bảng thông tin văn bản"

    @property
    def with_title(self) -> bool:
        """The quote holds the authority and title lines above the name."""
        return self.start < self.name_start


def signature_span(d: Document) -> SignatureSpan | None:
    if not (d.signer and d.signer.name):
        return None
    text = d.text
    pos = text.find(d.signer.name, d.body_end)
    if pos < 0:
        return None
    end = pos + len(d.signer.name)
    if WEB_META_RE.match(line_at(text, pos)):
        # Only the web page's table names the signer: say no more than it does.
        return SignatureSpan(pos, end, pos, "bảng thông tin văn bản")
    # Quote the whole signature block, so the authority and title are in the quote too.
    auth = AUTHORITY_LINE_RE.search(text, d.body_end, pos) if d.signer.authority else None
    block = text.rfind("\n", 0, auth.start()) + 1 if auth else pos
    start = block if pos - block < _MAX_SIGNATURE_BLOCK else pos
    return SignatureSpan(start, end, pos, "phần ký")


def place_date_span(d: Document) -> tuple[int, int] | None:
    """Span of "Hà Nội, ngày 05 tháng 6 năm 2023" inside its own header line and column."""
    header = d.text[: d.body_start or len(d.text)]
    pos = 0
    for line in header.split("\n"):
        for cell in re.finditer(r"[^\t|*]+", line):
            m = PLACE_DATE_RE.search(cell.group(0))
            if m:
                start = pos + cell.start() + m.start()
                return start, pos + cell.start() + m.end()
        pos += len(line) + 1
    # A web page's cell wrapped inside the date ("Hà Nội, ngày 25\ntháng 11 năm 2025"): the
    # same search with line breaks read as spaces (positions unchanged).
    for cell in re.finditer(r"[^\t|*]+", header.replace("\n", " ")):
        m = PLACE_DATE_RE.search(cell.group(0))
        if m:
            return cell.start() + m.start(), cell.start() + m.end()
    return None


def title_span(d: Document) -> tuple[int, int] | None:
    """Where the header writes the trích yếu ("V/v thực hiện Kết luận số 44-KL/TW"), whatever
    line breaks or markup lie between its words; None when it is not in the text."""
    words = re.findall(r"\w+", d.title or "")
    if not words:
        return None
    pattern = re.compile(r"\W+".join(re.escape(w) for w in words), re.IGNORECASE)
    m = pattern.search(d.text, 0, max(d.body_start, 0) or len(d.text))
    m = m or pattern.search(d.text)
    return (m.start(), m.end()) if m else None


def number_line_span(d: Document) -> tuple[int, int] | None:
    """The header line that gives the số hiệu: "Số: 164/KH-UBND |"."""
    if not d.doc_number:
        return None
    m = re.search(
        r"Số(?:\s*hiệu)?\s*:?\s*" + re.escape(d.doc_number.split("-")[0].split("/")[0]), d.text
    )
    if not m:
        return None
    end = d.text.find("\n", m.start())
    return m.start(), end if end > 0 else m.end()


def copy_stamp_span(d: Document) -> tuple[int, int] | None:
    """The copy stamp's number ("46-SL/ĐUK"), or its "SAO LỤC" line."""
    if d.copy_stamp is None:
        return None
    marker = d.copy_stamp.number or "SAO LỤC"
    pos = d.text.find(marker, d.copy_stamp.start)
    return (pos, pos + len(marker)) if pos >= 0 else None


def find_number(text: str, number: str, start: int = 0) -> int:
    """Where a số hiệu is written as a whole ("5-KL/TW" is not inside "15-KL/TW"); -1 if not."""
    m = re.compile(rf"(?<![\w/-]){re.escape(number)}(?![\w/-])").search(text, start)
    return m.start() if m else -1


def implements_span(d: Document) -> tuple[int, int] | None:
    """The sentence that names the first document this one implements."""
    if not d.implements:
        return None
    span = sentence_around(d.text, find_number(d.text, d.implements[0]))
    return span if span[0] >= 0 else None


Span = tuple[int, int]


def _loose(phrase: str) -> str:
    """A pattern for ``phrase`` that tolerates a PDF's split syllables ("hiệ u lự c")."""
    return r"\s+".join(r"\s*".join(map(re.escape, word)) for word in phrase.split())


# "Nghị định này có hiệu lực thi hành kể từ ngày …", "… và có hiệu lực thi hành kể từ ngày ký".
_EFFECTIVE_CLAUSE_RE = re.compile(
    rf"{_loose('có hiệu lực')}(?:\s+{_loose('thi hành')})?\s+(?:{_loose('kể')}\s+)?{_loose('từ ngày')}",
    re.IGNORECASE,
)


_UNIT_MARKER_RE = re.compile(r"\**(?:Điều\s+\d+[a-zđ]?\.|\d{1,2}\.|[a-zđ]\))\**\s+")
_LINE_UNIT_RE = re.compile(rf"(?m)^{_UNIT_MARKER_RE.pattern}")


def effective_span(d: Document) -> Span | None:
    """The sentence of the body in which the document says when it takes effect."""
    text = d.text
    for m in _EFFECTIVE_CLAUSE_RE.finditer(text, d.body_start):
        # The sentence, across a PDF's or a web page's hard line breaks, not past a paragraph.
        start = max(text.rfind(". ", 0, m.start()) + 2, text.rfind("\n\n", 0, m.start()) + 2, 0)
        ends = [i for i in (text.find(". ", m.end()), text.find(".\n", m.end())) if i >= 0]
        end = min([*ends, len(text) - 1]) + 1
        paragraph = text.find("\n\n", m.end())
        end = min(end, paragraph) if paragraph >= 0 else end
        # A unit opening a line starts the sentence too, where a web page writes each
        # paragraph on one line ("**Điều 2.** Quyết định này có hiệu lực …").
        units = [u.start() for u in _LINE_UNIT_RE.finditer(text, start, m.start())]
        start = units[-1] if units else start
        marker = _UNIT_MARKER_RE.match(text, start)  # "1.", "**Điều 20.**": not the sentence
        start = marker.end() if marker and marker.end() < m.start() else start
        # The document's own ("Nghị định này", "Quy định này … và"), not another's it names.
        if re.search(r"\bn\s*à\s*y\b", text[start : m.start()]):
            return start, end
    return None


def issuer_spans(d: Document) -> tuple[Span | None, Span | None]:
    """The body sentence that names the issuer ("UBND thành phố Hà Nội ban hành Kế hoạch …"),
    and the issuer's name wherever it first appears, for when no clause holds that sentence."""
    if not d.issuer:
        return None, None
    head = " ".join(d.issuer.split()[:3])
    pos = d.text.find(head, d.body_start)
    in_body = sentence_around(d.text, pos) if pos >= 0 else None
    pos = d.text.find(d.issuer)
    return in_body, (pos, pos + len(d.issuer)) if pos >= 0 else None


_NUMBER = r"\d+(?:[.,]\d+)*"
FIGURE_RE = re.compile(
    rf"(?<![\w/.,-])(?P<value>{_NUMBER}(?:\s*[-–]\s*{_NUMBER})?)"
    r"(?P<unit>\s*%|\s+(?:triệu|tỷ|nghìn|ngàn)\s+đồng)?(?![\w/%])"
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?")
_FULL_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")
_DOC_NUMBER_RE = re.compile(r"\d{1,4}\s*[-/]\s*[A-ZĐ][\w/-]*")
# "Chỉ thị 43": a document named by its number alone.
_NAMED_DOCUMENT_RE = re.compile(
    r"(?:Chỉ thị|Kết luận|Kế hoạch|Công văn|Nghị quyết|Quyết định|Thông tư)\s+(?:số\s+)?\d+"
)
_ITEM_MARKER_RE = re.compile(r"^\W*\d{1,2}(?:\.\d{1,2})*[.)]")
_DAY_MONTH_RE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])")


def _masked(sentence: str, *patterns: re.Pattern[str]) -> str:
    """The sentence with every match blanked out, positions kept."""
    for pattern in patterns:
        sentence = pattern.sub(lambda m: " " * len(m.group(0)), sentence)
    return sentence


def figure_spans(sentence: str) -> list[Span]:
    """Figures a target states: "80%", "2,5%", "800 - 1.400", "20 triệu đồng"; not dates,
    years, document numbers or periods ("6 tháng"), as spans of ``sentence``."""
    masked = _masked(sentence, _ITEM_MARKER_RE, NOT_A_FIGURE_RE, _NAMED_DOCUMENT_RE, DEADLINE_RE)
    return [
        (m.start(), m.end())
        for m in FIGURE_RE.finditer(masked)
        if not _YEAR_RE.fullmatch(m["value"])
    ]


def states_deadline(sentence: str) -> bool:
    """A deadline or period of its own, not just the date of a document it names."""
    return is_deadline(_masked(sentence, _FULL_DATE_RE, _DOC_NUMBER_RE))


def deadline_date_spans(sentence: str) -> list[Span]:
    """Day/month deadlines without a year ("trước 15/12", "trước ngày 20/11 hàng năm")."""
    masked = _masked(sentence, _FULL_DATE_RE, _DOC_NUMBER_RE)
    return [(m.start(), m.end()) for m in _DAY_MONTH_RE.finditer(masked)]


def sentence_around(text: str, pos: int) -> tuple[int, int]:
    """The sentence or line holding ``pos``; (-1, -1) when ``pos`` is negative."""
    if pos < 0:
        return (-1, -1)
    start = max(text.rfind(". ", 0, pos) + 2, text.rfind("\n", 0, pos) + 1, 0)
    ends = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    while end > start and text[end - 1] in " \n*|":
        end -= 1
    return start, end


def line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()
