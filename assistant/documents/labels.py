"""Citation labels: each unit's own words ("khoản 2", "gạch đầu dòng thứ ba", "số thứ tự 3
của bảng") joined smallest first up its path, stopping at the Điều ("điểm a khoản 2
Điều 10") or at the attachment that holds it; the frozen ``Clause`` tree."""

from __future__ import annotations

from assistant.documents.grammar import BY_KIND, RANKS, cite
from assistant.documents.nodes import Node
from assistant.documents.textnorm import strip_markup
from assistant.types import Clause, DocumentRef

ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")


def _own_label(node: Node, ordinal: int) -> str:
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


def _join_label(own: str, node: Node, parent_label: str, parent: Node | None) -> str:
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
    nodes: list[Node],
    parent: Node | None = None,
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
