"""The offline answerer: composes answers from clauses and metadata, never inventing.

A question walks down once: ``analyse`` splits it into parts, each with what it asks and
its constraints; each part's evidence comes from the source that holds what it asks
(``SOURCES``: for clauses, ``evidence`` gathers the units and ``select`` chooses a covering
set); ``_decide`` checks the part's constraints against its evidence and asks the
abstention model whether it answers; ``AnswerBuilder`` renders it, every quote cited and
verified (``citations``).

Every fact statement quotes a clause (or the header or signature that states it);
framing lines ("… được giao nhiệm vụ tại 2 văn bản:") are notes. When the documents do
not answer, it says so and offers the nearest clauses as "có thể liên quan".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.answering.abstain import AbstentionModel, Evidence, part_features
from assistant.answering.analyse import (
    METADATA,
    Analysis,
    Part,
    analyse,
)
from assistant.answering.answer_builder import (
    CANNOT_ANSWER,
    AnswerBuilder,
)
from assistant.answering.compose_metadata import MetadataAnswers
from assistant.answering.duties import DutyAnswers
from assistant.answering.premise import missing_figures, quoted
from assistant.answering.relevance import places_missing, unknown_document
from assistant.answering.responsibility import ResponsibilityIndex
from assistant.documents.relations import Relation
from assistant.search.retrieval import HybridSearcher, SearchFilters
from assistant.types import Answer, AnswerPart


@dataclass(frozen=True)
class PartDecision:
    """One part of a question: its evidence's features and whether it was answered."""

    part: Part
    features: dict[str, float]
    probability: float | None  # None: no abstention model loaded
    answered: bool


