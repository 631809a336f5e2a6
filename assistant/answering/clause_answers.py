"""Answers found in clauses by search: one path for a figure, a deadline, a list or anything else.

The clause answers are the base of the composer (``compose.Composer``); the answers about
bodies' duties (``duties.DutyAnswers``) build on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.answering.answer_builder import (
    CANNOT_ANSWER,
    RELATED_NOTE,
    AnswerBuilder,
    display_quote,
    document_name,
)
from assistant.answering.citations import quote_span
from assistant.answering.enumeration import (
    Enumeration,
    enumeration_at,
    heading_named,
    lead_label,
    lead_of,
    lead_span,
)
from assistant.answering.evidence import ITEM_CHARS, Need, Unit, gather, rule_for
from assistant.answering.relevance import content_terms, topic_terms
from assistant.answering.select import select
from assistant.search.retrieval import HybridSearcher, SearchFilters, SearchHit
from assistant.types import Chunk, Citation, Document

RELATED = 3


class ClauseAnswers:
    """Answers quoted from the clauses a search finds."""

    searcher: HybridSearcher
    documents: dict[str, Document]
    document_order: dict[str, int]  # a document's place in the index
    chunks: Mapping[str, Chunk]

    def _clauses(
        self,
        b: AnswerBuilder,
        question: str,
        asked: str,
        bodies: Sequence[str],
        docs: set[str],
        filters: SearchFilters | None,
        many: bool = False,
    ) -> None:
        """Any part answered from clauses: search, the units that hold what is asked
        (``evidence``), the covering set of them (``select``), quoted."""
        rule = rule_for(asked, many)
        need = Need.of(question, bodies, self.documents.values(), many=many)
        hits = self._search(question, docs, filters, k=rule.depth)
        units = gather(hits, need, rule)
        chosen = select(units, rule, many=many)
        if not chosen:
            missing = f" ({rule.absent} được hỏi)" if rule.absent else ""
            b.abstain(f"{CANNOT_ANSWER[:-1]}{missing}.")
            self._related(b, question, docs, filters, hits)
            return
        top = chosen[0].hit
        listed = rule.unit == "clause" and (many or heading_named(question, top.chunk))
        if listed and self._enumeration(b, top, need.terms):
            return  # the announced list the best clause is in: lead and items together
        # An item means what it completes ("Chủ tịch Ủy ban nhân dân cấp tỉnh có thẩm quyền:"
        # above "a) … quỹ có phạm vi hoạt động trong tỉnh;"): items are quoted under their
        # lead, each lead once, in the order of the best unit of each.
        groups: dict[str, tuple[Enumeration | None, list[Unit]]] = {}
        for unit in chosen:
            found = self._enumeration_of(unit.hit) if lead_of(unit.hit.chunk) else None
            key = f"{unit.hit.chunk.doc_id}:{found.where}" if found else unit.hit.chunk.id
            groups.setdefault(key, (found, []))[1].append(unit)
        for found, units in groups.values():
            if found is None:
                for unit in units:
                    b.quote(unit.hit, unit.span)
                continue
            d = units[0].hit.document
            self._lead(b, d, found, need.terms)
            for unit in units:
                words = display_quote(d.text[unit.span[0] : unit.span[1]])
                label = found.item_label(unit.hit.chunk)
                b.fact(f"- {label}: “{words}”", d, unit.hit.chunk, unit.span)

    def _enumeration_of(self, hit: SearchHit) -> Enumeration | None:
        position = self.searcher.index.position(hit.chunk.id)
        return None if position is None else enumeration_at(self.searcher.index.chunks, position)

    def _enumeration(self, b: AnswerBuilder, top: SearchHit, terms: Sequence[str]) -> bool:
        """A list asked for, answered by the announced list the best clause belongs to: its
        lead and all its items (False when the clause is in no such list)."""
        found = self._enumeration_of(top)
        if found is None:
            return False
        d = top.document
        self._lead(b, d, found, terms)
        for item in found.items:
            span = quote_span(d, item, focus=terms, max_chars=ITEM_CHARS)
            words = display_quote(d.text[span[0] : span[1]])
            b.fact(f"- {found.item_label(item)}: “{words}”", d, item, span)
        if found.more:
            b.note(f"(Còn {found.more} mục khác tại {found.where}: xem toàn văn.)")
        return True

    def _lead(
        self, b: AnswerBuilder, d: Document, found: Enumeration, terms: Sequence[str]
    ) -> None:
        """The words announcing a list, quoted (or, when the layout gives no such words,
        the unit and title the items stand under)."""
        if found.lead is not None:
            lead = found.lead
            span = quote_span(d, lead, focus=terms)
            b.fact(
                f"Theo {lead.clause_label} {document_name(d)}: "
                f"“{display_quote(d.text[span[0] : span[1]])}”",
                d,
                lead,
                span,
            )
        else:
            unit, label = lead_label(found)
            where = lead_span(d.text, found)
            first, last = found.items[0], found.items[-1]
            if where is None:
                title = found.title
                named = f" ({title})" if title else ""
                b.note(f"Theo {unit}{named} {document_name(d)}:")
            else:
                b.fact_unit(
                    f"Theo {unit} {document_name(d)}: “{display_quote(d.text[slice(*where)])}”",
                    d,
                    (unit, label, first.clause_path[:-1]),
                    where,
                    (where[0], last.end),
                )

    # -- helpers -------------------------------------------------------------------------
    def _cited_chunks(self, citations: Sequence[Citation]) -> list[Chunk]:
        """The chunks the citations quote (header and signature facts have none)."""
        found = (self.chunks.get(c.chunk_id) for c in citations if c.chunk_id)
        return [c for c in found if c is not None]

    def _topic_terms(self, question: str, *, synonyms: bool = True) -> list[str]:
        return topic_terms(question, self.documents.values(), synonyms=synonyms)

    def _related(
        self,
        b: AnswerBuilder,
        question: str,
        docs: set[str],
        filters: SearchFilters | None,
        hits: Sequence[SearchHit] | None = None,
    ) -> None:
        hits = list(hits) if hits is not None else self._search(question, docs, filters, k=RELATED)
        chunks = [hit.chunk for hit in hits[:RELATED]]
        self._related_clauses(b, chunks, focus=content_terms(question))

    def _related_clauses(
        self, b: AnswerBuilder, chunks: Sequence[Chunk], focus: Sequence[str] = ()
    ) -> None:
        """Clauses offered as "có thể liên quan", each with its document's short name."""
        if chunks:
            b.note(RELATED_NOTE)
        for chunk in chunks:
            document = self.documents[chunk.doc_id]
            span = quote_span(document, chunk, focus=focus, max_chars=240)
            quote = display_quote(document.text[span[0] : span[1]])
            b.related(
                f"- {chunk.clause_label} {document.short_name}: “{quote}”", document, chunk, span
            )

    def _search(
        self, question: str, docs: set[str], filters: SearchFilters | None, k: int
    ) -> list[SearchHit]:
        if docs and not (filters and filters.doc_ids):
            base = filters or SearchFilters()
            filters = SearchFilters(
                frozenset(docs), base.issuers, base.doc_types, base.date_from, base.date_to
            )
        return self.searcher.search(question, k=k, filters=filters)

    def _doc_order(self, doc_id: str) -> int:
        return self.document_order[doc_id]

    def _doc_names(self, docs: set[str]) -> str:
        known = sorted((d for d in docs if d in self.documents), key=self._doc_order)
        return ", ".join(self.documents[d].short_name for d in known)

    def _chunk_at(self, d: Document, pos: int) -> Chunk | None:
        return self.searcher.index.chunk_containing(d.doc_id, pos)
