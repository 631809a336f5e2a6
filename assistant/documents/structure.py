"""The clause tree of a document's body, built by walking the numbering table of
``grammar``: Phần, Chương, Mục, Tiểu mục, Điều, khoản, điểm; Roman parts, "1.",
"1.1.", "a)"; Party "I-", "1-", "a-"; dashes and unnumbered paragraphs as leaves.

Headings are recognised by their numbering, never by markdown level. A unit closes
every open unit of the same or a lower rank. When the top-level numbering of an
administrative document restarts (1, 2, 2, 3, 4, 1 … 12) the headings of its parts
were lost in extraction: each run becomes a part (Mục I, II, III …) marked
``inferred``. Labels name the smallest unit first and stop at the Điều, which is
numbered through the whole document ("điểm a khoản 2 Điều 10").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents.blocks import Paragraph
from assistant.documents.grammar import (
    BY_KIND,
    DASH_RE,
    RANKS,
    cite,
    match_marker,
    roman,
    roman_value,
)
from assistant.documents.layout import CLOSING_RE, is_upper_line
from assistant.documents.textnorm import strip_markup
from assistant.types import Clause, DocumentRef

_SENTENCE_END_RE = re.compile(r"[.;!?…]\s*[”\")*]*$")

ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
INFERRED_NOTE = "đề mục suy ra, không có trong văn bản"
__all__ = ["INFERRED_NOTE", "RANKS", "parse_clauses", "roman", "roman_value"]


@dataclass
class _Node:
    kind: str  # a grammar kind, or dash, paragraph, preamble, closing, caption, note
    number: str | None
    heading: str | None  # the words of a heading, without its number
    para: Paragraph | None  # the marker line, or the leaf's own paragraph
    inline: bool = False  # the numbered line carries body text itself
    inferred: bool = False
    children: list[_Node] = field(default_factory=list)
    title_para: Paragraph | None = None  # a container's title on the line after its marker
    cited_in: DocumentRef | None = None
    cited_number: str | None = None  # the source's own article number (codifications)

    @property
    def rank(self) -> int:
        return RANKS.get(self.kind, 99)

    @property
    def start(self) -> int:
        if self.para is not None:
            return self.para.start
        return self.children[0].start

    @property
    def end(self) -> int:
        if self.children:
            return self.children[-1].end
        if self.title_para is not None:
            return self.title_para.end
        assert self.para is not None
        return self.para.end


def classify(para: Paragraph) -> tuple[str, str | None, str]:
    """(kind, number, rest of the line) of a body paragraph."""
    first = para.clean
    if para.table_row:
        number = first.split(" | ", 1)[0].strip("* .")
        return "row", number if number.isdigit() else None, first
    if CLOSING_RE.match(first):
        return "closing", None, first
    found = match_marker(first)
    if found is not None:
        return found.level.kind, found.number, found.rest
    m = DASH_RE.match(first)
    if m:
        return "dash", None, m["rest"]
    return "paragraph", None, first


def _is_heading_only(kind: str, rest: str) -> bool:
    if kind in BY_KIND and BY_KIND[kind].heading_only:
        return True
    return not rest or rest.endswith(":") or not _SENTENCE_END_RE.search(rest)


def _as_int(number: str | None) -> int | None:
    if number is None:
        return None
    return int(number) if number.isdigit() else roman_value(number)


def _takes_title(node: _Node, para: Paragraph) -> bool:
    """ "Chương I" then "NHỮNG QUY ĐỊNH CHUNG" on its own line: the chapter's title."""
    text = strip_markup(para.clean)
    if BY_KIND.get(node.kind) is None or not BY_KIND[node.kind].container or node.children:
        return False
    if node.heading:
        # A long title wrapped over two upper-case lines: "… HÌNH THỨC XỬ PHẠT" / "VÀ BIỆN PHÁP …".
        return is_upper_line(text) and len(text) <= 250
    return (is_upper_line(text) or not _SENTENCE_END_RE.search(text)) and len(text) <= 250


