"""Domain values passed unchanged from parser to UI.

Every value is frozen. Provenance (source file, character span, clause path,
citation label) is attached when a chunk is made, never reconstructed later.
Character spans index ``Document.text``: the source file decoded as UTF-8 and
NFC-normalised (for the seed files, which are already NFC, that is the file's
own characters, so ``document.text[chunk.start:chunk.end] == chunk.text``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Signer:
    """The signature block: "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ / Bùi Thị Tuyết Mai"."""

    name: str | None
    authority: str | None = None  # thẩm quyền ký: "T/M", "TM.", "KT.", "TL.", "TUQ.", "Q."
    on_behalf_of: str | None = None  # the collective after the authority: "Ban Thường vụ"
    title: str | None = None  # chức vụ: "Phó Bí thư", "Chánh Văn phòng"
    delegation: str | None = None  # a second authority line: "KT. Chủ tịch"

    @property
    def display_title(self) -> str | None:
        """Officials write authority, body and title together: "T/M Ban Thường vụ, Phó Bí thư"."""
        head = " ".join(p for p in (self.authority, self.on_behalf_of) if p)
        parts = [p for p in (head, self.delegation, self.title) if p]
        return ", ".join(parts) or None


@dataclass(frozen=True)
class DocumentRef:
    """Another document named in the text: "Kế hoạch số 140-KH/TU ngày 03/3/2023 của Thành ủy Hà Nội"."""

    number: str  # số hiệu, normalised: "140-KH/TU"
    doc_type: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    implements: tuple[str, ...] = ()  # what the text says this referenced document implements

    @property
    def citation_name(self) -> str:
        """ "Kế hoạch số 140-KH/TU ngày 03/3/2023 của Thành ủy Hà Nội", as much as the text says."""
        parts = [f"{self.doc_type} số {self.number}" if self.doc_type else self.number]
        if self.date:
            parts.append(f"ngày {format_vn_date(self.date)}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        return " ".join(parts)


@dataclass(frozen=True)
class CopyStamp:
    """A "sao lục" / "sao y" / "trích sao" stamp added by the body that copied the document."""

    kind: str  # "Sao lục"
    number: str | None  # "46-SL/ĐUK"
    date: dt.date | None
    place: str | None
    issuer: str | None
    signer: Signer | None
    start: int
    end: int


# Laws are cited with their name before the number: "Luật An ninh mạng số 24/2018/QH14".
NAMED_TYPES = frozenset({"Luật", "Bộ luật", "Pháp lệnh"})


@dataclass(frozen=True)
class Document:
    """One source file with the metadata a Vietnamese official cites it by."""

    doc_id: str  # stable: derived from the file's content hash
    source: str  # file name inside the corpus folder
    text: str  # the full source text that every span indexes
    doc_number: str | None  # số hiệu: "164/KH-UBND"; None for a news article
    doc_type: str  # loại văn bản: "Kế hoạch", "Công văn", "Kết luận", "Tin bài", "Văn bản"
    issuer: str | None  # cơ quan ban hành
    date: dt.date | None
    place: str | None  # nơi ban hành (địa danh)
    title: str | None  # trích yếu
    signer: Signer | None = None
    implements: tuple[str, ...] = ()  # số hiệu of the documents this one implements
    references: tuple[DocumentRef, ...] = ()  # every other document it names
    copy_stamp: CopyStamp | None = None
    format: str = "txt"
    body_start: int = 0
    body_end: int = 0
    ocr: bool = False  # some of the text was read from page images by OCR (a scanned PDF)
    effective_date: dt.date | None = None  # ngày có hiệu lực, as the document states it
    recipients: tuple[str, ...] = ()  # "Kính gửi": the addressees of a công văn
    copies_to: tuple[str, ...] = ()  # "Nơi nhận": where the document is sent and filed

    @property
    def short_name(self) -> str:
        """ "Kế hoạch số 164/KH-UBND" or, without a số hiệu, the type and title."""
        if self.doc_number:
            if self.doc_type in NAMED_TYPES and self.title:
                return f"{self.doc_type} {self.title} số {self.doc_number}"
            return f"{self.doc_type} số {self.doc_number}"
        return f"{self.doc_type}: {self.title}" if self.title else self.doc_type

    @property
    def citation_name(self) -> str:
        """The way officials name a document: "Kế hoạch số 164/KH-UBND ngày 05/6/2023 của UBND thành phố Hà Nội"."""
        parts = [self.short_name if self.doc_number else self.doc_type]
        if not self.doc_number and self.title:
            parts.append(f"“{self.title}”")
        if self.date:
            parts.append(f"ngày {format_vn_date(self.date)}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        return " ".join(parts)


@dataclass(frozen=True)
class Clause:
    """A node of a document's clause tree: a part (Mục), khoản, điểm, gạch đầu dòng or đoạn."""

    kind: str  # "part", "khoan", "diem", "dash", "paragraph", "preamble", "closing"
    number: str | None  # as written: "III", "6", "3.1", "a"; dashes and paragraphs: ordinal "2"
    heading: str | None  # the heading's words without its number: "Sở Y tế"
    path: tuple[str, ...]  # ("III", "6") — machine path from the root
    label: str  # "khoản 6 Mục III" — smallest unit first, without the document name
    start: int
    end: int
    inferred: bool = False  # True when the heading was not in the source and was inferred
    children: tuple[Clause, ...] = ()
    # The document this unit is cited by when it is not the file's own: an article of a
    # codification (pháp điển) or consolidation cites the law or decree it comes from.
    cited_in: DocumentRef | None = None

    def walk(self) -> list[Clause]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass(frozen=True)
