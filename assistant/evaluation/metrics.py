"""Metric functions for ``assistant.evaluation.runner``: pure, small, each defined in its docstring.

Retrieval is scored per gold clause; citations in the sense of ALCE (Gao et al., 2023),
with a deterministic support test in place of an NLI model; answers by gold facts and
abstention. The definitions here are the ones ``eval/reports/eval.md`` prints.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.documents.textnorm import canonical_tones, strip_markup

LEXICAL_SUPPORT = 0.8  # share of a claim's content words that the cited quotes must contain

_MARKER_RE = re.compile(r"\[\d+\]")
_QUOTED_RE = re.compile(r"“([^”]+)”")
_WORD_RE = re.compile(r"[^\W_]+(?:[-/.,][^\W_]+)*", re.UNICODE)
# Vietnamese function words carry no claim; a lexical match on them proves nothing.
_STOPWORDS = frozenset(
    """và của các cho với trong theo tại về được là có này đó những một do để thì
    khi từ đến trên dưới như cũng đã sẽ đang hoặc hay nhằm việc ra vào nêu số ngày""".split()
)


_LONG_DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_SHORT_DATE_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _date(m: re.Match[str]) -> str:
    return f"{int(m.group(1))}/{int(m.group(2))}/{m.group(3)}"


def normalise(text: str) -> str:
    """The match key for facts and quotes: markup and [n] markers removed, NFC with one tone
    placement, lower case, one space between words, no spaces around "-" and "/", no
    quotation marks, dates as d/m/yyyy ("ngày 05 tháng 6 năm 2023" → "ngày 5/6/2023")."""
    text = _MARKER_RE.sub(" ", text)
    text = _LONG_DATE_RE.sub(lambda m: "ngày " + _date(m), text)
    text = _SHORT_DATE_RE.sub(_date, text)
    text = " ".join(strip_markup(line) for line in text.splitlines())
    text = canonical_tones(text).lower()
    text = re.sub(r"[“”\"‘’«»]", " ", text)
    text = re.sub(r"\s*([-/])\s*", r"\1", text)
    return " ".join(text.split())


def content_words(text: str) -> list[str]:
    """Words of ``normalise(text)`` that are not function words."""
    return [w for w in _WORD_RE.findall(normalise(text)) if w not in _STOPWORDS]


# --- retrieval ------------------------------------------------------------------------


@dataclass(frozen=True)
class RetrievalScores:
    recall_at_1: float
    recall_at_3: float
    recall_at_5: float
    mrr: float
    ndcg_at_5: float
    document_at_3: float


def retrieval_scores(
    matches: Sequence[frozenset[int]], n_gold: int, document_hits: Sequence[bool]
) -> RetrievalScores:
    """Scores of one ranked list against ``n_gold`` gold clauses.

    ``matches[r]`` holds the indices of the gold clauses that the result at rank ``r + 1``
    counts for (an empty set: not relevant); ``document_hits[r]`` says whether it comes
    from a gold document.

    Recall@k: share of gold clauses matched by some result in the top k. MRR: 1 / rank of
    the first result matching any gold clause (0 if none). nDCG@5: binary gain for a
    result that matches a gold clause not matched higher up, divided by log2(rank + 1),
    normalised by the ideal ranking of min(n_gold, 5) relevant results. Document@3: 1 when
    a top-3 result comes from a gold document.
    """
    if n_gold <= 0:
        raise ValueError(f"n_gold must be greater than 0. Currently, n_gold is {n_gold}.")

    def recall(k: int) -> float:
        found: set[int] = set()
        for m in matches[:k]:
            found |= m
        return len(found) / n_gold

    mrr = next((1.0 / rank for rank, m in enumerate(matches, start=1) if m), 0.0)
    dcg = 0.0
    credited: set[int] = set()
    for rank, m in enumerate(matches[:5], start=1):
        new = m - credited
        if new:
            dcg += 1.0 / math.log2(rank + 1)
            credited |= new
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_gold, 5) + 1))
    return RetrievalScores(
        recall_at_1=recall(1),
        recall_at_3=recall(3),
        recall_at_5=recall(5),
        mrr=mrr,
        ndcg_at_5=dcg / ideal,
        document_at_3=1.0 if any(document_hits[:3]) else 0.0,
    )


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open character spans [start, end) share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


# --- citations (ALCE) -----------------------------------------------------------------


def claim(statement: str, labels: Sequence[str] = ()) -> str:
    """What a statement asserts from its sources: the text between “ ” when it quotes,
    else the whole statement without [n] markers, list dashes and its citation labels."""
    quoted = _QUOTED_RE.findall(statement)
    if quoted:
        return " ".join(quoted)
    text = _MARKER_RE.sub(" ", statement)
    for label in sorted((lab for lab in labels if lab), key=len, reverse=True):
        text = text.replace(label, " ")
    return re.sub(r"^\s*[-•]\s*", "", text).strip(" :")


def supports(claim_text: str, quotes: Sequence[str]) -> bool:
    """The cited quotes support a claim when its normalised text (each piece between "…",
    for a shortened quote) occurs in the normalised union of the quotes; failing that, when
    at least ``LEXICAL_SUPPORT`` of its content words occur among the quotes' words."""
    if not quotes:
        return False
    union = " ¦ ".join(normalise(q) for q in quotes)
    pieces = [p for p in (normalise(x) for x in re.split(r"…|\.\.\.", claim_text)) if p]
    if pieces and all(p.strip(" .,;:") in union for p in pieces):
        return True
    words = content_words(claim_text)
    if not words:
        return False
    available = set(_WORD_RE.findall(union))
    return sum(w in available for w in words) / len(words) >= LEXICAL_SUPPORT