_THROUGH = ("phan", "chuong", "dieu")
_QUOTE_END_RE = re.compile(r"[”\"]\s*[.;,:]*\s*(?:/\.)?\s*$")


# Amending provisions open with these verbs (Luật Ban hành VBQPPL: sửa đổi, bổ sung,
# thay thế, bãi bỏ); one of them at a unit's start is never quoted text.
_AMEND_RE = re.compile(
    r"^(?:Sửa đổi|Bổ sung|Bãi bỏ|Thay thế|Thay cụm từ|Thay đổi|Điều chỉnh|Đính chính|Bỏ)\b"
)


def _ends_quote(kind: str, number: str | None, rest: str, last: dict[str, int]) -> bool:
    if _AMEND_RE.match(strip_markup(rest).strip()):
        return True
    value = _as_int(number)
    return kind in _THROUGH and value is not None and value == last.get(kind, 0) + 1


_MAX_SKIP = 2  # a khoản may skip one number (a drafting slip); a larger jump is not a khoản


def _jumps(stack: list[_Node], number: str | None) -> bool:
    if number is None or not number.isdigit():
        return False
    holder = next((n for n in reversed(stack) if n.kind in ("muc", "dieu", "khoan")), stack[0])
    if holder.kind == "khoan":
        holder = next(
            (n for n in reversed(stack) if n is not holder and n.kind in ("muc", "dieu")),
            stack[0],
        )
    siblings = [c for c in holder.children if c.kind == "khoan" and (c.number or "").isdigit()]
    return bool(siblings) and int(number) > int(siblings[-1].number or 0) + _MAX_SKIP


def _sublist_parent(stack: list[_Node], number: str | None) -> _Node | None:
    """The khoản a restarted "1." (or its continuation) belongs to, inside a part or Điều."""
    if number is None or not number.isdigit():
        return None
    value = int(number)
    if not any(n.kind in ("muc", "dieu") for n in stack):
        return None  # restarts at the top are lost part headings (see _infer_parts)
    outer = next((n for n in reversed(stack) if n.kind == "khoan"), None)
    if outer is None:
        # A restart right under a part or Điều: the previous khoản holds the list.
        holder = next((n for n in reversed(stack) if n.kind in ("muc", "dieu")), None)
        siblings = [c for c in holder.children if c.kind == "khoan"] if holder else []
        if value == 1 and siblings and (siblings[-1].number or "").isdigit():
            return siblings[-1]
        return None
    if not (outer.number or "").isdigit():
        return None
    subs = [c for c in outer.children if c.kind == "khoan_con"]
    if subs and (subs[-1].number or "").isdigit():
        follows = value == int(subs[-1].number or 0) + 1
        return outer if follows and value != int(outer.number or 0) + 1 else None
    return outer if value == 1 and int(outer.number or 0) >= 1 else None


def _last_leaf(node: _Node) -> _Node | None:
    if node.children:
        return (
            node.children[-1] if not node.children[-1].children else _last_leaf(node.children[-1])
        )
    return node if node.para is not None else None


