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

from assistant.documents.blocks import Paragraph
from assistant.documents.codification import mark_sources
from assistant.documents.grammar import (
    BY_KIND,
    DASH_RE,
    RANKS,
    match_marker,
    roman,
    roman_value,
)
from assistant.documents.labels import freeze
from assistant.documents.layout import CLOSING_RE, is_motto, is_upper_line
from assistant.documents.nodes import Node
from assistant.documents.textnorm import strip_markup
from assistant.types import Clause

_SENTENCE_END_RE = re.compile(r"[.;!?…]\s*[”\")*]*$")

INFERRED_NOTE = "đề mục suy ra, không có trong văn bản"
__all__ = ["INFERRED_NOTE", "RANKS", "parse_clauses", "roman", "roman_value"]


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


def _takes_title(node: Node, para: Paragraph) -> bool:
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


def _jumps(stack: list[Node], number: str | None) -> bool:
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


def _sublist_parent(stack: list[Node], number: str | None) -> Node | None:
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


def _last_leaf(node: Node) -> Node | None:
    if node.children:
        return (
            node.children[-1] if not node.children[-1].children else _last_leaf(node.children[-1])
        )
    return node if node.para is not None else None


def _merge_into_last(node: Node, para: Paragraph) -> bool:
    """Append ``para`` to the last paragraph under ``node``: a number at the start of a
    wrapped line that is not a unit stays in the sentence it belongs to."""
    prev = _last_leaf(node)
    if prev is None or prev.para is None:
        return False
    prev.para = Paragraph((*prev.para.lines, *para.lines))
    return True


def build_tree(paras: list[Paragraph]) -> list[Node]:
    root = Node("root", None, None, None)
    stack: list[Node] = [root]
    last: dict[str, int] = {}  # Phần, Chương, Điều are numbered through the document
    quoting = False
    for para in paras:
        if is_motto(strip_markup(para.clean)):
            continue  # "CỘNG HÒA XÃ HỘI …" / "Độc lập - Tự do - Hạnh phúc" of a form in an annex
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
            if roman_value(number) != last.get("roman", 0) + 1 and _merge_into_last(
                stack[-1], para
            ):
                continue
            last["roman"] = roman_value(number) or 0
        if kind in _THROUGH and number is not None and (value := _as_int(number)) is not None:
            if value <= last.get(kind, 0):
                # "Chương II Nghị định này …" at the start of a wrapped line is a reference,
                # inside the paragraph before it.
                if _merge_into_last(stack[-1], para):
                    continue
                kind, number, rest = "paragraph", None, para.clean
            else:
                last[kind] = value
        if kind == "closing":
            stack = [root]
            root.children.append(Node("closing", None, None, para))
        elif kind == "khoan" and _jumps(stack, number) and _merge_into_last(stack[-1], para):
            pass  # "… tháng\n12." : a number far past the next khoản is the text's, not a unit
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
            node = Node(kind, number, rest if heading_only else None, para, inline=not heading_only)
            stack[-1].children.append(node)
            stack.append(node)
        elif kind == "row":
            stack[-1].children.append(Node("row", number, None, para))
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
            parent.children.append(Node(kind, None, None, para))
    _mark_captions(root.children)
    mark_sources(root)
    return _infer_parts(root.children)


def _mark_captions(top: list[Node]) -> None:
    """In an unnumbered page (a news article), a short line with no closing punctuation
    between paragraphs is a photo caption: it must not shift the numbering of the đoạn."""
    if any(n.kind in RANKS for n in top):
        return
    for node in top[:-1]:
        text = node.para.clean if node.para else ""
        if len(text) <= 150 and not _SENTENCE_END_RE.search(text):
            node.kind = "caption"


def _infer_parts(top: list[Node]) -> list[Node]:
    """Wrap runs of restarted top-level numbering into inferred parts (Mục I, II, …)."""
    numbered = [n for n in top if n.kind in RANKS]
    if not numbered:
        return top
    top_kind = min(numbered, key=lambda n: n.rank).kind
    if top_kind != "khoan":
        return top  # Điều are numbered through; Roman parts and chapters are already parts
    runs: list[list[Node]] = []
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
    out: list[Node] = [n for n in top if n.kind == "preamble"]
    for i, run in enumerate(runs, start=1):
        out.append(Node("muc", roman(i), None, None, inferred=True, children=run))
    out.extend(n for n in top if n.kind == "closing")
    return out


def parse_clauses(
    body_paragraphs: list[Paragraph], outer_label: str = "", path_prefix: tuple[str, ...] = ()
) -> tuple[Clause, ...]:
    return freeze(build_tree(body_paragraphs), parent_path=path_prefix, outer_label=outer_label)
