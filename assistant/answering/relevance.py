"""Does a clause answer the question? Word coverage, the asked body and place, the document
named: the checks every kind of answer shares."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.answering.abstain import Evidence
from assistant.answering.analyse import Part, place_name
from assistant.documents.layout import SO_HIEU_RE
from assistant.documents.textnorm import folded_key
from assistant.search.lexical import synonyms_in, with_synonyms
from assistant.search.retrieval import SearchHit
from assistant.types import Chunk, Document, issuer_locality

MIN_TOPIC_SHARE = 0.5  # share of the question's subject words a quoted sentence must contain

_QUESTION_WORDS = frozenset(
    "ai gi nao sao bao nhieu khi nao the nao nhu the nao la co khong phai lam duoc giao nhung cac cua "
    "va voi cho trong theo ve vao o tai thi con nhiem vu trach nhiem viec van ban ke hoach ket luan cong van "
    "hoi chu thap do".split()
)
_DOC_WORDS = frozenset("kh kl cv ct tw tu qu ubnd ke hoach ket luan cong van chi thi so".split())
_BOUNDS = re.compile(r"\b(?:it nhat|toi thieu|toi da|nhieu nhat|cao nhat|thap nhat)\b")
_GENERIC_TERMS = frozenset(
    "dat chi tieu ty le muc so luong bao nhieu phan tram hom nay hien nay".split()
)


def content_terms(question: str) -> list[str]:
    words = re.findall(r"\w+", folded_key(question))
    return [w for w in words if w not in _QUESTION_WORDS and (len(w) > 1 or w.isdigit())]


def enough(shared: float, terms: Sequence[str] | Sequence[Concept]) -> bool:
    """At least half of the question's subject words, and two of them when it has two or more."""
    distinct = len(set(terms))
    return distinct > 0 and shared / distinct >= MIN_TOPIC_SHARE and shared >= min(2, distinct)


def searchable(hit: SearchHit) -> str:
    return searchable_chunk(hit.chunk)


def searchable_chunk(chunk: Chunk) -> str:
    return chunk.clean_text + " " + " ".join(chunk.breadcrumb)


Concept = frozenset[str]  # a subject word of the question, with the official terms for it


def concepts(question: str, documents: Iterable[Document]) -> list[Concept]:
    """The question's subject words (``topic_terms``) as concepts, each covered when any
    of its words is in a text. A plain word and the official terms search adds for it are
    one concept: "tiền" is covered by "kinh phí", and "tiền bạc" counts once, not as the
    six words "tiền bạc kinh phí tài chính" a clause would otherwise need half of."""
    groups: list[set[str]] = [
        {t} for t in dict.fromkeys(topic_terms(question, documents, synonyms=False))
    ]
    for key, value in synonyms_in(question):
        own = set(re.findall(r"\w+", folded_key(key)))
        # A generic plain word ("chỉ tiêu", not a subject word) is asked for by its
        # official terms alone ("phấn đấu đạt tỷ lệ"): a concept of their own.
        joined = [g for g in groups if g & own]
        union = set().union(*joined) | set(re.findall(r"\w+", folded_key(value)))
        groups = [g for g in groups if not g & own] + [union]
    return [frozenset(g) for g in groups]


def covered(asked: Sequence[Concept], text: str) -> float:
    """How many of the concepts the text holds."""
    words = set(re.findall(r"\w+", folded_key(text)))
    return float(sum(1 for concept in set(asked) if concept & words))


def same_body(asked: str, key: str) -> bool:
    """The asked body (folded key, perhaps with a place: "so noi vu ha noi") and a body a
    heading names ("so noi vu") are the same: one name holds the other, or they share their
    first two words ("uy ban nhan dan cac quan …")."""
    a, k = f" {asked} ", f" {key} "
    return k in a or a in k or asked.split()[:2] == key.split()[:2]


def unknown_document(part: Part) -> str:
    """The document number the part names, as written, when the corpus holds no document of
    that number and the part names none it holds; "" otherwise."""
    c = part.constraints
    if not c.unknown_documents or c.documents:
        return ""
    found = SO_HIEU_RE.search(part.text)
    return found.group(0) if found else ""


def places_missing(part: Part, evidence: Evidence) -> str:
    """The places the part names that no document is from and the evidence does not name,
    as Vietnamese writes them ("Đà Nẵng"); "" when there are none."""
    text = folded_key(" ".join((*evidence.quotes, *evidence.clauses)))
    missing = [
        p for p in part.constraints.other_places if not re.search(rf"\b{re.escape(p)}\b", text)
    ]
    return ", ".join(place_name(p) for p in missing)


def places_of(d: Document) -> set[str]:
    """Where a document is from, folded: its place of signing and its issuer's locality."""
    return {folded_key(p) for p in (d.place, issuer_locality(d.issuer)) if p}


def topic_terms(
    question: str, documents: Iterable[Document], *, synonyms: bool = True
) -> list[str]:
    """The question's own subject words: without question words, generic figure words
    and the place names that only pick the document ("Hà Nội", "Kiến An")."""
    documents = list(documents)
    places = {w for d in documents for p in places_of(d) for w in p.split()}
    # The words that name a document (its type and number) only pick it.
    names = {
        w
        for d in documents
        for w in re.findall(r"\w+", folded_key(f"{d.doc_number or ''} {d.doc_type or ''}"))
    }
    # "ít nhất", "tối đa" bound the figure asked; clauses write the bound their own way
    # ("từ … trở lên", "không quá"): no subject words.
    asked = _BOUNDS.sub(" ", folded_key(with_synonyms(question) if synonyms else question))
    terms = content_terms(asked)
    return [
        t
        for t in terms
        if t not in _GENERIC_TERMS and t not in places and t not in names and t not in _DOC_WORDS
    ]