def build_tree(paras: list[Paragraph]) -> list[_Node]:
    root = _Node("root", None, None, None)
    stack: list[_Node] = [root]
    last: dict[str, int] = {}  # Phần, Chương, Điều are numbered through the document
    quoting = False
    for para in paras:
        kind, number, rest = classify(para)
        # Text quoted by an amending provision ("Sửa đổi Điều 5 như sau: “Điều 5. …”")
        # belongs to the provision that quotes it; its numbering is not this document's.
        plain = strip_markup(para.clean).strip()
        if quoting and kind in RANKS and _ends_quote(kind, number, rest, last):
            quoting = False  # the closing quote was lost; the next provision has begun
        if plain.startswith(("“", '"')):
            quoting = True
        if quoting:
            if not para.table_row:
                kind, number, rest = "paragraph", None, para.clean
            if _QUOTE_END_RE.search(plain) and not (
                plain.startswith("“") and plain.count("“") > plain.count("”")
            ):
                quoting = False
        if kind == "muc" and number is not None and not number.isdigit():
            # Roman parts follow each other (I, II, III): a lone "VIII." inside a
            # provision is a wrapped reference ("Phụ lục VII,\nVIII."), not a part.
            prev = _last_leaf(stack[-1])
            if roman_value(number) != last.get("roman", 0) + 1 and prev and prev.para:
                prev.para = Paragraph((*prev.para.lines, *para.lines))
                continue
            last["roman"] = roman_value(number) or 0
        if kind in _THROUGH and number is not None and (value := _as_int(number)) is not None:
            if value <= last.get(kind, 0):
                # "Chương II Nghị định này …" at the start of a wrapped line is a reference,
                # inside the paragraph before it.
                prev = _last_leaf(stack[-1])
                if prev is not None and prev.para is not None:
                    prev.para = Paragraph((*prev.para.lines, *para.lines))
                    continue
                kind, number, rest = "paragraph", None, para.clean
            else:
                last[kind] = value
        if kind == "closing":
            stack = [root]
            root.children.append(_Node("closing", None, None, para))
        elif kind == "khoan" and _jumps(stack, number) and (prev := _last_leaf(stack[-1])):
            # "… theo Thông báo số" / "75. …" at a wrapped line's start: a number far past
            # the next khoản is the text's, not a unit.
            if prev.para is not None:
                prev.para = Paragraph((*prev.para.lines, *para.lines))
        elif kind in RANKS:
            if kind == "khoan" and (outer := _sublist_parent(stack, number)) is not None:
                # "7. …" then "1. …", "2. …" inside a Mục or Điều: a list within khoản 7,
                # not a second khoản 1 (one label must name one unit).
                while stack[-1] is not outer:
                    stack.pop()
                kind = "khoan_con"
            while stack[-1] is not root and stack[-1].rank >= RANKS.get(kind, 7):
                stack.pop()
            heading_only = _is_heading_only(kind, strip_markup(rest))
            node = _Node(
                kind, number, rest if heading_only else None, para, inline=not heading_only
            )
            stack[-1].children.append(node)
            stack.append(node)
        elif kind == "row":
            stack[-1].children.append(_Node("row", number, None, para))
        elif stack[-1] is not root and _takes_title(stack[-1], para):
            node = stack[-1]
            node.heading = f"{node.heading} {para.clean}" if node.heading else para.clean
            node.title_para = para
        else:
            parent = stack[-1]
            if parent is root:
                kind = (
                    "preamble" if not any(c.kind in RANKS for c in root.children) else "paragraph"
                )
            parent.children.append(_Node(kind, None, None, para))
    _mark_captions(root.children)
    _mark_sources(root)
    return _infer_parts(root.children)


def _mark_captions(top: list[_Node]) -> None:
    """In an unnumbered page (a news article), a short line with no closing punctuation
    between paragraphs is a photo caption: it must not shift the numbering of the đoạn."""
    if any(n.kind in RANKS for n in top):
        return
    for node in top[:-1]:
        text = node.para.clean if node.para else ""
        if len(text) <= 150 and not _SENTENCE_END_RE.search(text):
            node.kind = "caption"


# "(Điều 1 Nghị định số 93/2019/NĐ-CP … ngày 25/11/2019 của Chính phủ, có hiệu lực …)":
# the note under each article of a codification (pháp điển) naming where it comes from.
SOURCE_NOTE_RE = re.compile(
    r"^\(\s*Điều\s+(?P<art>\d+[a-zđ]?)\s+(?P<type>Luật|Bộ luật|Pháp lệnh|Nghị định|Nghị quyết"
    r"|Thông tư liên tịch|Thông tư|Quyết định)\s+(?:số\s+)?(?P<num>[\w/.-]+)"
)
_NOTE_RE = re.compile(r"^\((?:Điều|Khoản|Điểm|Chương|Mục) này\b|^\(Điều\s+\d")
_NOTE_DATE_RE = re.compile(r"ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})")
_NOTE_ISSUER_RE = re.compile(
    r"của\s+(Chính phủ|Quốc hội|Thủ tướng Chính phủ|Bộ trưởng [^,)]+|Bộ [^,)]+)"
)


