"""Assembles an ``Answer``: statements in order, one numbered citation per quoted span."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answering.citations import cite_chunk, cite_text
from assistant.documents.textnorm import strip_markup
from assistant.search.retrieval import SearchHit
from assistant.types import Answer, Chunk, Citation, Document, Statement

CANNOT_ANSWER = "Các văn bản trong kho không nêu thông tin này."


class AnswerBuilder:
    """Collects statements and citations; one citation per distinct quoted span."""

    def __init__(self, question: str, resolved: str, intent: str) -> None:
        self.question = question
        self.resolved = resolved
        self.intent = intent
        self.statements: list[Statement] = []
        self.citations: list[Citation] = []
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
        self.statements.append(Statement(text, (n,) if n else (), kind))

    def fact_text(self, text: str, d: Document, part: str, start: int, end: int) -> None:
        if start < 0:
            return
        n = self._number(lambda i: cite_text(i, d, part, start, end), (d.doc_id, start, end))
        self.statements.append(Statement(text, (n,) if n else ()))

    def quote(self, hit: SearchHit, span: tuple[int, int]) -> None:
        """ "Theo khoản 4 Mục II Kế hoạch số 17-KH/TU: “…”" with its citation."""
        words = display_quote(hit.document.text[span[0] : span[1]])
        self.fact(
            f"Theo {hit.chunk.clause_label} {hit.document.short_name}: “{words}”",
            hit.document,
            hit.chunk,
            span,
        )

    def related(self, text: str, d: Document, chunk: Chunk, span: tuple[int, int]) -> None:
        self.fact(text, d, chunk, span, kind="related")

    def note(self, text: str) -> None:
        self.statements.append(Statement(text, (), "note"))

    def abstain(self, text: str) -> None:
        self.abstained = True
        self.note(text)

    def build(self) -> Answer:
        return Answer(
            question=self.question,
            resolved_question=self.resolved,
            statements=tuple(self.statements),
            citations=tuple(self.citations),
            abstained=self.abstained or not any(s.kind == "fact" for s in self.statements),
            intent=self.intent,
        )


def display_quote(quote: str) -> str:
    """A quote for reading: markup removed, lines joined."""
    return " ".join(strip_markup(line) for line in quote.splitlines() if strip_markup(line))
