"""The corpus as the learning views read it: documents with their clause trees, who is
assigned what, and one way to cite any span of a document and check the citation."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from assistant.answering.citations import (
    MAX_QUOTE_CHARS,
    body_span,
    cite_chunk,
    cite_clause,
    cite_text,
    is_valid,
    sentence_spans,
)
from assistant.answering.responsibility import Assignment, ResponsibilityIndex
from assistant.documents.corpus import Corpus
from assistant.documents.textnorm import folded_key
from assistant.types import Chunk, Citation, Clause, Document, ParsedDocument

NEWS = "Tin bài"  # a news report: it tells what was done and assigns nobody anything


@dataclass(frozen=True)
class Library:
    documents: tuple[ParsedDocument, ...]
    responsibilities: ResponsibilityIndex = field(compare=False, repr=False)

    @classmethod
    def from_corpus(cls, corpus: Corpus) -> Library:
        return cls(corpus.documents, ResponsibilityIndex(corpus.chunks))

    @cached_property
    def by_id(self) -> dict[str, Document]:
        return {p.document.doc_id: p.document for p in self.documents}

    @cached_property
    def chunks(self) -> dict[str, Chunk]:
        return {c.id: c for p in self.documents for c in p.chunks}

    @cached_property
    def _assignments(self) -> dict[str, list[Assignment]]:
        out: dict[str, list[Assignment]] = {}
        for items in self.responsibilities.by_key.values():
            for a in items:
                out.setdefault(a.chunk_id, []).append(a)
        return out

    def assignments_of(self, chunk_id: str) -> list[Assignment]:
        """The bodies a clause assigns work to (none for a news report)."""
        return self._assignments.get(chunk_id, [])

    def parsed(self, doc_id: str) -> ParsedDocument:
        return next(p for p in self.documents if p.document.doc_id == doc_id)

    def find(self, ref: str) -> ParsedDocument | None:
        """A document by số hiệu, file name or a loose mention, as ``Corpus.find`` reads it."""
        return Corpus(self.documents, ()).find(ref)

    def by_number(self, number: str) -> ParsedDocument | None:
        wanted = folded_key(number)
        for parsed in self.documents:
            if parsed.document.doc_number and folded_key(parsed.document.doc_number) == wanted:
                return parsed
        return None

    def chunk_at(self, parsed: ParsedDocument, start: int, end: int) -> Chunk | None:
        """The smallest chunk that holds the whole span."""
        holding = [c for c in parsed.chunks if c.start <= start and end <= c.end]
        return min(holding, key=lambda c: c.end - c.start, default=None)

    def cite(
        self, parsed: ParsedDocument, start: int, end: int, part: str = "phần đầu văn bản"
    ) -> Citation | None:
        """A checked citation of ``text[start:end]``: labelled with its clause when a chunk
        holds it, else with ``part`` ("phần đầu văn bản", "phần ký"); None when it fails."""
        if not 0 <= start < end <= len(parsed.document.text):
            return None
        chunk = self.chunk_at(parsed, start, end)
        if chunk is not None:
            citation = cite_chunk(1, parsed.document, chunk, (start, end))
        else:
            found = cite_text(1, parsed.document, part, start, end)
            if found is None:
                return None
            citation = found
        return citation if self.checked(citation) else None

    def cite_in_clause(
        self, parsed: ParsedDocument, clause: Clause, start: int, end: int
    ) -> Citation | None:
        """Words inside ``clause`` (its heading, say), labelled with the clause itself."""
        if not clause.start <= start < end <= clause.end:
            return None
        citation = cite_clause(1, parsed.document, clause, (start, end))
        return citation if self.checked(citation) else None

    def first_chunk(self, parsed: ParsedDocument, clause: Clause) -> Chunk | None:
        n = len(clause.path)
        return next((c for c in parsed.chunks if c.clause_path[:n] == clause.path), None)

    def cite_body(self, parsed: ParsedDocument, chunk: Chunk) -> Citation | None:
        """The chunk's own words, without its item marker."""
        return self.cite(parsed, *body_span(chunk))

    def cite_task(self, parsed: ParsedDocument, chunk: Chunk, body: str) -> Citation | None:
        """The task as the clause words it, from where it names ``body`` ("6. Sở Y tế /
        Chủ trì …", "Ban Dân vận Quận ủy chủ trì …"); the clause's words when it does not."""
        text = parsed.document.text
        pos = find_name(text, body, chunk.start, chunk.end)
        if pos < 0:
            return self.cite_body(parsed, chunk)
        spans = sentence_spans(text, pos, chunk.end)
        if not spans:
            return None
        end = spans[0][1]
        for _, stop in spans[1:]:
            if stop - pos > MAX_QUOTE_CHARS:
                break
            end = stop
        return self.cite(parsed, pos, end)

    def names_in_clause(self, parsed: ParsedDocument, chunk: Chunk, body: str) -> bool:
        """The clause writes ``body`` as such, in its heading or its words."""
        return find_name(parsed.document.text, body, chunk.clause_start, chunk.clause_end) >= 0

    def checked(self, citation: Citation) -> bool:
        return is_valid(citation, self.by_id)


def find_name(text: str, name: str, start: int = 0, end: int | None = None) -> int:
    """Where ``name`` is written in ``text[start:end]``, whatever the case of its letters."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lower-casing changed a length: fall back to exact case
        return text.find(name, start, end)
    return lowered.find(name.lower(), start, end)
