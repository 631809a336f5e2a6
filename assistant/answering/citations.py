"""Citations: choose the exact words to quote, and check every quote before it is shown.

PaperQA2 maps citation keys back to retrieved contexts and strips the ones that match
none; we do the same and go one step further: a quote must be the source's own text at
the recorded span, character for character, or it is dropped together with any
statement that no longer has a valid marker.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from assistant.documents.blocks import wrap_mode
from assistant.documents.layout import split_lines
from assistant.documents.textnorm import folded_key
from assistant.types import Answer, Chunk, Citation, Clause, Document, Statement

_LEAD_RE = re.compile(
    r"^(?:\s|\*\*|#+|\\\*)*(?:[-–—+•·]\s*|\d{1,2}(?:\.\d{1,2})*[.)](?:\*\*)?\s+|[IVXL]+\.\s+|[a-zđ]\)\s+)?(?:\*\*)?"
)
_HEADING_LINE_RE = re.compile(r"^(?:\s|\*|#)*(?:\d{1,2}(?:\.\d{1,2})*|[IVXL]+)[.)]\s*[^\n]*$")
_SENTENCE_END_RE = re.compile(r"[.;!?…](?:\s|$)|\n")
_TRAIL = " \t\n*|"
MAX_QUOTE_CHARS = 420
# A longer first line is body text that lost its end to a page break, not a heading.
MAX_HEADING_CHARS = 200


def body_span(chunk: Chunk) -> tuple[int, int]:
    """The clause's own words: without a heading line above them and without the item marker."""
    text = chunk.text
    offset = 0
    first, newline, rest = text.partition("\n")
    if (
        newline
        and rest.strip()
        and len(first) <= MAX_HEADING_CHARS
        and _HEADING_LINE_RE.match(first)
        and not re.search(r"[.;!?]\**\s*$", first)
        and not _wraps(text, len(first))  # "1. Tài liệu của các tổ chức …, các\ntổ chức …"
    ):
        offset = len(first) + 1  # "6. Sở Y tế" above its body: quote the body
        while offset < len(text) and text[offset] in " \n":
            offset += 1
    lead = _LEAD_RE.match(text, offset)
    if lead:
        offset = lead.end()
    end = len(text.rstrip(_TRAIL))
    return chunk.start + offset, chunk.start + max(end, offset)


# A line that goes on the sentence above it: hard-wrapped text (PDF layers, web Markdown)
# breaks lines inside sentences ("… đôn đốc, tổ\nchức thực hiện …"). It begins with a
# word (or a name: "… và Chủ tịch\nUBND tỉnh …"), and is not an item of its own ("a)",
# "1.", "-", "Điều 5.") nor a line in capitals (a title).
_WRAPPED_LINE_RE = re.compile(
    r"[ \t]*(?![a-zđ]\)|\d{1,2}(?:\.\d{1,2})*[.)]\s|(?:Điều|Chương|Mục|Phần)\s+\w+[.:]"
    r"|[A-ZĐÀ-Ỹ\s]{12,}$)\w",
    re.MULTILINE,
)
_OPEN_LINE_END_RE = re.compile(r"[^.;:!?…”\")\]»*|\s]\s*$")


@functools.lru_cache(maxsize=64)
def _hard_wrapped(text: str) -> bool:
    """True for text whose lines were wrapped at a margin (PDF layers, web Markdown), False
    when each line is a paragraph (Word): the same reading the parser makes of the document.
    (A ``str`` caches its hash, so a document's text is examined once.)"""
    return wrap_mode(split_lines(text)) != "lines"


