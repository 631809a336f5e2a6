"""Answers found in clauses by search: a figure or deadline, a list, anything else.

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
from assistant.answering.asked import figure_focus, holds_what_is_asked, overlap
from assistant.answering.citations import quote_span, sentence_spans
from assistant.answering.enumeration import (
    enumeration_at,
    heading_named,
    lead_label,
    lead_of,
    lead_span,
)
from assistant.answering.relevance import (
    answers,
    concepts,
    content_terms,
    covered,
    enough,
    searchable,
    topic_terms,
)
from assistant.documents.facts import is_deadline, is_figure
from assistant.documents.textnorm import strip_markup
from assistant.search.retrieval import HybridSearcher, SearchFilters, SearchHit
from assistant.types import Chunk, Document

MAX_ITEMS = 6  # quotes for a question that asks for a list
ITEM_CHARS = 200  # each of them at most this long, at sentence boundaries
RELATED = 3


class ClauseAnswers:
    """Answers quoted from the clauses a search finds."""

    searcher: HybridSearcher
    documents: dict[str, Document]
    document_order: dict[str, int]  # a document's place in the index
    chunks: Mapping[str, Chunk]

    def _figure_or_deadline(
        self,
        b: AnswerBuilder,
        question: str,
        kind: str,
        docs: set[str],
        filters: SearchFilters | None,
    ) -> None:
        hits = self._search(question, docs, filters, k=8)
        terms = self._topic_terms(question)
        asked = concepts(question, self.documents.values())
        focus = figure_focus(question, terms)
        candidates: list[tuple[float, SearchHit, tuple[int, int]]] = []
        for rank, hit in enumerate(hits):
            text = hit.document.text
            for span in sentence_spans(text, hit.chunk.start, hit.chunk.end):
                # Read across the wraps of hard-wrapped text ("… đến\nhết ngày 31 …").
                sentence = " ".join(text[span[0] : span[1]].split())
                if len(strip_markup(sentence)) < 12:
                    continue
                # What a sentence of an item means includes the lead it completes ("Thứ tự ưu
                # tiên … như sau:" above "g) Người lao động từ 35 tuổi trở xuống;").
                context = f"{sentence} {hit.chunk.breadcrumb[-1] if hit.chunk.breadcrumb else ''}"
                context += f" {lead_of(hit.chunk)}"
                if kind == "deadline" and not is_deadline(sentence):
                    continue
                # The unit counted ("bao nhiêu người") stands by the number; the thing measured
                # ("tài sản đóng góp bao nhiêu") may be named by the lead.
                measured = focus.found_in(sentence) or (focus.all_of and focus.found_in(context))
                if kind == "figure" and not (is_figure(sentence) and measured):
                    continue
                shared = covered(asked, context)
                if not enough(shared, asked):
                    continue
                candidates.append((shared + 1.0 / (rank + 2), hit, span))
        if not candidates:
            b.abstain(
                f"{CANNOT_ANSWER[:-1]} ({'thời hạn' if kind == 'deadline' else 'con số, chỉ tiêu'} được hỏi)."
            )
            self._related(b, question, docs, filters, hits)
            return
        candidates.sort(key=lambda c: -c[0])
        best = candidates[0][0]
        seen: set[tuple[int, int]] = set()
        for score, hit, span in candidates:
            if score < 0.6 * best or len(seen) == 3 or span in seen:
                continue
            seen.add(span)
            b.quote(hit, span)

    # -- anything else -------------------------------------------------------------------
    def _general(
        self,
        b: AnswerBuilder,
        question: str,
        bodies: Sequence[str],
        docs: set[str],
        filters: SearchFilters | None,
        many: bool = False,
    ) -> None:
        hits = self._search(question, docs, filters, k=MAX_ITEMS if many else 5)
        terms = self._topic_terms(question)
        topic = concepts(question, self.documents.values())
        body_words = {w for body in bodies for w in body.split()}
        # The question's own words (not the synonyms added for search) besides the body's.
        asked = (
            [t for t in self._topic_terms(question, synonyms=False) if t not in body_words]
            if bodies
            else None
        )
        # A role or a date asked for must be in the words quoted, not just somewhere in the
        # clause; and what is asked of a named body must be in the clause.
        usable = []
        for hit in hits:
            span = quote_span(hit.document, hit.chunk, focus=terms)
            if holds_what_is_asked(question, hit.document.text[span[0] : span[1]]) and (
                not asked or overlap(asked, searchable(hit)) > len(set(asked)) / 2
            ):
                usable.append((hit, span))
        if not usable or not answers(usable[0][0], topic, asked):
            b.abstain(CANNOT_ANSWER)
            self._related(b, question, docs, filters, hits)
            return
        top = usable[0][0]
        if (many or heading_named(question, top.chunk)) and self._enumeration(b, top, terms):
            return
        if many:
            # A list: the items beside the best one (same khoản or heading) belong to it.
            parent = top.chunk.clause_path[:-1]
            for hit, _ in usable[:MAX_ITEMS]:
                sibling = bool(parent) and hit.chunk.clause_path[:-1] == parent
                if hit is top or (
                    (sibling or answers(hit, topic, asked)) and hit.score >= 0.5 * top.score
                ):
                    item = quote_span(hit.document, hit.chunk, focus=terms, max_chars=ITEM_CHARS)
                    b.quote(hit, item)
            return
        for hit, span in usable[:3]:
            if hit is top or (answers(hit, topic, asked) and hit.score >= 0.6 * top.score):
                b.quote(hit, span)

    def _enumeration(self, b: AnswerBuilder, top: SearchHit, terms: Sequence[str]) -> bool:
        """A list asked for, answered by the announced list the best clause belongs to: its
        lead and all its items (False when the clause is in no such list)."""
        position = self.searcher.index.position(top.chunk.id)
        found = None if position is None else enumeration_at(self.searcher.index.chunks, position)
        if found is None:
            return False
        d = top.document
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
        for item in found.items:
            span = quote_span(d, item, focus=terms, max_chars=ITEM_CHARS)
            words = display_quote(d.text[span[0] : span[1]])
            b.fact(f"- {found.item_label(item)}: “{words}”", d, item, span)
        if found.more:
            b.note(f"(Còn {found.more} mục khác tại {found.where}: xem toàn văn.)")
        return True

    # -- helpers -------------------------------------------------------------------------
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