class Composer(DutyAnswers):
    """Builds an ``Answer`` for a resolved question; construct once per engine."""

    def __init__(
        self,
        searcher: HybridSearcher,
        responsibilities: ResponsibilityIndex,
        abstention: AbstentionModel | None = None,
        *,
        collect_features: bool = False,
        relations: Sequence[Relation] = (),
    ) -> None:
        self.searcher = searcher
        self.collect_features = collect_features  # every feature of every part (to fit)
        self.responsibilities = responsibilities
        self.abstention = abstention
        self.documents = {d.doc_id: d for d in searcher.index.documents}
        self.document_order = {doc_id: n for n, doc_id in enumerate(self.documents)}
        # Read on demand from the index (never a dict of every chunk: issue 17's lean memory).
        self.chunks = searcher.index.chunks_by_id
        self.metadata = MetadataAnswers(self.documents, self._chunk_at, relations, self.chunks)
        self.sources: dict[Source, PartSource] = {
            "facts": self._facts,
            "assignees": self._assignees,
            "documents": self._documents,
            "duties": self._duties,
            "clauses": self._clauses_of,
        }

    # -- entry ---------------------------------------------------------------------------
    def compose(
        self,
        question: str,
        resolved: str,
        context_docs: Sequence[str] = (),
        filters: SearchFilters | None = None,
    ) -> Answer:
        answer, decisions = self.compose_parts(question, resolved, context_docs, filters)
        parts = tuple(
            AnswerPart(
                d.part.text,
                d.part.asked,
                d.answered,
                None if d.probability is None else round(d.probability, 4),
                tuple((k, round(v, 4)) for k, v in d.features.items()),
            )
            for d in decisions
        )
        return dataclasses.replace(answer, parts=parts)

    def compose_parts(
        self,
        question: str,
        resolved: str,
        context_docs: Sequence[str] = (),
        filters: SearchFilters | None = None,
    ) -> tuple[Answer, list[PartDecision]]:
        """The answer, and for each part of the question the features of its evidence and
        the abstention model's decision."""
        analysis = analyse(resolved, self.searcher.index.documents)
        builder = AnswerBuilder(question, resolved, _intent_name(analysis))
        decisions: list[PartDecision] = []
        for part in analysis.parts:
            builder.start_part()
            docs = set(part.constraints.documents) or set(context_docs)
            if filters and filters.doc_ids:
                docs = {
                    d
                    for d in self.documents
                    if d in filters.doc_ids or self.documents[d].doc_number in filters.doc_ids
                }
            start = builder.mark()
            self._part(builder, part, docs, filters)
            decisions.append(self._decide(builder, start, part))
        return builder.build(), decisions

    def _decide(self, b: AnswerBuilder, start: tuple[int, int], part: Part) -> PartDecision:
        """Score the part's evidence; abstain when the model finds it does not answer, and
        state the nearest clause as the answer when the model finds it does."""
        evidence = self._evidence(b, start[0])
        unknown = unknown_document(part)
        cited_numbers = " ".join(
            str(self.chunks[i].metadata.get("doc_number") or "") for i in evidence.chunk_ids
        )
        if unknown and not b.abstained and unknown not in cited_numbers:
            # (An article of a codification is cited by its own decree: that one is held.)
            # "Nghị định 13/2023/NĐ-CP quy định …" when the corpus does not hold it: another
            # document's clause is no answer about it.
            b.demote(
                start[0],
                f"Kho văn bản không có văn bản số {quoted(unknown, 'được hỏi')}: các văn bản trong"
                " kho không nêu thông tin này.",
            )
            b.settled = True
            return PartDecision(part, {}, None, False)
        missing = places_missing(part, evidence)
        if evidence.found and missing:
            # A place no document is from, and the evidence does not name: another place's text.
            b.demote(start[0], f"Các văn bản trong kho không nêu thông tin này cho {missing}.")
            return PartDecision(part, {}, None, False)
        figures = missing_figures(part.text, (*evidence.quotes, *evidence.clauses))
        if figures and evidence.found:
            # "… quy định phạt 1 tỷ đồng ở khoản nào?": a figure the clauses found do not state.
            b.demote(
                start[0],
                f"Các văn bản trong kho không nêu {quoted(figures[0], 'con số được hỏi')}"
                " ở nội dung được hỏi.",
            )
        if figures or b.settled:
            return PartDecision(part, {}, None, False)
        model = self.abstention
        decides = model is not None and (model.keep if evidence.found else model.rescue)
        if decides or self.collect_features:
            # The embedding of the part costs a model call: only when a decision reads it.
            evidence = dataclasses.replace(
                evidence, similarity=self._similarity(part.text, evidence.chunk_ids)
            )
        values = part_features(part, evidence, self._topic_terms(part.text, synonyms=False))
        if model is None or not decides:
            if not self.collect_features:
                del values["similarity"]  # not computed: not shown as 0
            return PartDecision(part, values, None, evidence.found)
        probability, answered = model.decide(values)
        if evidence.found and not answered:
            b.demote(start[0], CANNOT_ANSWER)
        elif answered and not evidence.found:
            answered = b.promote(start[0])
        return PartDecision(part, values, probability, answered)

    def _evidence(self, b: AnswerBuilder, start: int) -> Evidence:
        """The part's stated quotes, or when it stated none, the first clause it offered."""
        statements = b.statements[start:]
        facts = [s for s in statements if s.kind == "fact"]
        found = bool(facts)
        chosen = facts or [s for s in statements if s.kind == "related"][:1]
        numbers = {n for s in chosen for n in s.citations}
        citations = [c for c in b.citations if c.number in numbers]
        chunks = self._cited_chunks(citations)
        return Evidence(
            quotes=tuple(c.quote for c in citations),
            clauses=tuple(f"{' '.join(c.breadcrumb)} {c.clean_text}" for c in chunks),
            documents=tuple(self.documents[c.doc_id] for c in citations),
            found=found,
            chunk_ids=tuple(c.id for c in chunks),
        )

    def _similarity(self, text: str, chunk_ids: Sequence[str]) -> float:
        """Best cosine of the text and the clauses (vectors are L2-normalised)."""
        found = (self.searcher.index.position(i) for i in chunk_ids)
        positions = [p for p in found if p is not None]
        if not positions:
            return 0.0
        query = self.searcher.embedder.encode_query(text)
        vectors = self.searcher.index.vectors
        try:
            return max(float(vectors.reconstruct(p) @ query) for p in positions)
        except RuntimeError:  # an index that cannot give back its vectors
            return 0.0

    def _part(
        self, b: AnswerBuilder, part: Part, docs: set[str], filters: SearchFilters | None
    ) -> None:
        """Evidence for one part of the question, or a statement that there is none: from
        the source that holds what it asks (``SOURCES``)."""
        source = SOURCES.get(part.asked, "clauses")
        if source == "duties" and not part.constraints.bodies:
            source = "clauses"  # "nhiệm vụ trọng tâm là gì?": no body named, the clauses say
        self.sources[source](b, part, docs, filters)

    def _facts(
        self, b: AnswerBuilder, part: Part, docs: set[str], filters: SearchFilters | None
    ) -> None:
        """A document's own facts, from its header, signature and opening."""
        mark = b.mark()
        self.metadata.answer(b, part.asked, docs, part.text)
        if part.asked == "effective" and b.abstained:
            b.rewind(mark)
            if docs:  # the document asked about does not say when it takes effect
                b.refuse(CANNOT_ANSWER)
            else:
                # A document held only as articles of a compilation (pháp điển) says when
                # it takes effect in one of them: found by search like any date.
                self._clauses(b, part.text, "deadline", (), docs, filters)

    def _documents(
        self, b: AnswerBuilder, part: Part, docs: set[str], filters: SearchFilters | None
    ) -> None:
        self.metadata.list_documents(b, part.text)

    def _clauses_of(
        self, b: AnswerBuilder, part: Part, docs: set[str], filters: SearchFilters | None
    ) -> None:
        self._clauses(b, part.text, part.asked, part.constraints.bodies, docs, filters, part.many)


PartSource = Callable[[AnswerBuilder, Part, set[str], SearchFilters | None], None]
Source = Literal["facts", "assignees", "documents", "duties", "clauses"]
# Where the evidence for what a part asks is: the document's own facts (header, signature,
# opening), the bodies the responsibility index finds a document charging, the list of
# documents, a body's duties (the responsibility index, then the clauses), or the clauses a
# search finds (``evidence`` and ``select``: a figure, a deadline, a date, a person, a list,
# anything else).
SOURCES: dict[str, Source] = {
    **dict.fromkeys(METADATA, "facts"),
    "assignees": "assignees",
    "document_list": "documents",
    "duty": "duties",
}


# The kind of answer, as ``Answer.intent`` has always named it.
_INTENT_NAMES = {"duty": "responsibility", "document_list": "list_documents", "when": "general",
                 "person": "general", "content": "general"}  # fmt: skip


def _intent_name(analysis: Analysis) -> str:
    names = dict.fromkeys(_INTENT_NAMES.get(p.asked, p.asked) for p in analysis.parts)
    return "+".join(names)