def _wraps(text: str, newline: int, upper_goes_on: bool = False) -> bool:
    """True when the line break at ``newline`` is a wrap inside a sentence, not its end. In
    text where a line is a paragraph only a lower-case next line goes on (a page break);
    "6. Sở Y tế" above "Chủ trì …" is a heading above its body."""
    line_start = text.rfind("\n", 0, newline) + 1
    if not _OPEN_LINE_END_RE.search(text, line_start, newline):
        return False
    following = _WRAPPED_LINE_RE.match(text, newline + 1)
    if not following:
        return False
    return upper_goes_on or not text[following.end() - 1].isupper()


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences and semicolon-separated parts of ``text[start:end]`` as absolute spans;
    a line break ends a sentence unless the text was only wrapped there."""
    spans = []
    pos = start
    wrapped: bool | None = None
    for m in _SENTENCE_END_RE.finditer(text, start, end):
        if text[m.start()] == "\n":
            if wrapped is None:
                wrapped = _hard_wrapped(text)
            if _wraps(text, m.start(), wrapped):
                continue
        stop = m.start() + 1 if text[m.start()] != "\n" else m.start()
        if stop > pos:
            spans.append((pos, stop))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n*":
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    return start, end


MIN_QUOTE_CHARS = 120


def quote_span(
    document: Document,
    chunk: Chunk,
    focus: Iterable[str] = (),
    max_chars: int = MAX_QUOTE_CHARS,
    start_at: int | None = None,
) -> tuple[int, int]:
    """The span to quote from a chunk: all of it when short, else the sentences that best
    match ``focus`` (question words, numbers), or that begin at ``start_at``, lightly
    trimmed at sentence boundaries."""
    text = document.text
    start, end = body_span(chunk)
    if end - start <= max_chars and start_at is None:
        return _trim(text, start, end)
    sentences = sentence_spans(text, start, end)
    if not sentences:
        return _trim(text, start, min(end, start + max_chars))
    if start_at is not None:
        first = next((i for i, (s, e) in enumerate(sentences) if s <= start_at < e), 0)
        last = first
        while (
            last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= max_chars
        ):
            last += 1
        return sentences[first][0], sentences[last][1]
    terms = [folded_key(t) for t in focus if t.strip()]

    def score(span: tuple[int, int]) -> float:
        words = folded_key(text[span[0] : span[1]])
        return sum(len(t) for t in terms if t in words)

    best = max(range(len(sentences)), key=lambda i: (score(sentences[i]), -i))
    first = last = best
    while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= max_chars:
        short = sentences[last][1] - sentences[first][0] < MIN_QUOTE_CHARS
        if not short and terms and score(sentences[last + 1]) == 0 and score(sentences[best]) > 0:
            break
        last += 1
    return sentences[first][0], sentences[last][1]


def _citation(number: int, document: Document, start: int, end: int, **where: object) -> Citation:
    return Citation(
        number=number,
        doc_id=document.doc_id,
        doc_number=document.doc_number,
        doc_type=document.doc_type,
        issuer=document.issuer,
        date=document.date,
        quote=document.text[start:end],
        source=document.source,
        start=start,
        end=end,
        **where,  # type: ignore[arg-type]
    )


def cite_chunk(number: int, document: Document, chunk: Chunk, span: tuple[int, int]) -> Citation:
    return _citation(
        number,
        document,
        *span,
        label=chunk.label,
        clause=chunk.clause_label,
        clause_path=chunk.clause_path,
        clause_start=chunk.clause_start,
        clause_end=chunk.clause_end,
        chunk_id=chunk.id,
    )


def cite_clause(number: int, document: Document, clause: Clause, span: tuple[int, int]) -> Citation:
    """Words of a clause that no single chunk holds, such as the heading above its dashes."""
    return _citation(
        number,
        document,
        *span,
        label=f"{clause.label} {document.citation_name}",
        clause=clause.label,
        clause_path=clause.path,
        clause_start=clause.start,
        clause_end=clause.end,
    )


def cite_unit(
    number: int,
    document: Document,
    clause: str,
    label: str,
    path: tuple[str, ...],
    span: tuple[int, int],
    whole: tuple[int, int],
) -> Citation | None:
    """Words of a unit no single chunk holds (the lead above a list's điểm), by its label."""
    if not 0 <= span[0] < span[1] <= len(document.text):
        return None
    return _citation(
        number,
        document,
        *span,
        label=label,
        clause=clause,
        clause_path=path,
        clause_start=whole[0],
        clause_end=whole[1],
    )


def cite_text(number: int, document: Document, part: str, start: int, end: int) -> Citation | None:
    """A header or signature fact ("phần ký", "phần đầu văn bản") quoted from its place."""
    if not 0 <= start < end <= len(document.text):
        return None
    return _citation(
        number,
        document,
        start,
        end,
        label=f"{part} {document.citation_name}",
        clause=part,
        clause_path=(part,),
        clause_start=start,
        clause_end=end,
    )


def is_valid(citation: Citation, documents: Mapping[str, Document]) -> bool:
    """The quote is the source's own text at its span, inside the clause it names."""
    c = citation
    return (
        bool(c.quote.strip())
        and c.doc_id in documents
        and documents[c.doc_id].text[c.start : c.end] == c.quote
        and c.clause_start <= c.start < c.end <= c.clause_end
    )


def verify(answer: Answer, documents: Mapping[str, Document]) -> Answer:
    """Drop every citation whose quote is not the source's text at its span, every marker
    that points at no citation, and every fact statement left without a valid marker.
    Citations are renumbered 1…n in order of first use."""
    valid = {c.number: c for c in answer.citations if is_valid(c, documents)}
    renumber: dict[int, int] = {}
    statements: list[Statement] = []
    for s in answer.statements:
        kept = tuple(n for n in s.citations if n in valid)
        if s.kind in ("fact", "related") and not kept:
            continue  # a claim whose every source failed the check is not shown
        for n in kept:
            renumber.setdefault(n, len(renumber) + 1)
        statements.append(dataclasses.replace(s, citations=tuple(renumber[n] for n in kept)))
    citations = tuple(
        dataclasses.replace(valid[old], number=new)
        for old, new in sorted(renumber.items(), key=lambda kv: kv[1])
    )
    return dataclasses.replace(answer, statements=tuple(statements), citations=citations)


def markers_in(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def unique_by_span(citations: Sequence[Citation]) -> list[Citation]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for c in citations:
        if (c.doc_id, c.start, c.end) not in seen:
            seen.add((c.doc_id, c.start, c.end))
            out.append(c)
    return out
