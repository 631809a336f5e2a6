"""Who must do what: the clauses assigning work to a body, and the bodies a document
gives work to, from the responsibility index."""

from __future__ import annotations

import re

from assistant.answering.analyse import Part, assignee_head
from assistant.answering.answer_builder import CANNOT_ANSWER, AnswerBuilder, display_quote
from assistant.answering.citations import quote_span
from assistant.answering.clause_answers import RELATED, ClauseAnswers
from assistant.answering.premise import body_missing, diverges, quoted, unsupported_rest
from assistant.answering.relevance import same_body, searchable_chunk
from assistant.answering.responsibility import (
    Assignment,
    ResponsibilityIndex,
    assignments,
    display_body,
    user_words,
)
from assistant.documents.textnorm import folded_key
from assistant.search.bodies import bare_head
from assistant.search.retrieval import SearchFilters
from assistant.types import Chunk

MAX_CLAUSES = 12
MAX_ASSIGNEES = 20  # bodies listed, one short line each
MAX_READ = 200  # clauses of one body read to check the words asked beyond its name
# From the sentence naming the body on, what it is charged with runs to the paragraph's end.
SUBJECT_CHARS = 600
# "… trong phần tổ chức thực hiện", "… tại mục II": the part of the document asked about.
_SECTION = re.compile(
    r"\b(?:trong|tai|o)\s+(?:phan|muc|chuong)\s+(?P<name>\w+(?:\s+\w+){0,5}?)\s*(?:\?|$)"
)


def named_section(question: str) -> str:
    """The folded heading words of the part of the document a question names, or ""."""
    m = _SECTION.search(folded_key(question).strip())
    return m.group("name") if m else ""


def section_name(question: str) -> str:
    """The same words as the question writes them."""
    words = named_section(question).split()
    shown = user_words(question, " ".join(words)) if words else None
    return shown or " ".join(words)


