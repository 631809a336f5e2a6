"""The stable JSON shapes other tools read (``--json`` output). Add keys; never rename them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.types import Answer, Chunk, Citation, Clause, CopyStamp, Document, Signer

if TYPE_CHECKING:
    from assistant.search.retrieval import SearchHit


def _signer_json(signer: Signer | None) -> dict[str, Any] | None:
    if signer is None:
        return None
    return {
        "name": signer.name,
        "authority": signer.authority,
        "on_behalf_of": signer.on_behalf_of,
        "title": signer.title,
        "delegation": signer.delegation,
    }


def _copy_json(stamp: CopyStamp | None) -> dict[str, Any] | None:
    if stamp is None:
        return None
    return {
        "kind": stamp.kind,
        "number": stamp.number,
        "date": stamp.date.isoformat() if stamp.date else None,
        "place": stamp.place,
        "issuer": stamp.issuer,
        "signer": _signer_json(stamp.signer),
        "start": stamp.start,
        "end": stamp.end,
    }


def document_json(d: Document) -> dict[str, Any]:
    return {
        "doc_id": d.doc_id,
        "doc_number": d.doc_number,
        "doc_type": d.doc_type,
        "issuer": d.issuer,
        "date": d.date.isoformat() if d.date else None,
        "place": d.place,
        "effective_date": d.effective_date.isoformat() if d.effective_date else None,
        "recipients": list(d.recipients),
        "copies_to": list(d.copies_to),
        "title": d.title,
        "signer": d.signer.name if d.signer else None,
        "signer_title": d.signer.display_title if d.signer else None,
        "signer_detail": _signer_json(d.signer),
        "implements": list(d.implements),
        "references": [
            {
                "doc_number": r.number,
                "doc_type": r.doc_type,
                "date": r.date.isoformat() if r.date else None,
                "issuer": r.issuer,
                "implements": list(r.implements),
            }
            for r in d.references
        ],
        "copy_stamp": _copy_json(d.copy_stamp),
        "citation_name": d.citation_name,
        "source": d.source,
        "format": d.format,
    }


def chunk_json(c: Chunk) -> dict[str, Any]:
    return {
        "id": c.id,
        "clause": c.clause_label,
        "clause_path": list(c.clause_path),
        "label": c.label,
        "heading": c.heading,
        "breadcrumb": list(c.breadcrumb),
        "text": c.text,
        "clean_text": c.clean_text,
        "start": c.start,
        "end": c.end,
        "clause_start": c.clause_start,
        "clause_end": c.clause_end,
        "inferred": c.inferred,
        "source": c.source,
    }


def clause_json(c: Clause) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "number": c.number,
        "label": c.label,
        "heading": c.heading,
        "inferred": c.inferred,
        "start": c.start,
        "end": c.end,
        "children": [clause_json(child) for child in c.children],
    }


def hit_json(hit: SearchHit) -> dict[str, Any]:
    d = hit.document
    return {
        **chunk_json(hit.chunk),
        "doc_number": d.doc_number,
        "doc_type": d.doc_type,
        "issuer": d.issuer,
        "date": d.date.isoformat() if d.date else None,
        "score": round(hit.score, 6),
        "dense_rank": hit.dense_rank,
        "lexical_rank": hit.lexical_rank,
        "reasons": list(hit.reasons),
    }


def citation_json(c: Citation) -> dict[str, Any]:
    return {
        "number": c.number,
        "doc_number": c.doc_number,
        "doc_type": c.doc_type,
        "issuer": c.issuer,
        "date": c.date.isoformat() if c.date else None,
        "clause": c.clause,
        "label": c.label,
        "quote": c.quote,
        "source": c.source,
        "start": c.start,
        "end": c.end,
        "clause_start": c.clause_start,
        "clause_end": c.clause_end,
        "chunk_id": c.chunk_id,
    }


def answer_json(a: Answer, item_id: Any = None) -> dict[str, Any]:
    """One line of ``assistant ask --jsonl`` output; also ``assistant ask --json``."""
    return {
        "id": item_id,
        "question": a.question,
        "resolved_question": a.resolved_question,
        "answer": a.text,
        "abstained": a.abstained,
        "intent": a.intent,
        "statements": [
            {"text": s.text, "citations": list(s.citations), "kind": s.kind} for s in a.statements
        ],
        "citations": [citation_json(c) for c in a.citations],
        "timings_ms": dict(a.timings_ms),
        "parts": [
            {
                "text": part.text,
                "asked": part.asked,
                "answered": part.answered,
                "probability": part.probability,
                "features": dict(part.features),
            }
            for part in a.parts
        ],
    }
