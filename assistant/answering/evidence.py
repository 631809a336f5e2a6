"""Evidence units: the sentences and clauses a search found, each with what supports it.

A part of a question (``analyse.Part``) asks for something; what it asks decides the unit
quoted (a sentence for a figure or a deadline, which a clause states among other things; a
focused window of the clause otherwise) and what the unit must hold (a number with the
thing counted, a time limit, the role or date asked). One table, ``RULES``, says so for
every kind of part; ``gather`` walks the search hits once and keeps the units that hold what
is asked and cover enough of the part's subject words. ``select`` then chooses among them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.answering.asked import Focus, figure_focus, holds_what_is_asked, overlap
from assistant.answering.citations import MAX_QUOTE_CHARS, quote_span, sentence_spans
from assistant.answering.enumeration import lead_of
from assistant.answering.relevance import (
    Concept,
    concepts,
    covered,
    enough,
    searchable,
    topic_terms,
)
from assistant.documents.facts import is_deadline, is_figure
from assistant.documents.textnorm import strip_markup
from assistant.search.retrieval import SearchHit
from assistant.types import Document

MIN_SENTENCE_CHARS = 12  # shorter "sentences" are list labels and stray marks
ITEM_CHARS = 200  # an item of a list asked for, at sentence boundaries
MAX_ITEMS = 6  # units quoted for a question asking for several things
SIMILAR = 0.86  # a question with no subject words: the clause's embedding similarity


@dataclass(frozen=True)
class Need:
    """What a part asks, as the checks on a unit read it."""

    question: str
    concepts: tuple[Concept, ...]  # its subject words, each with the official terms for it
    terms: tuple[str, ...]  # the same words with synonyms, to focus a quote
    focus: Focus  # what a "bao nhiêu" question counts
    beyond_body: tuple[str, ...] | None  # the words asked besides a named body's name
    many: bool  # asks for several things

    @classmethod
    def of(
        cls,
        question: str,
        bodies: Sequence[str],
        documents: Iterable[Document],
        *,
        many: bool = False,
    ) -> Need:
        documents = list(documents)
        terms = tuple(topic_terms(question, documents))
        body_words = {w for body in bodies for w in body.split()}
        own = topic_terms(question, documents, synonyms=False)
        return cls(
            question,
            tuple(concepts(question, documents)),
            terms,
            figure_focus(question, terms),
            tuple(t for t in own if t not in body_words) if bodies else None,
            many,
        )


@dataclass(frozen=True)
class Unit:
    """A quotable span of a hit and the score of its support."""

    hit: SearchHit
    span: tuple[int, int]
    support: float  # the part's concepts the unit and its context cover
    enough: bool  # enough of them (``supported``) for the unit to answer on its own
    words: frozenset[str]  # the unit's words, to tell a unit adding nothing new
    score: float  # ``Rule.coverage`` × support + the hit's search score relative to the best

    @property
    def chars(self) -> int:
        return self.span[1] - self.span[0]


Holds = Callable[[Need, str, str], bool]  # need, the unit's words, its context


def _figure(need: Need, unit: str, context: str) -> bool:
    # The unit counted ("bao nhiêu người") stands by the number; the thing measured
    # ("tài sản đóng góp bao nhiêu") may be named by the lead.
    f = need.focus
    return is_figure(unit) and (f.found_in(unit) or bool(f.all_of and f.found_in(context)))


def _deadline(need: Need, unit: str, context: str) -> bool:
    return is_deadline(unit)


def _stated(need: Need, unit: str, context: str) -> bool:
    # A role or a date asked for must be in the words quoted, not just somewhere in the
    # clause; and what is asked of a named body must be in the clause.
    asked = need.beyond_body
    return holds_what_is_asked(need.question, unit) and (
        not asked or overlap(asked, context) > len(set(asked)) / 2
    )


@dataclass(frozen=True)
class Rule:
    """How one kind of part is answered from clauses."""

    unit: Literal["sentence", "clause"]
    holds: Holds
    # The weight of the unit's own coverage of the concepts beside the search's score of
    # its clause. A clause's coverage is already a feature of the fitted search ranker
    # (``search.fusion``): 0. A sentence is one of several in its clause, and which of
    # them states the figure asked is told by the concepts it covers: 1.
    coverage: float = 0.0
    depth: int = 5  # hits searched
    keep: float = 0.6  # share of the best unit's score a further unit needs
    limit: int = 3  # units quoted
    budget: int = 600  # characters quoted beyond the first unit
    absent: str = ""  # what is missing, said when no unit holds it


RULES: dict[str, Rule] = {
    "figure": Rule("sentence", _figure, 1.0, depth=8, absent="con số, chỉ tiêu"),
    "deadline": Rule("sentence", _deadline, 1.0, depth=8, absent="thời hạn"),
    "content": Rule("clause", _stated),
    # A list: its items beside the best one belong to it (``select``).
    "many": Rule("clause", _stated, depth=MAX_ITEMS, keep=0.5, limit=MAX_ITEMS, budget=1200),
}


def rule_for(asked: str, many: bool) -> Rule:
    """The rule of a part: its kind's, or for a part asking for several things that are
    clauses, the list's."""
    rule = RULES.get(asked, RULES["content"])
    return RULES["many"] if many and rule.unit == "clause" else rule


