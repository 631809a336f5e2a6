"""Gold question sets for evaluation: typed items loaded from JSON Lines.

One item per line (``eval/gold/dev.jsonl``): a question as a cán bộ would type
it, its category, the clauses a complete answer cites, verbatim evidence quotes
and the short facts a correct answer must contain. Checks that need the parsed
corpus (quotes occur in the source, clause labels name one chunk) live in the
tests; this module only validates each line's own shape.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Category = Literal[
    "responsibility",
    "figure",
    "deadline",
    "metadata",
    "content",
    "list_compare",
    "paraphrase",
    "unanswerable",
]
CATEGORIES: tuple[str, ...] = get_args(Category)

MetadataField = Literal[
    "doc_number",
    "doc_type",
    "issuer",
    "date",
    "place",
    "title",
    "signer",
    "implements",
    "copy_stamp",
]
METADATA_FIELDS: tuple[str, ...] = get_args(MetadataField)

QuestionKind = Literal[
    "multi_part",
    "comparison",
    "list",
    "negative",
    "colloquial",
    "unaccented",
]
QUESTION_KINDS: tuple[str, ...] = get_args(QuestionKind)

MAX_QUOTE_CHARS = 300
_ID_PATTERN = re.compile(r"^[a-z]+-\d{3}$")


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file and line."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GoldRef(_Frozen):
    """One clause a complete answer cites, named as ``corpus show --json`` names it."""

    doc_number: str | None = Field(
        description='Số hiệu, e.g. "164/KH-UBND"; null for a document without one (news article).'
    )
    source: str | None = Field(
        default=None,
        description="File name in corpus/; required when doc_number is null.",
    )
    clause: str = Field(
        min_length=1, description='The chunk\'s clause label, e.g. "khoản 6 Mục III".'
    )

    @model_validator(mode="after")
    def _named(self) -> GoldRef:
        if self.doc_number is None and not self.source:
            raise ValueError("a reference without doc_number needs source (the file name)")
        return self


class Evidence(_Frozen):
    """A verbatim slice of a corpus file that supports the answer."""

    source: str = Field(min_length=1, description="File name in corpus/.")
    quote: str = Field(
        min_length=1,
        max_length=MAX_QUOTE_CHARS,
        description="Exact substring of the file, OCR errors included.",
    )


class GoldItem(_Frozen):
    """One evaluation question with what a correct, well-cited answer contains."""

    id: str = Field(description='"dev-001", …')
    question: str = Field(min_length=1, description="The question as a user would type it.")
    category: Category
    answerable: bool = Field(description='False only for category "unanswerable".')
    gold: tuple[GoldRef, ...] = Field(
        default=(), description="Every clause a complete answer needs; empty when unanswerable."
    )
    evidence: tuple[Evidence, ...] = Field(
        default=(), max_length=3, description="1–3 verbatim quotes; empty when unanswerable."
    )
    facts: tuple[str, ...] = Field(
        default=(), max_length=4, description="Short strings a correct answer must contain."
    )
    metadata_fields: tuple[MetadataField, ...] = Field(
        default=(), description="Document metadata that answers the question, if any."
    )
    notes: str | None = Field(default=None, description="Why the item is tricky.")
    kinds: tuple[QuestionKind, ...] = Field(
        default=(),
        description="How the question is asked (several parts, a comparison, a list, a "
        "constraint the corpus does not meet, everyday words, no diacritics); for reports.",
    )
    group: str | None = Field(
        default=None,
        description="Question group for cross-validation: items sharing a group (twins, "
        "one document's questions) fall in the same fold. Unset: the fold is chosen by "
        "the documents the item cites.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> GoldItem:
        if not _ID_PATTERN.match(self.id):
            raise ValueError(f'id {self.id!r} is not like "dev-001"')
        if self.answerable != (self.category != "unanswerable"):
            raise ValueError('answerable must be false exactly when category is "unanswerable"')
        if self.answerable:
            if not self.evidence:
                raise ValueError("an answerable item needs 1–3 evidence quotes")
            if not self.facts:
                raise ValueError("an answerable item needs 1–4 facts")
            if not self.gold and not self.metadata_fields:
                raise ValueError("an answerable item needs gold clauses or metadata_fields")
        elif self.gold or self.evidence or self.facts or self.metadata_fields:
            raise ValueError("an unanswerable item has no gold, evidence, facts or metadata_fields")
        if any(not f.strip() for f in self.facts):
            raise ValueError("facts must not be blank")
        if len(set(self.gold)) != len(self.gold):
            raise ValueError("gold lists a clause twice")
        return self


def load_gold(path: Path) -> list[GoldItem]:
    """Read a JSON Lines gold file; blank lines are skipped.

    Raises ``GoldError`` naming the file and line of the first malformed line.
    """
    items: list[GoldItem] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                items.append(GoldItem.model_validate(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise GoldError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
            except ValidationError as exc:
                raise GoldError(f"{path}:{number}: invalid gold item: {exc}") from exc
    return items
