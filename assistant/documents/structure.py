"""The clause tree of a directive's body: Mục, khoản, tiểu mục, điểm, gạch đầu dòng, đoạn.

Headings are recognised by their numbering, never by markdown level (the corpus mixes
``##``/``###``/``####`` for one level). Ranks: Roman (Mục) > Arabic (khoản) > decimal
(3.1) > letter (a, b, đ); dashes and unnumbered paragraphs are the leaves of the
nearest numbered clause. When the top-level numbering restarts (1, 2, 2, 3, 4, 1 … 12)
the headings of the parts were lost in extraction: each run becomes a part (Mục I, II,
III …) marked ``inferred``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents.layout import CLOSING_RE, Paragraph
from assistant.documents.textnorm import strip_markup
from assistant.types import Clause

ROMAN_RE = re.compile(r"^(?P<n>[IVXL]+)[.)]\s*(?P<rest>.*)$")
DECIMAL_RE = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?P<rest>.*)$")
ARABIC_RE = re.compile(r"^(?P<n>\d{1,2})[.)]\s+(?P<rest>.*)$")
LETTER_RE = re.compile(r"^(?P<n>[a-zđ])\)\s+(?P<rest>.*)$")
DASH_RE = re.compile(r"^[-–—+•·]\s*(?P<rest>.*)$")
_SENTENCE_END_RE = re.compile(r"[.;!?…]\s*[”\")]?$")

RANKS = {"muc": 1, "khoan": 2, "tieu_muc": 3, "diem": 4}
ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
INFERRED_NOTE = "đề mục suy ra, không có trong văn bản"


def roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += numeral
            n -= value
    return out


def roman_value(s: str) -> int | None:
    for n in range(1, 90):
        if roman(n) == s:
            return n
    return None


@dataclass
class _Node:
    kind: str  # muc, khoan, tieu_muc, diem, dash, paragraph, preamble, closing
    number: str | None
    heading: str | None  # the words of a heading-only line, without its number
    para: Paragraph | None  # the heading line, or the leaf's own paragraph
    inline: bool = False  # the numbered line carries body text itself
    inferred: bool = False
    children: list[_Node] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return RANKS.get(self.kind, 9)

    @property
    def start(self) -> int:
        if self.para is not None:
            return self.para.start
        return self.children[0].start

    @property
    def end(self) -> int:
        if self.children:
            return self.children[-1].end
        assert self.para is not None
        return self.para.end


def classify(para: Paragraph) -> tuple[str, str | None, str]:
    """(kind, number, rest of the line) of a body paragraph."""
    first = para.clean
    if CLOSING_RE.match(first):
        return "closing", None, first
    m = ROMAN_RE.match(first)
    if m and roman_value(m["n"]) and (not m["rest"] or m["rest"][:1].isupper()):
        return "muc", m["n"], m["rest"]
    for kind, pattern in (("tieu_muc", DECIMAL_RE), ("khoan", ARABIC_RE), ("diem", LETTER_RE)):
        m = pattern.match(first)
        if m:
            return kind, m["n"], m["rest"]
    m = DASH_RE.match(first)
    if m and m["rest"]:
        return "dash", None, m["rest"]
    return "paragraph", None, first


def _is_heading_only(kind: str, rest: str) -> bool:
    return kind == "muc" or not rest or rest.endswith(":") or not _SENTENCE_END_RE.search(rest)


def _as_int(number: str | None) -> int | None:
    if number is None:
        return None
    return int(number) if number.isdigit() else roman_value(number)


def build_tree(paras: list[Paragraph]) -> list[_Node]:
    root = _Node("root", None, None, None)
    stack: list[_Node] = [root]
    for para in paras:
        kind, number, rest = classify(para)
        if kind == "closing":
            stack = [root]
            root.children.append(_Node("closing", None, None, para))
        elif kind in RANKS:
            while stack[-1] is not root and stack[-1].rank >= RANKS[kind]:
                stack.pop()
            heading_only = _is_heading_only(kind, strip_markup(rest))
            node = _Node(
                kind, number, rest if heading_only else None, para, inline=not heading_only
            )
            stack[-1].children.append(node)
            stack.append(node)
        else:
            parent = stack[-1]
            if parent is root:
                kind = (
                    "preamble" if not any(c.kind in RANKS for c in root.children) else "paragraph"
                )
            parent.children.append(_Node(kind, None, None, para))
    _mark_captions(root.children)
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


def _infer_parts(top: list[_Node]) -> list[_Node]:
    """Wrap runs of restarted top-level numbering into inferred parts (Mục I, II, …)."""
    numbered = [n for n in top if n.kind in RANKS]
    if not numbered:
        return top
    top_kind = min(numbered, key=lambda n: n.rank).kind
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
    if len(runs) < 2 or top_kind == "muc":
        return top
    out: list[_Node] = [n for n in top if n.kind == "preamble"]
    for i, run in enumerate(runs, start=1):
        out.append(_Node("muc", roman(i), None, None, inferred=True, children=run))
    out.extend(n for n in top if n.kind == "closing")
    return out


def _own_label(node: _Node, ordinal: int) -> str:
    if node.kind == "muc":
        return f"Mục {node.number}"
    if node.kind == "khoan":
        return f"khoản {node.number}"
    if node.kind in ("tieu_muc", "diem"):
        return f"điểm {node.number}"
    if node.kind == "dash":
        word = ORDINALS[ordinal - 1] if ordinal <= len(ORDINALS) else str(ordinal)
        return f"gạch đầu dòng thứ {word}"
    if node.kind == "closing":
        return "đoạn kết" if ordinal == 1 else f"đoạn kết {ordinal}"
    if node.kind == "caption":
        return f"chú thích ảnh {ordinal}"
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
    return f"{own} {parent_label}".strip()


def freeze(
    nodes: list[_Node],
    parent: _Node | None = None,
    parent_path: tuple[str, ...] = (),
    parent_label: str = "",
    has_structure: bool | None = None,
) -> tuple[Clause, ...]:
    """Turn the working tree into immutable ``Clause`` values with paths and labels."""
    if has_structure is None:
        has_structure = any(n.kind in RANKS for n in nodes)
    counters: dict[str, int] = {}
    if parent is not None and parent.inline:
        counters["paragraph"] = 1  # the numbered line itself is the first đoạn
    out = []
    for node in nodes:
        group = node.kind if node.kind in ("dash", "closing", "caption") else "paragraph"
        if node.kind in RANKS:
            ordinal = 0
            path_part = node.number or "?"
        else:
            counters[group] = counters.get(group, 0) + 1
            ordinal = counters[group]
            prefixes = {"dash": "-", "closing": "kết", "preamble": "mở đầu", "caption": "ảnh"}
            path_part = prefixes.get(node.kind, "đ") + str(ordinal)
        own = _own_label(node, ordinal)
        if node.kind == "preamble" and has_structure:
            own = f"{own} phần mở đầu"
        label = _join_label(own, node, parent_label, parent)
        path = (*parent_path, path_part)
        heading = strip_markup(node.heading) if node.heading else None
        children = freeze(node.children, node, path, label, has_structure)
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
            )
            children = (first, *children)
        out.append(
            Clause(
                kind=node.kind,
                number=node.number if node.kind in RANKS else str(ordinal),
                heading=heading,
                path=path,
                label=label,
                start=node.start,
                end=node.end,
                inferred=node.inferred,
                children=children,
            )
        )
    return tuple(out)


def parse_clauses(body_paragraphs: list[Paragraph]) -> tuple[Clause, ...]:
    return freeze(build_tree(body_paragraphs))