def _source_of(note: str) -> tuple[str, DocumentRef] | None:
    import datetime as dt

    m = SOURCE_NOTE_RE.match(note)
    if not m:
        return None
    number = m["num"].rstrip(".,;")
    date_m = _NOTE_DATE_RE.search(note)
    date = None
    if date_m:
        try:
            date = dt.date(int(date_m[3]), int(date_m[2]), int(date_m[1]))
        except ValueError:
            date = None
    issuer_m = _NOTE_ISSUER_RE.search(note)
    issuer = issuer_m[1].strip() if issuer_m else None
    return m["art"], DocumentRef(number=number, doc_type=m["type"], date=date, issuer=issuer)


def _mark_sources(root: _Node) -> None:
    """Articles of a compilation cite their own source document and article number; the
    parenthesised notes are provenance, not text to quote."""
    known: dict[str, DocumentRef] = {}
    for node in _walk(root):
        if node.kind != "dieu":
            continue
        for child in _walk(node)[1:]:
            if child.kind != "paragraph" or child.para is None:
                continue
            text = strip_markup(child.para.clean)
            if not _NOTE_RE.match(text):
                continue
            child.kind = "note"
            found = _source_of(text)
            if found and node.cited_in is None:
                art, ref = found
                # The first note of a document gives its date and issuer; later ones omit them.
                ref = known.setdefault(ref.number, ref)
                node.cited_in, node.cited_number = ref, art


def _walk(node: _Node) -> list[_Node]:
    out = [node]
    for child in node.children:
        out.extend(_walk(child))
    return out


def _infer_parts(top: list[_Node]) -> list[_Node]:
    """Wrap runs of restarted top-level numbering into inferred parts (Mục I, II, …)."""
    numbered = [n for n in top if n.kind in RANKS]
    if not numbered:
        return top
    top_kind = min(numbered, key=lambda n: n.rank).kind
    if top_kind != "khoan":
        return top  # Điều are numbered through; Roman parts and chapters are already parts
    runs: list[list[_Node]] = []
    prev: int | None = None
    for node in top:
        if node.kind == top_kind:
            value = _as_int(node.number)
            if prev is None or value is None or value != prev + 1:
                runs.append([])
            prev = value
        if runs and node.kind not in ("closing",):
            runs[-1].append(node)
    if len(runs) < 2:
        return top
    out: list[_Node] = [n for n in top if n.kind == "preamble"]
    for i, run in enumerate(runs, start=1):
        out.append(_Node("muc", roman(i), None, None, inferred=True, children=run))
    out.extend(n for n in top if n.kind == "closing")
    return out


def _own_label(node: _Node, ordinal: int) -> str:
    if node.kind == "khoan_con":
        return f"điểm {node.number}"
    if node.kind in RANKS:
        return cite(node.kind, node.cited_number or node.number or "?")
    if node.kind == "dash":
        word = ORDINALS[ordinal - 1] if ordinal <= len(ORDINALS) else str(ordinal)
        return f"gạch đầu dòng thứ {word}"
    if node.kind == "closing":
        return "đoạn kết" if ordinal == 1 else f"đoạn kết {ordinal}"
    if node.kind == "caption":
        return f"chú thích ảnh {ordinal}"
    if node.kind == "note":
        return f"ghi chú {ordinal}"
    if node.kind == "row":
        return f"số thứ tự {node.number} của bảng" if node.number else "hàng tiêu đề của bảng"
    return f"đoạn {ordinal}"


