"""The working tree the structure pass builds before it is frozen into ``Clause`` values."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.documents.blocks import Paragraph
from assistant.documents.grammar import RANKS
from assistant.types import DocumentRef


@dataclass
class Node:
    kind: str  # a grammar kind, or dash, paragraph, preamble, closing, caption, note
    number: str | None
    heading: str | None  # the words of a heading, without its number
    para: Paragraph | None  # the marker line, or the leaf's own paragraph
    inline: bool = False  # the numbered line carries body text itself
    inferred: bool = False
    children: list[Node] = field(default_factory=list)
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


def walk(node: Node) -> list[Node]:
    out = [node]
    for child in node.children:
        out.extend(walk(child))
    return out
