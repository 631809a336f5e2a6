"""Enumerations: a clause that lists, kept together with its items.

Vietnamese documents announce a list with a lead ending in a colon ("Biện pháp bảo vệ an
ninh mạng bao gồm:", "Thành phần tài liệu … bao gồm:") followed by its units (điểm "a)",
khoản "1.", dashes), or set it out as a table whose rows are numbered. A question asking
for several things ("những biện pháp nào", "gồm những gì") is answered by the lead and
all of its items, not by the one item the search ranked first.

The units are found from the chunks' clause paths (the layout grammar already put each
item under its lead), never from the wording of one document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.answering.responsibility import UNIT_NUMBER_RE
from assistant.documents.grammar import RANKS
from assistant.documents.textnorm import folded_key
from assistant.types import Chunk

MAX_ITEMS = 15  # items quoted; more are counted, and the whole clause is one click away
MAX_TITLE_CHARS = 80

_ITEM_KINDS = frozenset({"diem", "khoan", "khoan_con", "tieu_muc", "dash", "row", "paragraph"})


@dataclass(frozen=True)
class Enumeration:
    """A lead and its items, in document order. ``lead`` is the chunk that announces the
    list when it is a chunk of its own (a paragraph ending in ":" or a table's header row);
    ``lead_text`` is the announcing words when they are the heading of the items' clause."""

    lead: Chunk | None
    lead_text: str | None
    items: tuple[Chunk, ...]
    more: int  # items beyond MAX_ITEMS, not quoted

    @property
    def title(self) -> str | None:
        """The title the items stand under, without its number ("Sở Xây dựng"); None when the
        list is announced by a lead of its own."""
        if not self.lead_text:
            return None
        words = UNIT_NUMBER_RE.sub("", self.lead_text).strip(" :*")
        return words if 0 < len(words) <= MAX_TITLE_CHARS else None

    @property
    def where(self) -> str:
        """The unit holding the list, as the items' labels end: "khoản 1 Điều 5"."""
        labels = [c.clause_label.split() for c in self.items]
        common: list[str] = []
        for words in zip(*(reversed(w) for w in labels), strict=False):
            if len(set(words)) != 1:
                break
            common.insert(0, words[0])
        while common and common[0] in ("của", "tại"):
            common.pop(0)
        return " ".join(common)

    def item_label(self, chunk: Chunk) -> str:
        """An item's own unit, without the unit holding the list: "điểm a", "số thứ tự 3"."""
        where = self.where
        label = chunk.clause_label
        if where and label.endswith(where) and label != where:
            label = label[: -len(where)].strip()
            for tail in (" của bảng tại", " của bảng", " tại", " của"):
                label = label.removesuffix(tail)
        return label


def _announces(text: str) -> bool:
    return text.rstrip(" *").endswith(":")


def _parent_heading(chunk: Chunk) -> str:
    """The heading of the clause holding the chunk: a numbered unit's breadcrumb ends with its
    own heading, a block's (dash, paragraph, table row) with its clause's."""
    own = chunk.metadata.get("kind") in RANKS
    crumbs = chunk.breadcrumb[:-1] if own else chunk.breadcrumb
    return crumbs[-1] if crumbs else ""


def _title(heading: str) -> bool:
    """A heading that is a title only ("1. Sở Xây dựng", "Điều 5. Biện pháp bảo vệ"): the
    units under it are its list."""
    words = UNIT_NUMBER_RE.sub("", heading).strip(" *")
    return 0 < len(words) <= MAX_TITLE_CHARS and not re.search(r"[.;!?…]$", words)


def heading_named(question: str, chunk: Chunk) -> bool:
    """The question names the title-only heading the chunk is an item of ("Mục đích của Kế
    hoạch 164 là gì?" above "- Tăng cường …"): the items under it are the answer together."""
    heading = _parent_heading(chunk)
    if chunk.metadata.get("kind") not in _ITEM_KINDS or not _title(heading):
        return False
    words = re.findall(r"\w+", folded_key(UNIT_NUMBER_RE.sub("", heading)))
    asked = set(re.findall(r"\w+", folded_key(question)))
    return 0 < len(words) <= 6 and all(w in asked for w in words)


def lead_of(chunk: Chunk) -> str:
    """The lead an item completes ("Thứ tự ưu tiên … như sau:" above "g) Người lao động từ
    35 tuổi trở xuống;"), "" when the clause above it announces no list."""
    heading = _parent_heading(chunk)
    return heading if _announces(heading) else ""


def _header_row(chunk: Chunk) -> bool:
    return chunk.metadata.get("kind") == "row" and chunk.clause_label.startswith("hàng tiêu đề")


def _under(chunk: Chunk, parent: tuple[str, ...]) -> bool:
    return len(chunk.clause_path) > len(parent) and chunk.clause_path[: len(parent)] == parent


def _from(chunks: Sequence[Chunk], first: int, page: int = 16) -> Iterator[Chunk]:
    """The chunks from ``first`` on, read a page at a time: an index on disk reads only
    the few units a list has, never every chunk after it (``chunks[first:]`` would)."""
    for start in range(first, len(chunks), page):
        yield from chunks[start : start + page]


def enumeration_at(chunks: Sequence[Chunk], position: int) -> Enumeration | None:
    """The list the chunk at ``position`` belongs to (as its lead or as one of its items);
    None when it is not part of an announced list of two or more items."""
    top = chunks[position]
    parent = top.clause_path[:-1]
    kind = top.metadata.get("kind")
    heading = _parent_heading(top)
    if _announces(top.clean_text) or _header_row(top):
        # The lead itself: its items are the units after it under the same clause.
        lead: Chunk | None = top
        first = position + 1
    elif (
        kind in _ITEM_KINDS and parent and (_announces(heading) or _title(heading) or kind == "row")
    ):
        lead = None
        first = position
        while (
            first > 0
            and chunks[first - 1].doc_id == top.doc_id
            and _under(chunks[first - 1], parent)
        ):
            first -= 1
            if _announces(chunks[first].clean_text) or _header_row(chunks[first]):
                lead = chunks[first]
                first += 1
                break
    else:
        return None
    items: list[Chunk] = []
    for chunk in _from(chunks, first):
        if chunk.doc_id != top.doc_id or not _under(chunk, parent):
            break
        if chunk.metadata.get("kind") not in _ITEM_KINDS:
            break
        items.append(chunk)
    if kind == "row":
        items = [c for c in items if c.metadata.get("kind") == "row"]
    if len(items) < 2:
        return None
    lead_text = None if lead is not None else heading
    return Enumeration(lead, lead_text, tuple(items[:MAX_ITEMS]), max(0, len(items) - MAX_ITEMS))


def lead_span(text: str, enumeration: Enumeration) -> tuple[int, int] | None:
    """Where the announcing heading of the items' clause is written ("Biện pháp bảo vệ an
    ninh mạng bao gồm:" above "a) Thẩm định an ninh mạng;"), found just before the first
    item whatever markup or line breaks lie between its words; None when it is not there."""
    if not enumeration.lead_text or not enumeration.items:
        return None
    words = re.findall(r"\w+", enumeration.lead_text)
    if len(words) < 2:
        return None
    first = enumeration.items[0].start
    window_start = max(0, first - 3000)
    pattern = re.compile(r"\W+".join(re.escape(w) for w in words[-12:]) + r"\W*?:")
    matches = list(pattern.finditer(text, window_start, first))
    if not matches:
        return None
    found = matches[-1]  # the nearest one above the items
    # Back to the start of the heading's own words (after its number "1.").
    head = re.compile(r"\W+".join(re.escape(w) for w in words[: min(len(words), 12)]))
    starts = [m.start() for m in head.finditer(text, window_start, found.end())]
    start = starts[-1] if starts else found.start()
    number = re.match(r"\d+(?:\.\d+)*[.)]?\s+|[a-zđ]\)\s+", text[start : found.end()])
    if number:
        start += number.end()
    return start, found.end()


def lead_label(enumeration: Enumeration) -> tuple[str, str]:
    """(unit label, full citation label) of the unit holding the list: ("khoản 1 Điều 5",
    "khoản 1 Điều 5 Luật An ninh mạng số 24/2018/QH14 …")."""
    item = enumeration.items[0]
    where = enumeration.where
    return where, where + item.label[len(item.clause_label) :]
