"""One document at a glance, built from its structure: metadata, the document it
implements, its parts and their headings, its targets and deadlines, and the bodies it
assigns work to. Every line carries the citation of the words it comes from; a line
whose words cannot be quoted is left out rather than written from memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.answering.citations import body_span, sentence_spans
from assistant.documents.facts import (
    copy_stamp_span,
    figure_spans,
    find_number,
    issuer_spans,
    number_line_span,
    place_date_span,
    sentence_around,
    signature_span,
    states_deadline,
)
from assistant.documents.structure import RANKS
from assistant.documents.textnorm import folded_key, strip_markup
from assistant.learn.library import NEWS, Library
from assistant.types import Citation, Clause, ParsedDocument, format_vn_date

MAX_LINE_CHARS = 160
SECTIONS = (
    ("metadata", "Thông tin văn bản"),
    ("implements", "Văn bản được thực hiện"),
    ("part", "Bố cục"),
    ("target", "Chỉ tiêu, con số"),
    ("deadline", "Thời hạn, định kỳ"),
    ("body", "Cơ quan được giao việc"),
)


@dataclass(frozen=True)
class OverviewLine:
    """One line of an overview: ``text`` is what the quoted words say, shortened at most."""

    kind: str  # one of SECTIONS: "metadata", "implements", "part", "target", "deadline", "body"
    label: str  # "Số hiệu", "khoản 6 Mục III", "Sở Y tế"
    text: str
    citations: tuple[Citation, ...]
    depth: int = 0  # 1 for a khoản under its Mục

    @property
    def citation(self) -> Citation:
        return self.citations[0]


@dataclass(frozen=True)
class DocumentOverview:
    parsed: ParsedDocument
    lines: tuple[OverviewLine, ...]

    def section(self, kind: str) -> tuple[OverviewLine, ...]:
        return tuple(line for line in self.lines if line.kind == kind)


def shorten(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """One line of source text without markup, cut at a word with "…" when too long."""
    words = " ".join(strip_markup(line) for line in text.splitlines() if strip_markup(line))
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def overview(library: Library, parsed: ParsedDocument) -> DocumentOverview:
    lines = [
        *_metadata(library, parsed),
        *_implements(library, parsed),
        *_parts(library, parsed),
        *_figures_and_deadlines(library, parsed),
        *_bodies(library, parsed),
    ]
    return DocumentOverview(parsed, tuple(lines))


def _line(
    kind: str, label: str, text: str, citation: Citation | None, depth: int = 0
) -> Iterator[OverviewLine]:
    if citation is not None:
        yield OverviewLine(kind, label, text, (citation,), depth)


def _metadata(library: Library, parsed: ParsedDocument) -> Iterator[OverviewLine]:
    d = parsed.document
    number = number_line_span(d)
    if d.doc_number and number:
        cite = library.cite(parsed, *number)
        yield from _line("metadata", "Số hiệu", f"{d.doc_number} ({d.doc_type})", cite)
    date = place_date_span(d)
    if d.date and date:
        where = f"{d.place}, " if d.place else ""
        cite = library.cite(parsed, *date)
        yield from _line("metadata", "Nơi, ngày ban hành", where + format_vn_date(d.date), cite)
    if d.issuer:
        in_body, anywhere = issuer_spans(d)
        cite = library.cite(parsed, *in_body) if in_body else None
        if cite is None or cite.chunk_id is None:
            cite = library.cite(parsed, *anywhere) if anywhere else None
        yield from _line("metadata", "Cơ quan ban hành", d.issuer, cite)
    if d.title:
        # The header often writes the title in capitals: find it whatever the case.
        pos = d.text.lower().find(d.title.lower())
        if pos >= 0 and len(d.text.lower()) == len(d.text):
            cite = library.cite(parsed, pos, pos + len(d.title))
            yield from _line("metadata", "Trích yếu", d.title, cite)
    signature = signature_span(d)
    if d.signer and d.signer.name and signature:
        title = d.signer.display_title if signature.with_title else None
        cite = library.cite(parsed, signature.start, signature.end, signature.part)
        text = f"{d.signer.name} ({title})" if title else d.signer.name
        yield from _line("metadata", "Người ký", text, cite)
    stamp, stamp_span = d.copy_stamp, copy_stamp_span(d)
    if stamp and stamp_span:
        when = f" ngày {format_vn_date(stamp.date)}" if stamp.date else ""
        text = f"{stamp.kind} số {stamp.number or '—'}{when} của {stamp.issuer or '—'}"
        yield from _line(
            "metadata", "Bản sao", text, library.cite(parsed, *stamp_span, "dấu sao lục")
        )


def _implements(library: Library, parsed: ParsedDocument) -> Iterator[OverviewLine]:
    d = parsed.document
    refs = {r.number: r for r in d.references}
    for number in d.implements:
        span = sentence_around(d.text, find_number(d.text, number))
        if span[0] < 0:
            continue
        name = refs[number].citation_name if number in refs else number
        in_corpus = library.by_number(number) is not None
        note = "" if in_corpus else " (không có trong kho)"
        yield from _line("implements", number, name + note, library.cite(parsed, *span))


def _heading_span(
    library: Library, parsed: ParsedDocument, clause: Clause
) -> tuple[int, int] | None:
    """The heading's own words, or the clause's first sentence when it has no heading."""
    text = parsed.document.text
    if clause.heading:
        pos = text.find(clause.heading, clause.start, clause.end)
        if pos >= 0:
            return pos, pos + len(clause.heading)
    chunk = library.first_chunk(parsed, clause)
    spans = sentence_spans(text, *body_span(chunk)) if chunk else []
    return spans[0] if spans else None


def _parts(library: Library, parsed: ParsedDocument) -> Iterator[OverviewLine]:
    """Each Mục with its heading and the khoản under it; an inferred Mục shows only its khoản."""
    text = parsed.document.text

    def line(clause: Clause, depth: int) -> Iterator[OverviewLine]:
        span = _heading_span(library, parsed, clause)
        if span is not None:
            cite = library.cite_in_clause(parsed, clause, *span)
            yield from _line("part", clause.label, shorten(text[span[0] : span[1]]), cite, depth)

    for top in parsed.outline:
        if top.kind not in RANKS:
            continue
        if not top.inferred:
            yield from line(top, 0)
        if top.kind == "muc":
            for child in top.children:
                if child.kind in RANKS:
                    yield from line(child, 1)


def _figures_and_deadlines(library: Library, parsed: ParsedDocument) -> Iterator[OverviewLine]:
    text = parsed.document.text
    news = parsed.document.doc_type == NEWS
    # A directive's opening recalls the past ("Hơn 10 năm thực hiện Chỉ thị …"); its
    # targets are in the body. A news article has no body apart from its paragraphs.
    opening = {c.path for c in parsed.outline if c.kind == "preamble"} if not news else set()
    for chunk in parsed.chunks:
        for start, end in sentence_spans(text, chunk.start, chunk.end):
            sentence = text[start:end]
            if len(strip_markup(sentence)) < 12:
                continue
            if figure_spans(sentence) and chunk.clause_path[:1] not in opening:
                label = f"{chunk.clause_label} (số liệu)" if news else chunk.clause_label
                cite = library.cite(parsed, start, end)
                yield from _line("target", label, shorten(sentence), cite)
            if not news and states_deadline(sentence):
                cite = library.cite(parsed, start, end)
                yield from _line("deadline", chunk.clause_label, shorten(sentence), cite)


def _bodies(library: Library, parsed: ParsedDocument) -> Iterator[OverviewLine]:
    """Each body the document assigns work to, with every clause that does so."""
    if parsed.document.doc_type == NEWS:
        return
    own = {c.id for c in parsed.chunks}
    found: dict[str, tuple[str, list[Citation]]] = {}
    for chunk in parsed.chunks:
        for a in library.assignments_of(chunk.id):
            if chunk.id not in own or not library.names_in_clause(parsed, chunk, a.body):
                continue  # a name the text does not write as such is not shown
            cite = library.cite_task(parsed, chunk, a.body)
            if cite is None:
                continue
            name, cites = found.setdefault(a.key, (a.body, []))
            if all(c.chunk_id != cite.chunk_id for c in cites):
                cites.append(cite)
    for name, cites in sorted(found.values(), key=lambda item: folded_key(item[0])):
        clauses = ", ".join(c.clause for c in cites)
        yield OverviewLine("body", name, clauses, tuple(cites))
