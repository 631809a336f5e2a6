"""Answers about documents themselves: who signed, when, who issued, what each implements,
its số hiệu and copy stamp, and lists of documents by kind of issuer. Each fact is quoted
from the header, signature block or clause that states it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from assistant.answering.analyse import named_position, unknown_numbers
from assistant.answering.answer_builder import CANNOT_ANSWER, AnswerBuilder, display_quote
from assistant.documents.facts import (
    copy_stamp_span,
    effective_span,
    find_number,
    implements_span,
    issuer_spans,
    number_line_span,
    place_date_span,
    sentence_around,
    signature_span,
    title_span,
)
from assistant.documents.layout import TYPE_NAMES
from assistant.documents.relations import Relation
from assistant.documents.textnorm import folded_key
from assistant.types import LAST_DATE, Chunk, Document, format_vn_date


class MetadataAnswers:
    """Metadata and list answers over the corpus's documents."""

    def __init__(
        self,
        documents: Mapping[str, Document],
        chunk_at: Callable[[Document, int], Chunk | None],
        relations: Sequence[Relation] = (),
        chunks: Mapping[str, Chunk] | None = None,
    ) -> None:
        self.documents = documents
        self._chunk_at = chunk_at
        self.relations = relations
        self.chunks = chunks or {}

    def answer(self, b: AnswerBuilder, field: str, docs: set[str], question: str = "") -> None:
        named_elsewhere = unknown_numbers(question, self.documents.values())
        if named_elsewhere:
            # "Chỉ thị 43-CT/TW do ai ký?": the question names a document the corpus does not hold.
            b.abstain("Văn bản được hỏi không có trong kho; các văn bản trong kho chỉ nhắc đến nó.")
            return
        if field in ("earliest", "latest"):
            self._by_date(b, field, docs, question)
            return
        # In the order the question names them ("So sánh người ký Công văn 1416 và Kế hoạch 17"),
        # then the corpus's: never a set's order, which changes from run to run.
        order = {d: n for n, d in enumerate(self.documents)}
        listed = list(self.documents.values())
        targets = (
            sorted(
                (self.documents[d] for d in docs),
                key=lambda d: (named_position(question, d.doc_id, listed), order[d.doc_id]),
            )
            if docs
            else listed
        )
        if not docs and len(targets) > 1:
            b.note("Câu hỏi không nêu văn bản cụ thể; thông tin của từng văn bản:")
        for document in targets:
            self._one(b, field, document)
        if not b.statements or all(s.kind == "note" for s in b.statements):
            b.abstain(CANNOT_ANSWER)

    def _one(self, b: AnswerBuilder, field: str, d: Document) -> None:
        name = d.short_name
        if field == "signer" and d.signer and d.signer.name:
            signature = signature_span(d)
            if signature:
                shown = d.signer.display_title if signature.with_title else None
                title = f" ({shown})" if shown else ""
                b.fact_text(
                    f"{name} do {d.signer.name}{title} ký.",
                    d,
                    signature.part,
                    signature.start,
                    signature.end,
                )
        elif field == "date" and d.date:
            span = place_date_span(d)
            if span:
                b.fact_text(
                    f"{name} ban hành ngày {format_vn_date(d.date)}.", d, "phần đầu văn bản", *span
                )
        elif field == "issuer" and d.issuer:
            self._issuer(b, d)
        elif field == "effective":
            self._effective(b, d)
        elif field == "replaces":
            self._replaces(b, d)
        elif field == "implements" and d.implements:
            refs = {r.number: r for r in d.references}
            described = [refs[n].citation_name if n in refs else n for n in d.implements]
            span = implements_span(d)
            if span is None:
                return
            chunk = self._chunk_at(d, span[0])
            statement = f"{name} thực hiện {', '.join(described)}."
            if chunk is not None and chunk.start <= span[0] and span[1] <= chunk.end:
                b.fact(statement, d, chunk, span)
            else:
                b.fact_text(statement, d, "phần đầu văn bản", *span)
        elif field == "title" and d.title:
            span = title_span(d)
            if span:
                quote = display_quote(d.text[span[0] : span[1]])
                b.fact_text(f"Trích yếu của {name}: “{quote}”.", d, "phần đầu văn bản", *span)
        elif field == "number" and d.doc_number:
            span = number_line_span(d)
            if span:
                b.fact_text(f"Số hiệu: {d.doc_number}.", d, "phần đầu văn bản", *span)
        elif field == "copy_stamp" and d.copy_stamp:
            stamp = d.copy_stamp
            when = f" ngày {format_vn_date(stamp.date)}" if stamp.date else ""
            span = copy_stamp_span(d)
            if span:
                b.fact_text(
                    f"{name} được {stamp.issuer} sao lục, số {stamp.number}{when}.",
                    d,
                    "dấu sao lục",
                    *span,
                )
            signer = stamp.signer
            at = d.text.find(signer.name, stamp.start, stamp.end) if signer and signer.name else -1
            if signer and signer.name and at >= 0:
                title = f" ({signer.display_title})" if signer.display_title else ""
                b.fact_text(
                    f"Bản sao lục do {signer.name}{title} ký.",
                    d,
                    "dấu sao lục",
                    at,
                    at + len(signer.name),
                )

    def _by_date(self, b: AnswerBuilder, field: str, docs: set[str], question: str) -> None:
        """The earliest or latest dated document (among those named, else every one of the
        kind asked, "Kế hoạch nào …", but news reports, which are no văn bản), quoted from
        its place-and-date line."""
        # The kind asked is a document type of the official layout table written before
        # "nào" ("Luật nào", "Kế hoạch nào"); "văn bản nào" asks about every kind.
        asked = folded_key(question)
        kinds = (folded_key(name) for name in TYPE_NAMES)  # longest names first
        asked_type = next(
            (k for k in kinds if k != "van ban" and re.search(rf"\b{re.escape(k)} nao\b", asked)),
            "",
        )
        dated = [
            d
            for d in self.documents.values()
            if d.date
            and (d.doc_id in docs if docs else d.doc_type != "Tin bài")
            and (not asked_type or folded_key(d.doc_type or "") == asked_type)
        ]
        if not dated:
            b.abstain(CANNOT_ANSWER)
            return
        pick = min if field == "earliest" else max
        when = pick(d.date for d in dated if d.date)
        word = "sớm nhất" if field == "earliest" else "muộn nhất"
        for d in (d for d in dated if d.date == when):
            span = place_date_span(d)
            if span:
                b.fact_text(
                    f"Ban hành {word}: {d.short_name}, ngày {format_vn_date(when)}.",
                    d,
                    "phần đầu văn bản",
                    *span,
                )
        if not b.statements:
            b.abstain(CANNOT_ANSWER)

    def _issuer(self, b: AnswerBuilder, d: Document) -> None:
        assert d.issuer is not None
        statement = f"{d.short_name} do {d.issuer} ban hành."
        in_body, anywhere = issuer_spans(d)
        if in_body is not None:
            chunk = self._chunk_at(d, in_body[0])
            if chunk is not None and chunk.start <= in_body[0] and in_body[1] <= chunk.end:
                b.fact(statement, d, chunk, in_body)
                return
        if anywhere is not None:
            b.fact_text(statement, d, "phần đầu văn bản", *anywhere)

    def _effective(self, b: AnswerBuilder, d: Document) -> None:
        """The clause in which the document says when it takes effect ("khoản 1 Điều 69")."""
        span = effective_span(d)
        chunk = self._chunk_at(d, span[0]) if span else None
        if span is None or chunk is None or not (chunk.start <= span[0] and span[1] <= chunk.end):
            return
        # The date only as the clause writes it (a restated "01/1/2019" is a claim of our own).
        quote = display_quote(d.text[span[0] : span[1]])
        b.fact(f"Hiệu lực thi hành của {d.short_name}: “{quote}”", d, chunk, span)

    def _replaces(self, b: AnswerBuilder, d: Document) -> None:
        """The clauses in which the document replaces, repeals or amends another."""
        for r in self.relations:
            chunk = self.chunks.get(r.chunk_id)
            if r.newer_doc_id != d.doc_id or chunk is None:
                continue
            start, end = sentence_around(d.text, find_number(d.text, r.older, chunk.start))
            if chunk.start <= start and 0 <= end <= chunk.end:
                b.fact(
                    f"{d.short_name} {r.kind} {r.older_type} số {r.older}.", d, chunk, (start, end)
                )

    def list_documents(self, b: AnswerBuilder, question: str) -> None:
        folded = folded_key(question)
        docs = list(self.documents.values())
        if re.search(
            r"\b(?:cap uy|dang|thanh uy|tinh uy|quan uy|ban bi thu|ban thuong vu)\b", folded
        ):
            docs = [d for d in docs if is_party(d)]
            kind = "do cấp ủy Đảng ban hành"
        elif re.search(r"\b(?:chinh quyen|uy ban nhan dan|ubnd|nha nuoc)\b", folded):
            docs = [d for d in docs if d.doc_type != "Tin bài" and not is_party(d)]
            kind = "do cơ quan chính quyền ban hành"
        else:
            kind = "trong kho"
        if not docs:
            b.abstain(f"Không có văn bản nào {kind}.")
            return
        b.note(f"Có {len(docs)} văn bản {kind}:")
        for d in sorted(docs, key=lambda d: d.date or LAST_DATE):
            m = re.search(r"Số(?:\s*hiệu)?\s*:?\s*\d", d.text)
            if d.doc_number and m:
                end = d.text.find("\n", m.start())
                b.fact_text(
                    f"- {d.citation_name}.",
                    d,
                    "phần đầu văn bản",
                    m.start(),
                    end if end > 0 else m.end(),
                )


def is_party(d: Document) -> bool:
    """Issued by a Party committee: its số hiệu ends in a Party body's code, or its issuer is one."""
    if d.doc_number and re.search(r"/(?:TW|TU|QU|HU|ĐUK|ĐU|BCS)$", d.doc_number):
        return True
    issuer = d.issuer or ""
    party = re.search(r"(?:ủy|uỷ|Ban Bí thư|Bộ Chính trị|Ban Chấp hành)", issuer) is not None
    return party and not issuer.startswith(("UBND", "Ủy ban nhân dân"))