class Chunk:
    """One citable clause, with everything needed to cite, show and verify it."""

    id: str  # content-derived: hash of document content id + clause path + text
    doc_id: str
    source: str
    clause_path: tuple[str, ...]
    clause_label: str  # "khoản 6 Mục III"
    label: str  # full citation: "khoản 6 Mục III Kế hoạch số 164/KH-UBND ngày 05/6/2023 của UBND thành phố Hà Nội"
    breadcrumb: tuple[str, ...]  # headings from the top: ("Mục III (suy ra)", "6. Sở Y tế")
    text: str  # exactly document.text[start:end]
    clean_text: (
        str  # the same words with markup and page-break noise removed, for indexing and display
    )
    start: int
    end: int
    clause_start: int  # span of the whole enclosing clause (khoản), to read it in full
    clause_end: int
    inferred: bool = False  # some heading on its path was inferred, not written
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def heading(self) -> str:
        return " › ".join(self.breadcrumb)


@dataclass(frozen=True)
class ParsedDocument:
    """A document with its clause tree and chunks."""

    document: Document
    outline: tuple[Clause, ...]
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True)
class SkippedFile:
    """A file that could not be read, with the reason shown to the user."""

    source: str
    reason: str


LAST_DATE = dt.date(9999, 1, 1)  # sorts undated documents last
# "Quận ủy Kiến An", "UBND thành phố Hà Nội": the place the issuing body governs.
_LOCALITY_RE = re.compile(
    r"(?:ủy|uỷ|thành phố|tỉnh|quận|huyện|thị xã)\s+((?:[A-ZĐÀ-Ỹ]\w*\s*){1,3})$"
)


def issuer_locality(issuer: str | None) -> str | None:
    """ "Kiến An", "Từ Sơn", "Hà Nội": where an issuing body governs, as its name writes it.
    Not the place of signing: a central conclusion signed in Hà Nội is not about Hà Nội."""
    m = _LOCALITY_RE.search(issuer or "")
    return m.group(1).strip() if m else None


def format_vn_date(date: dt.date) -> str:
    """Vietnamese documents write dates without leading zeros in the month: 05/6/2023."""
    return f"{date.day:02d}/{date.month}/{date.year}"


@dataclass(frozen=True)
class Citation:
    """One verified quote: where it is, who issued it, and the exact words."""

    number: int  # the marker [n] in the answer text
    label: str  # "khoản 6 Mục III Kế hoạch số 164/KH-UBND ngày 05/6/2023 của UBND thành phố Hà Nội"
    clause: str  # "khoản 6 Mục III", or "phần ký" / "phần đầu văn bản" for metadata
    clause_path: tuple[str, ...]
    doc_id: str
    doc_number: str | None
    doc_type: str
    issuer: str | None
    date: dt.date | None
    quote: str  # exactly document.text[start:end]
    source: str
    start: int
    end: int
    clause_start: int  # the whole clause, for "read it in full"
    clause_end: int
    chunk_id: str | None = None  # None for header and signature facts


@dataclass(frozen=True)
class Statement:
    """A sentence or bullet of an answer. ``fact`` statements carry citations; ``note``
    statements frame the answer (a heading, "các văn bản khác không nêu …")."""

    text: str
    citations: tuple[int, ...] = ()
    kind: str = "fact"  # "fact", "note", "related" (offered as "có thể liên quan")


@dataclass(frozen=True)
class AnswerPart:
    """One part of a question as the answerer saw it: what it asks, whether it was
    answered, and the abstention model's features and probability for its evidence."""

    text: str
    asked: str  # "duty", "figure", "date", "signer", …
    answered: bool
    probability: float | None = None  # None: no fitted decision applied to this part
    features: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Answer:
    question: str
    resolved_question: (
        str  # after follow-up resolution: "Còn Sở Tài chính thì sao?" → "Sở Tài chính phải làm gì?"
    )
    statements: tuple[Statement, ...]
    citations: tuple[Citation, ...]
    abstained: bool
    intent: str = "general"
    message: str | None = None  # a refusal for bad input, shown instead of an answer
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    parts: tuple[AnswerPart, ...] = field(default=(), compare=False, hash=False)

    @property
    def text(self) -> str:
        """The answer as Vietnamese text with [n] markers after every cited statement."""
        if self.message:
            return self.message
        lines = []
        for s in self.statements:
            markers = "".join(f"[{n}]" for n in s.citations)
            lines.append(f"{s.text} {markers}".rstrip() if markers else s.text)
        return "\n".join(lines)

    @property
    def documents(self) -> tuple[str, ...]:
        """doc_ids cited, in order of first citation."""
        out: list[str] = []
        for c in self.citations:
            if c.doc_id not in out:
                out.append(c.doc_id)
        return tuple(out)