class DutyAnswers(ClauseAnswers):
    """Answers about bodies: their duties, and which bodies a document charges."""

    responsibilities: ResponsibilityIndex

    # -- responsibility ------------------------------------------------------------------
    def _duties(
        self, b: AnswerBuilder, part: Part, docs: set[str], filters: SearchFilters | None
    ) -> None:
        """A named body's duties from the responsibility index; when no clause assigns it
        any and the question is not about duties, the clauses a search finds."""
        mark = b.mark()
        if self._responsibility(b, part, docs, filters):
            return
        b.rewind(mark)
        bodies = part.constraints.bodies
        self._clauses(b, part.text, part.asked, bodies, docs, filters, part.many)
        quotes = [c.quote for c in b.citations[mark[1] :]]
        cited = self._cited_chunks(b.citations[mark[1] :])
        missing = body_missing(bodies, (*quotes, *(searchable_chunk(c) for c in cited)))
        others = [a.key for c in cited for a in assignments(c) if a.role == "heading"]
        if (
            missing
            and others
            and not b.abstained
            and not any(same_body(body, key) for body in bodies for key in others)
        ):
            # No clause assigns the body anything, and the clauses found do not name it but
            # sit under another body's heading: they are that body's ("Sở Giáo dục … thẩm
            # định gì?" answered with Sở Xây dựng's items).
            shown = quoted(user_words(part.text, missing) or "", "cơ quan được hỏi")
            b.demote(mark[0], f"Các văn bản trong kho không nêu thông tin này cho {shown}.")
            b.settled = True

    def _responsibility(
        self, b: AnswerBuilder, part: Part, docs: set[str], filters: SearchFilters | None
    ) -> bool:
        """List the clauses assigning work to the bodies; False when there are none and the
        question did not ask for duties (the caller then answers it as a general question)."""
        question, bodies = part.text, part.constraints.bodies
        found: list[Assignment] = []
        assigned: set[str] = set()  # every clause assigning them work
        chunks: list[Chunk] = []  # the first MAX_READ of those, read from the index
        names: list[str] = []  # the leading words of each body that found it
        rest: list[str] = []  # the words asked beyond them that the clauses found do not hold
        places = (*part.constraints.places, *part.constraints.other_places)
        for body in bodies:
            # "Hội Chữ thập đỏ quận Kiến An" is written "Hội Chữ thập đỏ các cấp" in the công văn
            # of Kiến An: drop trailing words until the name matches in the documents asked about.
            words = body.split()
            for n in range(len(words), 1, -1):
                if bare_head(" ".join(words[:n])):
                    break  # "Hội đồng" of "Hội đồng quản trị" is no body's name
                matches = [
                    a
                    for a in self.responsibilities.lookup(" ".join(words[:n]))
                    if a.doc_id in self.documents
                    and not diverges(words, n, a.key)
                    and (not docs or a.doc_id in docs)
                    and (not filters or filters.allows(self.documents[a.doc_id]))
                ]
                # A body named only as the one another works with ("phối hợp với …") is
                # not found by that alone: its clauses join those that charge it.
                if matches and any(a.role != "partner" for a in matches):
                    found.extend(matches)
                    assigned.update(a.chunk_id for a in matches)
                    # Read from the index only the first clauses in the documents' order: at
                    # most MAX_CLAUSES are quoted, whatever the size of the corpus.
                    first = sorted(matches, key=lambda a: (self._doc_order(a.doc_id), a.start))
                    ids = list(dict.fromkeys(a.chunk_id for a in first))[:MAX_READ]
                    read = self.searcher.index.chunks_with_ids(ids)
                    chunks.extend(read)
                    names.append(" ".join(words[:n]))
                    clauses = [searchable_chunk(c) for c in read]
                    missing = unsupported_rest(body, [a.key for a in matches], clauses, places)
                    if missing:
                        rest.append(" ".join(words[words.index(missing[0]) :]))
                    break
        roles: dict[str, set[str]] = {}
        for a in found:
            roles.setdefault(a.chunk_id, set()).add(a.role)
        partner_only = {cid for cid, r in roles.items() if r == {"partner"}}
        # The body's own duties first, then the clauses where it works with another body.
        chunks = sorted(
            {c.id: c for c in chunks}.values(),
            key=lambda c: (c.id in partner_only, self._doc_order(c.doc_id), c.start),
        )
        if not part.explicit:
            # Inferred from a named body: only a bare question about the body ("Hội Chữ thập đỏ
            # thành phố thì sao?") is about its duties; "Số điện thoại của …", "Ai là Chủ tịch …"
            # ask something else.
            body_words = {w for body in bodies for w in body.split()}
            other = [t for t in self._topic_terms(question) if t not in body_words]
            if (
                not chunks
                or rest
                or len(other) >= 2
                or re.search(r"\b(?:ai la|la ai)\b", folded_key(question))
            ):
                return False
        documents = self.searcher.index.documents
        # Named as the documents name the body where they charge it, not where it partners.
        own = [a for a in found if a.role != "partner"] or found
        name = display_body(own, names or bodies, question, documents)
        if rest:
            # "Sở Y tế nộp 1 tỷ đồng": the body has duties, the rest of what was asked is not
            # in them; its duties are offered, not stated as the answer.
            asked = quoted(user_words(question, rest[0]) or rest[0], "nội dung được hỏi")
            b.refuse(
                f"Các văn bản trong kho không nói đến {asked} khi giao nhiệm vụ cho {found[0].body}."
            )
            self._related_clauses(b, chunks[:RELATED])
            return True
        # Quote from the sentence where the body is the subject ("Hội Chữ thập đỏ các cấp phát huy …").
        subject_at: dict[str, int] = {}
        in_read = {c.id: c for c in chunks}
        for a in found:
            if a.role != "heading" and a.chunk_id in in_read:
                chunk = in_read[a.chunk_id]
                pos = self.documents[chunk.doc_id].text.find(a.body[1:], chunk.start, chunk.end)
                if pos > 0:
                    subject_at.setdefault(chunk.id, pos)
        if not chunks:
            where = f" trong {self._doc_names(docs)}" if docs else ""
            # A body some document names ("Sở Y tế", filtered out here) is shown as written;
            # only words no document names are the user's and are quoted.
            known = found or any(self.responsibilities.lookup(body) for body in bodies)
            shown = name if known else quoted(name, "cơ quan được hỏi")
            b.refuse(f"Các văn bản{where} không giao nhiệm vụ cho {shown}.")
            self._related(b, question, docs, filters)
            return True
        by_doc: dict[str, list[Chunk]] = {}
        for c in chunks[:MAX_CLAUSES]:
            by_doc.setdefault(c.doc_id, []).append(c)
        b.note(f"{name} được giao nhiệm vụ tại {len(by_doc)} văn bản:")
        for doc_id, items in by_doc.items():
            document = self.documents[doc_id]
            b.note(f"{document.citation_name}:")
            for chunk in items:
                span = quote_span(
                    document, chunk, start_at=subject_at.get(chunk.id), max_chars=SUBJECT_CHARS
                )
                # Named only as the body another one works with: said so, not as its own duty.
                role = " (vai trò phối hợp)" if chunk.id in partner_only else ""
                b.fact(
                    f"- {chunk.clause_label}{role}: “{display_quote(document.text[span[0] : span[1]])}”",
                    document,
                    chunk,
                    span,
                )
        if len(assigned) > MAX_CLAUSES:
            b.note(
                f"… và {len(assigned) - MAX_CLAUSES} khoản khác; hãy hỏi cụ thể theo từng văn bản."
            )
        silent = [
            d
            for d in self.searcher.index.documents
            if d.doc_id not in by_doc and d.doc_type != "Tin bài" and (not docs or d.doc_id in docs)
        ]
        if silent and not (filters and filters.doc_ids):
            silent_names = ", ".join(d.short_name for d in silent)
            b.note(f"{silent_names} không giao nhiệm vụ riêng cho {name}.")
        return True

    # -- which bodies a document gives work to -------------------------------------------
    def _assignees(
        self, b: AnswerBuilder, part: Part, docs: set[str], filters: SearchFilters | None
    ) -> None:
        """ "Kế hoạch 164 giao nhiệm vụ cho những sở nào?": each body once, with the clause
        that names it, from the responsibility index."""
        head = assignee_head(part.text)
        targets = [
            d
            for d in self.documents.values()
            if (d.doc_id in docs if docs else d.doc_type != "Tin bài")
            and (not filters or filters.allows(d))
        ]
        section = named_section(part.text)
        for d in targets:
            if section:
                # "… trong phần tổ chức thực hiện": the clauses under that heading only.
                chunks = self.searcher.index.chunks_of(d.doc_id)
                ids = [c.id for c in chunks if section in folded_key(" ".join(c.breadcrumb))]
            else:
                ids = self.searcher.index.chunk_ids_of(d.doc_id)
            found = self.responsibilities.assigned_in(ids, head)
            quoted = []
            for a in found[:MAX_ASSIGNEES]:
                chunk = self.chunks[a.chunk_id]
                m = re.search(
                    re.escape(a.body), d.text[chunk.clause_start : chunk.clause_end], re.IGNORECASE
                )
                if m:
                    at = chunk.clause_start + m.start()
                    quoted.append((chunk, (at, at + len(a.body))))
            if not quoted:
                continue
            where = f" tại phần “{section_name(part.text)}”" if section else ""
            b.note(f"{d.citation_name}{where} giao nhiệm vụ cho {len(found)} cơ quan, tổ chức:")
            for chunk, span in quoted:
                b.fact(f"- {d.text[span[0] : span[1]]} ({chunk.clause_label})", d, chunk, span)
            if len(found) > len(quoted):
                b.note(f"… và {len(found) - len(quoted)} cơ quan, tổ chức khác.")
        if not any(s.kind == "fact" for s in b.statements):
            b.abstain(CANNOT_ANSWER)

    # -- figures and deadlines -----------------------------------------------------------
