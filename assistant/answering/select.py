"""Selection: the covering set of evidence units quoted for one part of a question.

The best unit (``evidence.gather`` sorted them) is quoted; each further unit is quoted when
it scores at least ``Rule.keep`` of the best, adds words the chosen ones do not already
quote, overlaps none of them, and fits the part's length budget. A unit scores by the
concepts it covers and its clause's rank in the search (``Unit.score``): one rule for every
kind of part, with the kind's numbers in ``evidence.RULES``. For a part asking for several
things, the items of the best unit's list (the same parent clause) belong to the answer
together, as the layout set them out.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answering.evidence import Rule, Unit

# A unit whose words are this much inside what is already quoted adds nothing (a sentence
# repeated by the next clause, the same target restated by another level).
REPEATED = 0.8


def select(units: Sequence[Unit], rule: Rule, *, many: bool = False) -> list[Unit]:
    """The units to quote, best first; empty when none is supported enough."""
    if not units or not units[0].enough:
        return []
    top = units[0]
    parent = top.hit.chunk.clause_path[:-1]
    chosen = [top]
    quoted: set[str] = set(top.words)
    chars = 0
    for unit in units[1:]:
        if len(chosen) == rule.limit:
            break
        item = many and bool(parent) and unit.hit.chunk.clause_path[:-1] == parent
        if not (item or unit.enough) or unit.score < rule.keep * top.score:
            continue
        if any(_overlap(unit, c) for c in chosen) or _repeats(unit, quoted):
            continue
        if chars + unit.chars > rule.budget:
            continue
        chosen.append(unit)
        quoted |= unit.words
        chars += unit.chars
    return chosen


def _overlap(a: Unit, b: Unit) -> bool:
    return (
        a.hit.document.doc_id == b.hit.document.doc_id
        and a.span[0] < b.span[1]
        and b.span[0] < a.span[1]
    )


def _repeats(unit: Unit, quoted: set[str]) -> bool:
    """Most of the unit's words are quoted already, and all its numbers: "mỗi đơn vị phường
    … không quá 02" beside "mỗi đơn vị xã … không quá 03" states another figure."""
    words = unit.words
    numbers = {w for w in words if any(ch.isdigit() for ch in w)}
    return bool(words) and len(words & quoted) >= REPEATED * len(words) and numbers <= quoted