def supported(need: Need, hit: SearchHit, context: str) -> tuple[float, bool]:
    """How many of the part's concepts the context covers, and whether that is enough: half
    of them and two at least; or the part is only a body's name and the clause concerns that
    body; or it asks no subject word and the clause is close in meaning."""
    if not need.concepts:
        return 0.0, hit.similarity >= SIMILAR
    shared = covered(need.concepts, context)
    only_body = need.beyond_body is not None and not need.beyond_body
    return shared, enough(shared, need.concepts) or (hit.body_match > 0 and only_body)


def gather(hits: Sequence[SearchHit], need: Need, rule: Rule) -> list[Unit]:
    """The units of the hits that hold what is asked, best first (``select`` quotes the
    best only when it is supported enough)."""
    units: list[Unit] = []
    best = max((h.score for h in hits), default=0.0)
    for hit in hits:
        relevance = hit.score / best if best > 0 else 0.0
        for span, text, context in _spans(hit, need, rule):
            if rule.holds(need, text, context):
                support, ok = supported(need, hit, context)
                words = frozenset(text.lower().split())
                score = rule.coverage * support + relevance
                units.append(Unit(hit, span, support, ok, words, score))
    return sorted(units, key=lambda u: -u.score)


def _spans(hit: SearchHit, need: Need, rule: Rule) -> Iterable[tuple[tuple[int, int], str, str]]:
    """Each candidate span of a hit, its words (read across the wraps of hard-wrapped
    text: "… đến\nhết ngày 31 …") and the context its support is read in."""
    chunk, text = hit.chunk, hit.document.text
    if rule.unit == "clause":
        chars = ITEM_CHARS if need.many else MAX_QUOTE_CHARS
        span = quote_span(hit.document, chunk, focus=need.terms, max_chars=chars)
        yield span, " ".join(text[span[0] : span[1]].split()), searchable(hit)
        return
    # What a sentence of an item means includes the lead it completes ("Thứ tự ưu tiên …
    # như sau:" above "g) Người lao động từ 35 tuổi trở xuống;").
    around = f"{chunk.breadcrumb[-1] if chunk.breadcrumb else ''} {lead_of(chunk)}"
    for span in sentence_spans(text, chunk.start, chunk.end):
        sentence = " ".join(text[span[0] : span[1]].split())
        if len(strip_markup(sentence)) >= MIN_SENTENCE_CHARS:
            yield span, sentence, f"{sentence} {around}"