def _join_label(own: str, node: _Node, parent_label: str, parent: _Node | None) -> str:
    if parent is None or not parent_label:
        return own
    # "điểm 3.1 Mục III", not "điểm 3.1 khoản 3 Mục III": the number already says khoản 3.
    if (
        node.kind == "tieu_muc"
        and parent.kind == "khoan"
        and node.number
        and parent.number
        and node.number.startswith(parent.number + ".")
    ):
        parent_label = parent_label.split(" ", 2)[2] if parent_label.count(" ") >= 2 else ""
    # "điểm a khoản 1.1 Mục II": under a decimal item a letter is a điểm of that item.
    if node.kind == "diem" and parent.kind == "tieu_muc" and parent_label.startswith("điểm "):
        parent_label = "khoản " + parent_label.removeprefix("điểm ")
    return f"{own} {parent_label}".strip()


def freeze(
    nodes: list[_Node],
    parent: _Node | None = None,
    parent_path: tuple[str, ...] = (),
    parent_label: str = "",
    has_structure: bool | None = None,
    outer_label: str = "",
    cited_in: DocumentRef | None = None,
) -> tuple[Clause, ...]:
    """Turn the working tree into immutable ``Clause`` values with paths and labels.
    ``outer_label`` names what holds the whole tree when it is not the document itself
    (an attached Quy chế): a label that stops at its Điều still names it."""
    if has_structure is None:
        has_structure = any(n.kind in RANKS for n in nodes)
    counters: dict[str, int] = {}
    tables = sorted({n.para.table for n in nodes if n.kind == "row" and n.para is not None})
    if parent is not None and parent.inline:
        counters["paragraph"] = 1  # the numbered line itself is the first đoạn
    out = []
    for node in nodes:
        group = (
            node.kind if node.kind in ("dash", "closing", "caption", "note", "row") else "paragraph"
        )
        if node.kind in RANKS:
            ordinal = 0
            path_part = node.number or "?"
        else:
            counters[group] = counters.get(group, 0) + 1
            ordinal = counters[group]
            prefixes = {
                "dash": "-",
                "closing": "kết",
                "preamble": "mở đầu",
                "caption": "ảnh",
                "note": "ghi chú",
                "row": "bảng",
            }
            path_part = prefixes.get(node.kind, "đ") + str(ordinal)
        own = _own_label(node, ordinal)
        if node.kind == "row" and len(tables) > 1 and node.para is not None:
            own = f"{own} {tables.index(node.para.table) + 1}"  # "… của bảng 2"
        if node.kind == "preamble" and has_structure:
            own = f"{own} phần mở đầu"
        if BY_KIND.get(node.kind) is not None and BY_KIND[node.kind].anchor:
            label = f"{own} {outer_label}".strip()  # "Điều 10", never "Điều 10 Chương II"
        elif parent is None:
            label = f"{own} {outer_label}".strip()
        elif node.kind == "row" and parent_label:
            label = f"{own} tại {parent_label}"
        else:
            label = _join_label(own, node, parent_label, parent)
        path = (*parent_path, path_part)
        heading = strip_markup(node.heading) if node.heading else None
        node_cited = node.cited_in or cited_in
        children = freeze(node.children, node, path, label, has_structure, outer_label, node_cited)
        if (
            node.inline
            and node.para is not None
            and children
            and all(c.kind not in RANKS for c in children)
        ):
            # "1. Tiếp tục quán triệt …" followed by more paragraphs: the numbered line is đoạn 1.
            first = Clause(
                kind="paragraph",
                number="1",
                path=(*path, "đ1"),
                label=f"đoạn 1 {label}",
                heading=None,
                start=node.para.start,
                end=node.para.end,
                cited_in=node_cited,
            )
            children = (first, *children)
        out.append(
            Clause(
                kind=node.kind,
                number=node.number if node.kind in RANKS or node.kind == "row" else str(ordinal),
                heading=heading,
                path=path,
                label=label,
                start=node.start,
                end=node.end,
                inferred=node.inferred,
                children=children,
                cited_in=node_cited,
            )
        )
    return tuple(out)


def parse_clauses(
    body_paragraphs: list[Paragraph], outer_label: str = "", path_prefix: tuple[str, ...] = ()
) -> tuple[Clause, ...]:
    return freeze(build_tree(body_paragraphs), parent_path=path_prefix, outer_label=outer_label)
