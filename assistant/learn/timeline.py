"""How the central conclusion flows down: every document in the corpus and every document
they implement, with its level (trung ương, tỉnh/thành phố, quận/huyện), date and what
it implements. Documents only named in the corpus are nodes "không có trong kho".

The level comes from the issuer's words; where they do not settle it ("Thành ủy" is a
provincial-level city's committee or a district-level city's), from the implements graph:
one level below what it implements, or the same level when it implements a document of
the same place (a city's People's Committee carrying out its own Party committee's plan).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.documents.facts import find_number, implements_span, place_date_span, sentence_around
from assistant.documents.textnorm import folded_key
from assistant.learn.library import Library
from assistant.types import LAST_DATE, Citation, Document, DocumentRef, issuer_locality

LEVELS = ("Trung ương", "Tỉnh, thành phố", "Quận, huyện, thị xã, thành phố thuộc tỉnh")
# Issuer words that settle the level by themselves (folded).
_CENTRAL = r"\b(?:ban bi thu|bo chinh tri|trung uong|chinh phu|quoc hoi)\b"
_PROVINCE = r"\b(?:tinh uy|ubnd tinh|uy ban nhan dan tinh|hdnd tinh)\b"
_DISTRICT = r"\b(?:quan uy|huyen uy|thi uy|ubnd (?:quan|huyen|thi xa)|uy ban nhan dan (?:quan|huyen|thi xa))\b"
# Số hiệu suffixes: "/TW" central; "/QU", "/HU" district.
_SUFFIX_LEVEL = {"TW": 0, "QU": 2, "HU": 2}


@dataclass(frozen=True)
class TimelineNode:
    number: str  # số hiệu
    name: str  # "Kế hoạch số 164/KH-UBND ngày 05/6/2023 của UBND thành phố Hà Nội"
    doc_type: str | None
    issuer: str | None
    date: dt.date | None
    level: int | None  # index into LEVELS
    in_corpus: bool
    implements: tuple[str, ...]
    citation: Citation | None  # where the date is written, or where another document names it

    @property
    def level_name(self) -> str:
        return LEVELS[self.level] if self.level is not None else "Chưa xác định cấp"


def _issuer_level(issuer: str | None, number: str) -> int | None:
    folded = folded_key(issuer or "")
    if re.search(_CENTRAL, folded):
        return 0
    if re.search(_DISTRICT, folded):
        return 2
    if re.search(_PROVINCE, folded):
        return 1
    suffix = number.rsplit("/", 1)[-1] if "/" in number else ""
    return _SUFFIX_LEVEL.get(suffix)


def _place(issuer: str | None) -> str | None:
    place = issuer_locality(issuer)
    return folded_key(place) if place else None


def _merge(refs: Iterable[DocumentRef]) -> dict[str, DocumentRef]:
    """One description per referenced number: the first date, issuer and type the texts give."""
    out: dict[str, DocumentRef] = {}
    for ref in refs:
        old = out.get(ref.number)
        if old is None:
            out[ref.number] = ref
            continue
        out[ref.number] = DocumentRef(
            ref.number,
            old.doc_type or ref.doc_type,
            old.date or ref.date,
            old.issuer or ref.issuer,
            tuple(dict.fromkeys(old.implements + ref.implements)),
        )
    return out


def timeline(library: Library) -> list[TimelineNode]:
    """Nodes ordered top-down: by level, then date, and never before what they implement."""
    docs: dict[str, Document] = {
        p.document.doc_number: p.document for p in library.documents if p.document.doc_number
    }
    refs = _merge(r for d in docs.values() for r in d.references)
    parents: dict[str, tuple[str, ...]] = {n: d.implements for n, d in docs.items()}
    for number, ref in refs.items():
        parents.setdefault(number, ref.implements)
    # Only the implements chain: a Tờ trình or a Thông tư merely cited is not part of it.
    wanted = set(docs)
    todo = list(docs)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in wanted:
                wanted.add(parent)
                todo.append(parent)

    def issuer(n: str) -> str | None:
        return docs[n].issuer if n in docs else refs[n].issuer if n in refs else None

    levels: dict[str, int | None] = {}

    def level(n: str, seen: frozenset[str] = frozenset()) -> int | None:
        if n in levels:
            return levels[n]
        found = _issuer_level(issuer(n), n)
        if found is None:
            above = []
            for p in parents.get(n, ()):
                if p in seen:
                    continue
                lp = level(p, seen | {n})
                if lp is not None:
                    same = _place(issuer(p)) is not None and _place(issuer(p)) == _place(issuer(n))
                    above.append(lp if same else min(lp + 1, len(LEVELS) - 1))
            found = max(above) if above else None
        levels[n] = found
        return found

    depths: dict[str, int] = {}

    def depth(n: str, seen: frozenset[str] = frozenset()) -> int:
        # Memoised: a tangled implements graph must not cost a walk per path.
        if n not in depths:
            above = [p for p in parents.get(n, ()) if p in wanted and p not in seen]
            depths[n] = 1 + max((depth(p, seen | {n}) for p in above), default=-1)
        return depths[n]

    nodes = [_node(library, n, docs, refs, parents, level(n)) for n in wanted]
    return sorted(
        nodes,
        key=lambda x: (
            x.level if x.level is not None else len(LEVELS),
            depth(x.number),
            x.date or LAST_DATE,
            x.number,
        ),
    )


def _node(
    library: Library,
    number: str,
    docs: dict[str, Document],
    refs: dict[str, DocumentRef],
    parents: dict[str, tuple[str, ...]],
    level: int | None,
) -> TimelineNode:
    implements = tuple(p for p in parents.get(number, ()) if p != number)
    if number in docs:
        d = docs[number]
        parsed = library.parsed(d.doc_id)
        span = place_date_span(d) or implements_span(d)
        citation = library.cite(parsed, *span) if span else None
        return TimelineNode(
            number, d.citation_name, d.doc_type, d.issuer, d.date, level, True, implements, citation
        )
    ref = refs.get(number, DocumentRef(number))
    return TimelineNode(
        number,
        ref.citation_name,
        ref.doc_type,
        ref.issuer,
        ref.date,
        level,
        False,
        implements,
        _mention(library, number),
    )


def _mention(library: Library, number: str) -> Citation | None:
    """The first sentence of the corpus that names a document the corpus does not hold."""
    for parsed in library.documents:
        pos = find_number(parsed.document.text, number, parsed.document.body_start)
        if pos >= 0:
            cite = library.cite(parsed, *sentence_around(parsed.document.text, pos))
            if cite is not None:
                return cite
    return None
