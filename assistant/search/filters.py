"""What a search may be restricted to: documents, issuers, types, a date range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant.documents.textnorm import folded_key
from assistant.types import Document


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search; empty fields do not restrict."""

    doc_ids: frozenset[str] = frozenset()
    issuers: frozenset[str] = frozenset()
    doc_types: frozenset[str] = frozenset()
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def allows(self, document: Document) -> bool:
        if (
            self.doc_ids
            and document.doc_id not in self.doc_ids
            and document.doc_number not in self.doc_ids
        ):
            return False
        if self.issuers and not any(
            folded_key(i) in folded_key(document.issuer or "") for i in self.issuers
        ):
            return False
        if self.doc_types and not any(
            folded_key(t) == folded_key(document.doc_type) for t in self.doc_types
        ):
            return False
        if self.date_from and (document.date is None or document.date < self.date_from):
            return False
        return not (self.date_to and (document.date is None or document.date > self.date_to))
