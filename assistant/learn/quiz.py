"""Multiple-choice questions generated from the documents' structure.

Five kinds: which body is assigned this task; what figure a target states; by which date
a report is due; who signed a document; which document a document implements. Every
question is the text's own words (a quoted task, or a sentence with its figure or date
left blank); the correct option is checked in code to be in the cited quote, distractors
come from elsewhere in the corpus and are checked not to be right for the question, and
an item that fails a check is dropped. A round is deterministic given its seed.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.answering.citations import sentence_spans
from assistant.documents.facts import (
    deadline_date_spans,
    figure_spans,
    implements_span,
    signature_span,
)
from assistant.documents.textnorm import folded_key
from assistant.learn.library import NEWS, Library, find_name
from assistant.learn.overview import shorten
from assistant.search.bodies import body_key
from assistant.types import Citation, ParsedDocument

KINDS = ("body", "figure", "deadline", "signer", "implements")
OPTIONS = 4
BLANK = "……"
MAX_BODY_WORDS = 10


@dataclass(frozen=True)
class QuizOption:
    text: str
    correct: bool


@dataclass(frozen=True)
class QuizItem:
    id: str  # content-derived, stable across runs
    kind: str  # one of KINDS
    question: str
    options: tuple[QuizOption, ...]
    citation: Citation  # the words that hold the correct answer
    explanation: str
    evidence: str  # what the quote must contain: the answer, or its số hiệu

    @property
    def answer(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.correct)

    @property
    def answer_text(self) -> str:
        return self.options[self.answer].text


@dataclass(frozen=True)
class Score:
    correct: int
    answered: int
    total: int

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def text(self) -> str:
        """Right answers over the questions answered; the unanswered ones are named apart."""
        text = f"{self.correct}/{self.answered} câu đã trả lời đúng"
        if self.unanswered:
            text += f" ({self.unanswered}/{self.total} câu chưa trả lời, không tính điểm)"
        return text


def letter(index: int) -> str:
    return "ABCDEFGH"[index]


def score(items: Sequence[QuizItem], answers: dict[str, int | None]) -> Score:
    """Answers by item id (option index, or None when not answered)."""
    given = [answers.get(i.id) for i in items]
    right = sum(1 for item, a in zip(items, given, strict=True) if a == item.answer)
    return Score(right, sum(1 for a in given if a is not None), len(items))


# -- candidates ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Draft:
    kind: str
    question: str
    correct: str
    wrong: frozenset[str]  # folded forms no distractor may take: everything right or named here
    pool: tuple[str, ...]  # distractor candidates, most plausible first
    citation: Citation
    explanation: str
    evidence: str = ""  # defaults to the correct option


def _specific(body: str) -> bool:
    """A named body, not a group ("Các sở", "Ban, ngành Thành phố") that may contain others."""
    return (
        2 <= len(body.split()) <= MAX_BODY_WORDS
        and "," not in body
        and not re.search(r"(?:^|\s)(?:các|những)\s", body.lower())  # "UBND các phường"
    )


def _body_drafts(library: Library, bodies: list[str]) -> Iterator[_Draft]:
    for parsed in library.documents:
        if parsed.document.doc_type == NEWS:
            continue
        for chunk in parsed.chunks:
            assigned = library.assignments_of(chunk.id)
            for a in assigned:
                if (
                    not _specific(a.body)
                    or find_name(parsed.document.text, a.body, chunk.start, chunk.end) < 0
                ):
                    continue
                cite = library.cite_task(parsed, chunk, a.body)
                task = library.cite_body(parsed, chunk)
                if cite is None or task is None:
                    continue
                task_text = task.quote
                pos = find_name(task_text, a.body)
                if pos >= 0:  # the body is the subject of the sentence: leave it blank
                    task_text = task_text[:pos] + BLANK + task_text[pos + len(a.body) :]
                elif a.role != "heading":
                    continue
                # Any body this clause names, assigned or partner, is no distractor.
                named = {b for b in bodies if find_name(chunk.text, b) >= 0}
                wrong = {body_key(x.body) for x in assigned} | {body_key(b) for b in named}
                yield _Draft(
                    "body",
                    f"Theo {chunk.clause_label} {parsed.document.short_name}, cơ quan nào được "
                    f"giao việc sau: “{shorten(task_text, 300)}”?",
                    a.body,
                    frozenset(wrong),
                    tuple(_same_document_first(library, parsed, bodies)),
                    cite,
                    f"Theo {chunk.clause_label} {parsed.document.short_name}, việc này giao cho {a.body}.",
                )


def _same_document_first(library: Library, parsed: ParsedDocument, bodies: list[str]) -> list[str]:
    own = {a.body for c in parsed.chunks for a in library.assignments_of(c.id) if _specific(a.body)}
    return sorted(own) + [b for b in bodies if b not in own]


def _blank_drafts(library: Library, kind: str) -> Iterator[_Draft]:
    """Targets and deadlines: a sentence with its figure (or day/month) left blank."""
    finder = figure_spans if kind == "figure" else deadline_date_spans
    values: list[str] = []
    found: list[tuple[ParsedDocument, str, int, int, list[tuple[int, int]]]] = []
    for parsed in library.documents:
        if parsed.document.doc_type == NEWS:
            continue  # a news report states results, not targets or deadlines
        text = parsed.document.text
        for chunk in parsed.chunks:
            for start, end in sentence_spans(text, chunk.start, chunk.end):
                spans = finder(text[start:end])
                if spans:
                    found.append((parsed, chunk.clause_label, start, end, spans))
                    values += [text[start + s : start + e] for s, e in spans]
    if kind == "deadline":
        # Other days of the year the documents name: their own dates, as "14/11".
        values += [f"{d.day}/{d.month}" for p in library.documents if (d := p.document.date)]
    for parsed, clause, start, end, spans in found:
        sentence = parsed.document.text[start:end]
        cite = library.cite(parsed, start, end)
        if cite is None:
            continue
        for s, e in spans:
            value = sentence[s:e]
            blanked = shorten(sentence[:s] + BLANK + sentence[e:], 300)
            ask = "con số nào" if kind == "figure" else "thời hạn nào"
            yield _Draft(
                kind,
                f"Theo {clause} {parsed.document.short_name}, {ask} điền vào chỗ trống: "
                f"“{blanked}”?",
                value,
                frozenset(folded_key(sentence[a:b]) for a, b in spans),
                _pool(value, values),
                cite,
                f"Theo {clause} {parsed.document.short_name}: “{shorten(sentence, 300)}”",
            )


def unit(value: str) -> str:
    """What a figure counts: "%", "ngày" for a day/month, the words after the number
    ("triệu đồng", "người"), "khoảng" for a range ("2-3"), or "số" for a bare number."""
    if "%" in value or "phần trăm" in value:
        return "%"
    if re.search(r"\d\s*/\s*\d", value):
        return "ngày"
    words = re.sub(r"[\d.,\s–-]+", " ", value).split()
    if "đồng" in words:
        return "đồng"  # "20 triệu đồng" and "1 tỷ đồng" are both amounts of money
    if words:
        return " ".join(words).lower()
    return "khoảng" if re.search(r"\d\s*[-–]\s*\d", value) else "số"


def _pool(value: str, values: list[str]) -> tuple[str, ...]:
    """Values of the same unit only (a percentage for a percentage, an amount of money for
    an amount of money); a question without enough of them is dropped."""
    return tuple(dict.fromkeys(v for v in values if unit(v) == unit(value)))


def _signer_drafts(library: Library) -> Iterator[_Draft]:
    names = [
        p.document.signer.name
        for p in library.documents
        if p.document.signer and p.document.signer.name
    ]
    names += [
        p.document.copy_stamp.signer.name
        for p in library.documents
        if p.document.copy_stamp
        and p.document.copy_stamp.signer
        and p.document.copy_stamp.signer.name
    ]
    called = [p.document.citation_name for p in library.documents]
    for parsed in library.documents:
        d = parsed.document
        span = signature_span(d)
        if not (d.signer and d.signer.name and span) or called.count(d.citation_name) > 1:
            continue  # "Ai ký Văn bản?" would fit two documents without a số hiệu or date
        # The copy's signer signed this paper too: not a wrong answer to offer.
        copier = d.copy_stamp.signer.name if d.copy_stamp and d.copy_stamp.signer else None
        cite = library.cite(parsed, span.start, span.end, span.part)
        if cite is None:
            continue
        title = f" ({d.signer.display_title})" if span.with_title and d.signer.display_title else ""
        yield _Draft(
            "signer",
            f"Ai ký {d.citation_name}?",
            d.signer.name,
            frozenset({folded_key(d.signer.name)} | ({folded_key(copier)} if copier else set())),
            tuple(dict.fromkeys(names)),
            cite,
            f"{d.short_name} do {d.signer.name}{title} ký.",
        )


def _implements_drafts(library: Library) -> Iterator[_Draft]:
    numbers = {p.document.doc_number for p in library.documents if p.document.doc_number}
    chains: dict[str, set[str]] = {}
    for p in library.documents:
        for ref in p.document.references:
            numbers.add(ref.number)
            chains.setdefault(ref.number, set()).update(ref.implements)
        if p.document.doc_number:
            chains.setdefault(p.document.doc_number, set()).update(p.document.implements)

    # "Kế hoạch số 140-KH/TU": the type as the texts give it, so options read like the texts.
    names: dict[str, str] = {}
    for p in library.documents:
        d = p.document
        if d.doc_number:
            names[d.doc_number] = d.short_name
        for ref in d.references:
            if ref.doc_type:
                names.setdefault(ref.number, f"{ref.doc_type} số {ref.number}")

    def closure(number: str) -> set[str]:
        seen: set[str] = set()
        todo = [number]
        while todo:
            for up in chains.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        return seen

    for parsed in library.documents:
        d = parsed.document
        span = implements_span(d)
        if not (d.doc_number and d.implements and span):
            continue
        cite = library.cite(parsed, *span)
        if cite is None:
            continue
        target = d.implements[0]
        # What it implements, directly or through the chain, and itself are never distractors.
        wrong = closure(d.doc_number) | {d.doc_number}
        yield _Draft(
            "implements",
            f"{d.citation_name} được ban hành để thực hiện văn bản nào?",
            names.get(target, target),
            frozenset(folded_key(names.get(n, n)) for n in wrong),
            tuple(names.get(n, n) for n in sorted(numbers)),
            cite,
            f"{d.short_name} ghi: “{shorten(cite.quote, 300)}”",
            evidence=target,
        )


def _drafts(library: Library) -> list[_Draft]:
    bodies = sorted(
        {
            a.body
            for items in library.responsibilities.by_key.values()
            for a in items
            if _specific(a.body)
        }
    )
    return [
        *_body_drafts(library, bodies),
        *_blank_drafts(library, "figure"),
        *_blank_drafts(library, "deadline"),
        *_signer_drafts(library),
        *_implements_drafts(library),
    ]


# -- a round ------------------------------------------------------------------------------
def _value_key(text: str) -> str:
    """The same value however written: "05/06" and "5/6", "1.000" and "1000"."""
    key = re.sub(r"(?<=\d)[.\s](?=\d{3}\b)", "", folded_key(text))
    return re.sub(r"\b0+(?=\d)", "", key)


def _item(draft: _Draft, rng: random.Random) -> QuizItem | None:
    wrong = draft.wrong | {
        folded_key(draft.correct),
        body_key(draft.correct),
        _value_key(draft.correct),
    }
    distractors: list[str] = []
    seen: set[str] = set(wrong)
    for option in draft.pool:
        keys = {folded_key(option), body_key(option), _value_key(option)}
        if keys & seen or any(k and (k in w or w in k) for k in keys for w in wrong if w):
            continue
        seen |= keys
        distractors.append(option)
    if not distractors or (draft.kind in ("figure", "deadline") and len(distractors) < 2):
        return None  # a figure beside one other of its unit is a giveaway: three options at least
    # The most plausible half first, then a seeded pick among them.
    near = distractors[: (OPTIONS - 1) * 2]
    chosen = rng.sample(near, min(OPTIONS - 1, len(near)))
    options = [QuizOption(draft.correct, True), *(QuizOption(o, False) for o in chosen)]
    rng.shuffle(options)
    digest = hashlib.sha1(f"{draft.kind}\n{draft.question}".encode()).hexdigest()[:12]
    item = QuizItem(
        digest,
        draft.kind,
        draft.question,
        tuple(options),
        draft.citation,
        draft.explanation,
        draft.evidence or draft.correct,
    )
    return None if check(item) else item  # an item that fails a check is never shown


def make_quiz(library: Library, n: int = 10, seed: int = 0) -> list[QuizItem]:
    """``n`` distinct questions (fewer when the corpus has fewer), kinds taken in turn."""
    rng = random.Random(seed)
    by_kind: dict[str, list[_Draft]] = {k: [] for k in KINDS}
    for draft in _drafts(library):
        by_kind[draft.kind].append(draft)
    for drafts in by_kind.values():
        rng.shuffle(drafts)
    order = list(KINDS)
    rng.shuffle(order)
    items: list[QuizItem] = []
    asked: set[str] = set()
    while len(items) < n and any(by_kind.values()):
        for kind in order:
            while by_kind[kind] and len(items) < n:
                item = _item(by_kind[kind].pop(), rng)
                if item is not None and item.question not in asked:
                    asked.add(item.question)
                    items.append(item)
                    break
    return items


def check(item: QuizItem) -> list[str]:
    """Problems with an item; empty when it is sound. Used by the tests and before showing."""
    problems = []
    if sum(o.correct for o in item.options) != 1:
        problems.append("cần đúng một đáp án đúng")
    if folded_key(item.evidence) not in folded_key(item.citation.quote):
        problems.append("đáp án đúng không có trong đoạn trích dẫn")
    texts = [folded_key(o.text) for o in item.options]
    if len(set(texts)) != len(texts):
        problems.append("hai phương án trùng nhau")
    if re.search(r"\s{2,}", item.question):
        problems.append("câu hỏi có khoảng trắng thừa")
    return problems
