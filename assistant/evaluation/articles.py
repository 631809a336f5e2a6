"""Right document and right article: the two measures issue 12 asks of real documents.

- **Source@3**: one of a system's top three results (for the full system: its first three
  cited clauses) comes from a file that holds the item's evidence. Every answerable item
  counts, metadata questions included, whatever the parser calls its clauses.
- **Article hit**: some citation names the gold article — the "Điều N" (or, in an
  administrative document, the "Mục R") of a gold clause, and its "khoản K" when the gold
  clause names one — of the gold document. A decimal item "2.2" lies inside khoản 2. The
  textbook pipeline's windows carry no labels: it hits when one of its top three windows
  contains an evidence quote of the item.

Labels are compared by their parts, so "điểm b khoản 2 Điều 26" matches a citation of
"khoản 2 Điều 26 Luật An ninh mạng" and "gạch đầu dòng thứ nhất điểm b điểm 2.2 Mục I"
matches the gold "điểm b tiểu mục 2.2 Mục I".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.evaluation.gold import GoldItem, GoldRef

TOP = 3

_ARTICLE_RE = re.compile(r"\bĐiều\s+(\d+[a-zđ]?)(?![\d.])")
_PART_RE = re.compile(r"\bMục\s+([IVXLC]+)\b")
_KHOAN_RE = re.compile(r"\bkhoản\s+(\d+)(?=[.\s]|$)")  # "khoản 2", "khoản 2.2" → 2
_DECIMAL_RE = re.compile(r"\b(?:điểm|tiểu mục|mục)\s+(\d+)\.\d+")
# Số hiệu of a legal document ("93/2019/NĐ-CP", "4/2020/TT-BNV", "24/2018/QH14").
_NUMBER_RE = re.compile(r"\b\d{1,4}/\d{4}/[A-ZĐa-zđ0-9-]+")


@dataclass(frozen=True)
class ArticleKey:
    """The part of a clause label an article hit compares."""

    article: str | None  # "Điều 26" or "Mục I"; None for labels such as "đoạn kết"
    khoan: str | None  # "2"; None when the label names no khoản

    def covers(self, other: ArticleKey) -> bool:
        """True when ``other`` (a citation) names this gold article, and its khoản if any."""
        if self.article is None or self.article != other.article:
            return False
        return self.khoan is None or self.khoan == other.khoan


def article_key(label: str) -> ArticleKey:
    """The first Điều (else Mục) a label names, and the khoản before it.

    In "khoản 2 Điều 6 Nghị định số 93/2019/NĐ-CP" the first Điều is the clause's own;
    anything after it names the document.
    """
    label = unicodedata.normalize("NFC", label)
    found = _ARTICLE_RE.search(label)
    article: str | None
    if found:
        article, head = f"Điều {found.group(1)}", label[: found.start()]
    else:
        part = _PART_RE.search(label)
        article = f"Mục {part.group(1)}" if part else None
        head = label[: part.start()] if part else label
    khoan = _KHOAN_RE.search(head) or _DECIMAL_RE.search(head)
    return ArticleKey(article, khoan.group(1) if khoan else None)


@dataclass(frozen=True)
class CitedClause:
    """What a citation says it cites: file, số hiệu and its labels (clause, full)."""

    source: str | None
    doc_number: str | None
    labels: tuple[str, ...]


def names_document(ref: GoldRef, cited: CitedClause) -> bool:
    """The citation is of the gold document: same số hiệu, or its label names the gold
    số hiệu, or same file and no other số hiệu named (a codification cites each article
    by its source document)."""
    if ref.doc_number is not None and cited.doc_number == ref.doc_number:
        return True
    text = " ".join(cited.labels)
    if ref.doc_number is not None and ref.doc_number in text:
        return True
    if ref.source is None or cited.source != ref.source:
        return False
    others = {n for n in _NUMBER_RE.findall(text) if n != ref.doc_number}
    return not others


def article_hit(item: GoldItem, cited: Iterable[CitedClause]) -> float | None:
    """1.0 when some citation names a gold clause's article (and khoản); None when the item
    has no gold clause with an article."""
    refs = [(ref, article_key(ref.clause)) for ref in item.gold]
    refs = [(ref, key) for ref, key in refs if key.article is not None]
    if not item.answerable or not refs:
        return None
    for c in cited:
        keys = [article_key(label) for label in c.labels]
        for ref, gold in refs:
            if names_document(ref, c) and any(gold.covers(k) for k in keys):
                return 1.0
    return 0.0


def quote_hit(item: GoldItem, windows: Sequence[tuple[str, str]]) -> float | None:
    """Article hit for a system without labels: some (source, text) window among the first
    ``TOP`` contains an evidence quote of the item."""
    if not item.answerable or not any(article_key(r.clause).article for r in item.gold):
        return None
    quotes = [(e.source, unicodedata.normalize("NFC", e.quote)) for e in item.evidence]
    for source, text in windows[:TOP]:
        if any(source == s and q in text for s, q in quotes):
            return 1.0
    return 0.0


def source_at_3(item: GoldItem, sources: Sequence[str | None]) -> float | None:
    """1.0 when one of the first ``TOP`` result sources holds the item's evidence."""
    wanted = {e.source for e in item.evidence} | {r.source for r in item.gold if r.source}
    if not item.answerable or not wanted:
        return None
    return float(any(s in wanted for s in sources[:TOP]))