@dataclass(frozen=True)
class CitationJudgement:
    supported: bool
    needed: tuple[bool, ...]  # one per citation of the statement, in order


def judge_statement(claim_text: str, cited_quotes: Sequence[str]) -> CitationJudgement:
    """ALCE's recall and precision for one statement.

    Supported: all its citations together support the claim. A citation is needed (counts
    toward precision) when the statement is supported and the citation either supports the
    claim alone or removing it leaves the claim unsupported; ALCE calls the others
    irrelevant. An unsupported statement's citations are all counted as not needed.
    """
    supported = supports(claim_text, cited_quotes)
    if not supported:
        return CitationJudgement(False, tuple(False for _ in cited_quotes))
    needed = []
    for i, quote in enumerate(cited_quotes):
        rest = [q for j, q in enumerate(cited_quotes) if j != i]
        needed.append(supports(claim_text, [quote]) or not supports(claim_text, rest))
    return CitationJudgement(True, tuple(needed))


# --- answers --------------------------------------------------------------------------


def fact_recall(facts: Sequence[str], answer_text: str) -> float | None:
    """Share of gold facts whose normalised form occurs in the normalised answer text;
    None for an item without facts."""
    if not facts:
        return None
    text = normalise(answer_text)
    return sum(normalise(f) in text for f in facts) / len(facts)


@dataclass(frozen=True)
class Abstention:
    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    actual: int


def abstention_scores(abstained: Sequence[bool], unanswerable: Sequence[bool]) -> Abstention:
    """Abstaining is the positive class; the truth is the item being unanswerable.
    Precision = abstained and unanswerable / abstained; recall = … / unanswerable; F1 their
    harmonic mean (0 when either is 0 or undefined)."""
    tp = sum(a and u for a, u in zip(abstained, unanswerable, strict=True))
    predicted = sum(abstained)
    actual = sum(unanswerable)
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Abstention(precision, recall, f1, tp, predicted, actual)


def quote_verified(quote: str, source_text: str | None, start: int, end: int) -> bool:
    """A citation's quote is exactly the source text at [start, end)."""
    return source_text is not None and 0 <= start <= end and source_text[start:end] == quote


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def mean_of(rows: Sequence[Mapping[str, float | None]], name: str) -> float | None:
    return mean([row.get(name) for row in rows])
