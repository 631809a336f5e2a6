"""Assembles an ``Answer``: statements in order, one numbered citation per quoted span."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answering.citations import cite_chunk, cite_text, cite_unit
from assistant.documents.textnorm import strip_markup
from assistant.search.retrieval import SearchHit
from assistant.types import Answer, Chunk, Citation, Document, Statement

CANNOT_ANSWER = "Các văn bản trong kho không nêu thông tin này."
RELATED_NOTE = "Có thể liên quan (không phải câu trả lời):"


class AnswerBuilder:
    """Collects statements and citations; one citation per distinct quoted span."""

    def __init__(self, question: str, resolved: str, intent: str) -> None:
        self.question = question
        self.resolved = resolved
        self.intent = intent
        self.statements: list[Statement] = []
        self.citations: list[Citation] = []
        self.abstained = False
        self.settled = False  # the part's premise is not in the documents: no later rescue
        self._parts_abstained: list[bool] = []

    def start_part(self) -> None:
        """Begin the evidence for the next part of the question; the answer abstains only
        when every part did."""
        if self.statements or self._parts_abstained:
            self._parts_abstained.append(self.abstained)
        self.abstained = False
        self.settled = False

    def mark(self) -> tuple[int, int]:
        return len(self.statements), len(self.citations)

    def rewind(self, mark: tuple[int, int]) -> None:
        """Forget what was added since ``mark`` (a part answered another way instead)."""
        del self.statements[mark[0] :]
        del self.citations[mark[1] :]
        self.abstained = False

    def _number(self, make: Callable[[int], Citation | None], key: tuple[str, int, int]) -> int:
        for c in self.citations:
            if (c.doc_id, c.start, c.end) == key:
                return c.number
        citation = make(len(self.citations) + 1)
        if citation is None:
            return 0
        self.citations.append(citation)
        return citation.number

    def fact(
        self, text: str, d: Document, chunk: Chunk, span: tuple[int, int], kind: str = "fact"
    ) -> None:
        n = self._number(lambda i: cite_chunk(i, d, chunk, span), (d.doc_id, *span))
        self._add(Statement(text, (n,) if n else (), kind))

    def fact_unit(
        self,
        text: str,
        d: Document,
        clause: tuple[str, str, tuple[str, ...]],
        span: tuple[int, int],
        whole: tuple[int, int],
    ) -> None:
        """A fact quoted from a unit that is no chunk of its own; ``clause``: (unit label,
        full citation label, clause path)."""
        unit, label, path = clause
        n = self._number(
            lambda i: cite_unit(i, d, unit, label, path, span, whole), (d.doc_id, *span)
        )
        self._add(Statement(text, (n,) if n else ()))

    def fact_text(self, text: str, d: Document, part: str, start: int, end: int) -> None:
        """A fact about the document itself (signer, date, số hiệu …) followed by the words
        of the header or signature that state it, so that the claim shown is the source's."""
        if start < 0:
            return
        n = self._number(lambda i: cite_text(i, d, part, start, end), (d.doc_id, start, end))
        if "“" not in text:
            text = f"{text.rstrip('.')}: “{display_quote(d.text[start:end])}”"
        self._add(Statement(text, (n,) if n else ()))

    def _add(self, statement: Statement) -> None:
        """Each fact once: a later part that finds the same quote does not repeat it."""
        if statement.kind != "note" and statement in self.statements:
            return
        self.statements.append(statement)

    def quote(self, hit: SearchHit, span: tuple[int, int]) -> None:
        """ "Theo khoản 4 Mục II Kế hoạch số 17-KH/TU: “…”" with its citation; nothing when
        an earlier part already quoted these words (each fact once)."""
        if any(
            c.doc_id == hit.document.doc_id and c.start < span[1] and span[0] < c.end
            for c in self.citations
            if self._stated(c.number)
        ):
            return
        words = display_quote(hit.document.text[span[0] : span[1]])
        where = hit.chunk.clause_label
        heading = clause_heading(hit.chunk)
        if heading and heading not in words:
            where = f"{where} ({heading})"  # "khoản 8 Mục III (Sở Ngoại vụ)": who it is about
        self.fact(
            f"Theo {where} {document_name(hit.document)}: “{words}”", hit.document, hit.chunk, span
        )

    def demote(self, start: int, reason: str) -> None:
        """The statements since ``start`` do not answer: say so, and offer their quotes as
        "có thể liên quan"."""
        quoted = [s for s in self.statements[start:] if s.kind in ("fact", "related")][:3]
        del self.statements[start:]
        self.note(reason)
        self.note(RELATED_NOTE)
        for s in quoted:
            text = s.text if s.text.startswith("- ") else f"- {s.text.removeprefix('Theo ')}"
            self.statements.append(Statement(text, s.citations, "related"))
        self.abstained = True

    def promote(self, start: int) -> bool:
        """State the first clause offered since ``start`` as the answer; False when none was."""
        offered = [s for s in self.statements[start:] if s.kind == "related"]
        if not offered:
            return False
        first = offered[0]
        del self.statements[start:]
        self.statements.append(Statement(f"Theo {first.text.removeprefix('- ')}", first.citations))
        self.abstained = False
        return True

    def _stated(self, number: int) -> bool:
        return any(number in s.citations for s in self.statements if s.kind == "fact")

    def related(self, text: str, d: Document, chunk: Chunk, span: tuple[int, int]) -> None:
        self.fact(text, d, chunk, span, kind="related")

    def note(self, text: str) -> None:
        self.statements.append(Statement(text, (), "note"))

    def abstain(self, text: str) -> None:
        self.abstained = True
        self.note(text)

    def refuse(self, text: str) -> None:
        """The question rests on something the documents do not say: abstain for good (the
        abstention model may not state a nearby clause as the answer instead)."""
        self.abstain(text)
        self.settled = True

    def build(self) -> Answer:
        return Answer(
            question=self.question,
            resolved_question=self.resolved,
            statements=tuple(self.statements),
            citations=tuple(self.citations),
            abstained=all([*self._parts_abstained, self.abstained])
            or not any(s.kind == "fact" for s in self.statements),
            intent=self.intent,
        )


MAX_HEADING_CHARS = 60
MAX_TITLE_WORDS = 8


def clause_heading(chunk: Chunk) -> str | None:
    """The short heading a clause sits under ("Sở Ngoại vụ", "Mục đích"), without its number;
    None when it is body text cut short or an inferred part."""
    if not chunk.breadcrumb or chunk.breadcrumb[-1].strip() == chunk.clean_text.strip():
        return None  # a one-line clause ("g) Người lao động …;") is its own first line
    heading = re.sub(r"^\S+\.\s+", "", strip_markup(chunk.breadcrumb[-1])).strip(" :")
    if (
        not heading
        or len(heading) > MAX_HEADING_CHARS
        or heading.endswith("…")
        or "(suy ra)" in heading
    ):
        return None
    return heading


def document_name(d: Document) -> str:
    """ "Kế hoạch số 17-KH/TU"; an article without a số hiệu by its type and the first words
    of its title, not its whole headline."""
    if d.doc_number or not d.title:
        return d.short_name
    words = d.title.split()
    title = " ".join(words[:MAX_TITLE_WORDS]) + ("…" if len(words) > MAX_TITLE_WORDS else "")
    return f"{d.doc_type} “{title}”"


def display_quote(quote: str) -> str:
    """A quote for reading: markup removed, lines joined."""
    return " ".join(strip_markup(line) for line in quote.splitlines() if strip_markup(line))
