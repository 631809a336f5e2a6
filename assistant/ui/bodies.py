"""Rows of the "Ai làm gì" page: one per (body, place), read from the responsibility index.

The index finds the subjects of duties generously (answers need recall); a table a cán bộ
reads needs names. This keeps a subject only as the name of an organisation, office or
role as written in the clause: cut where the sentence goes on ("Sở Tài chính Trên cơ sở
đề xuất …" → "Sở Tài chính"), dropped when it is a verb that looks like a head ("Ban hành",
"Phòng, chống"), a bare head or abbreviation ("UBND", "Thành uỷ"), or one member of an
enumeration written in lower case ("các phòng, ban, ngành"). Groups ("Các sở, ngành",
"UBND các xã, phường") are kept and marked as groups. No Streamlit here: tested directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from assistant.answering.responsibility import Assignment
from assistant.documents.textnorm import folded_key
from assistant.search.bodies import body_key
from assistant.types import Chunk, Document

BODY = "cơ quan"
GROUP = "nhóm"
CENTRAL = "Trung ương"
MAX_WORDS = 16

# Where a subject stops being a name: a verb, a relative clause, a condition.
_CUT = re.compile(
    r"\s+(?:trên cơ sở|chịu trách nhiệm|quy định|trân trọng|ban hành|là\b|có chức năng|"
    r"được|theo\b|trong phạm vi|để\b|nhằm|nhân danh|khi\b|nếu\b|tại\b|về việc|căn cứ|"
    r"có trách nhiệm|thực hiện|chủ trì|phối hợp)",
    re.IGNORECASE,
)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)?\s*$")
_TRAILING = re.compile(r"(?:\s*[,;:–-]\s*|\s+(?:và|hoặc|cùng|với|thuộc|của)\s*)+$", re.IGNORECASE)
# Words that open a name in the index's grammar but begin a verb or a common noun here.
_FALSE_HEAD = re.compile(
    r"^(?:ban hành|phòng,? chống|phòng ngừa|phòng tránh|hội nghị|hội thảo|bộ máy|bộ luật|"
    r"bộ phận|bộ tiêu chí|đoàn kết|báo cáo|đài thọ|công đoàn viên)\b",
    re.IGNORECASE,
)
# A head alone names no one ("Thành uỷ", "UBND", "Đảng đoàn"), except the bodies of which
# there is only one.
_UNIQUE = frozenset(
    folded_key(n)
    for n in ("Chính phủ", "Quốc hội", "Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương")
)
_HEAD_ONLY = frozenset(
    folded_key(n)
    for n in (
        "sở", "ban", "hội", "ủy ban", "uỷ ban", "ubnd", "hđnd", "ủy ban nhân dân",
        "hội đồng nhân dân", "hội đồng", "mặt trận", "đảng đoàn", "ban cán sự", "ban cán sự đảng",
        "văn phòng", "báo", "đài", "trung tâm", "thường trực", "đảng ủy", "đảng uỷ", "bộ",
        "phòng", "công an", "tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ", "quận ủy", "quận uỷ",
        "huyện ủy", "huyện uỷ", "cấp ủy", "cấp uỷ", "chính quyền", "đảng bộ", "chi bộ", "đoàn",
        "công đoàn", "mttq", "cấp hội",
    )
)  # fmt: skip
_LOWER = r"[^\W\d_A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ]"
# A group: "các …", "… các quận", "… cấp xã", or an enumeration whose next item is lower case
# ("sở, ngành") — "Sở Văn hóa, Thể thao và Du lịch" is one body.
_GROUP = re.compile(
    rf"^(?:[Cc]ác|[Nn]hững|[Mm]ọi)\s|\s(?:các|cấp)\s+{_LOWER}|,\s+{_LOWER}|\scác cấp$"
)
# The rest of a lower-case enumeration after a group's first item: ", ban, ngành;".
_MORE = re.compile(
    rf"(?:,\s+(?!(?:yêu cầu|đề nghị|giao|và|hoặc)\b){_LOWER}[^\s,;.:]*(?:\s+{_LOWER}[^\s,;.:]*){{0,3}}(?=[,;.:]))+"
)


def body_name(written: str) -> str | None:
    """The name a subject gives, or None when it names no organisation, office or role."""
    name = _CUT.split(written, maxsplit=1)[0]
    name = _PARENTHESIS.sub("", name)
    name = _TRAILING.sub("", name).strip()
    if not name or _FALSE_HEAD.match(name):
        return None
    key = folded_key(name)
    if key in _HEAD_ONLY or len(name.split()) > MAX_WORDS:
        return None
    if len(name.split()) == 1 and key not in _UNIQUE:
        return None
    return name


def body_kind(name: str) -> str:
    return GROUP if _GROUP.search(name) else BODY


def body_place(name: str, document: Document) -> str:
    """Where the body sits: the issuing document's place, or Trung ương for central bodies."""
    key = folded_key(name)
    local = re.search(r"\b(?:tinh|thanh pho|quan|huyen|xa|phuong)\b", key)
    if "trung uong" in key or key in _UNIQUE or (key.startswith(("bo ", "cac bo ")) and not local):
        return CENTRAL
    return document.place or "—"


def clause_text(chunk: Chunk) -> str:
    """What a clause says, its headings included (a heading can name the body)."""
    return "\n".join((*chunk.breadcrumb, chunk.clean_text))


def _written(name: str, text: str) -> re.Match[str] | None:
    """Where the source writes ``name`` (same letters, maybe another case)."""
    return re.search(re.escape(name).replace(r"\ ", r"\s+"), text, re.IGNORECASE)


@dataclass
class BodyRow:
    """One body in one place and, per document, the clauses that assign it work."""

    body: str  # the name as first written
    place: str
    kind: str  # BODY or GROUP
    key: str
    clauses: dict[str, list[Chunk]] = field(default_factory=dict)  # doc_id → chunks

    @property
    def label(self) -> str:
        return f"{self.body} ({self.place})" if self.place != "—" else self.body


@dataclass(frozen=True)
class _Found:
    name: str
    chunk: Chunk
    start: int
    end: int


def _found(a: Assignment, chunk: Chunk) -> _Found | None:
    name = body_name(a.body)
    text = clause_text(chunk)
    match = _written(name, text) if name else None
    if match is None:
        return None
    written, end = match.group(0), match.end()
    if not re.match(r"(?:các|những|mọi)\s", written, re.IGNORECASE):
        if written[:1].islower():
            return None  # one member of "các phòng, ban, ngành": the group is the row
        return _Found(written, chunk, match.start(), end)
    more = _MORE.match(text, end)
    if more:
        end = more.end()
    written = " ".join(text[match.start() : end].split())
    return _Found(written[:1].upper() + written[1:], chunk, match.start(), end)


def body_rows(
    assignments: Iterable[Assignment],
    chunks: Mapping[str, Chunk],
    documents: Mapping[str, Document],
) -> list[BodyRow]:
    """Rows sorted by name, then place; each clause listed once, in document order. A group
    written inside a longer one of the same clause is that one."""
    found: list[_Found] = []
    for a in assignments:
        chunk = chunks.get(a.chunk_id)
        document = documents.get(chunk.doc_id) if chunk else None
        if chunk is None or document is None or document.doc_type == "Tin bài":
            continue
        f = _found(a, chunk)
        if f is not None:
            found.append(f)
    rows: dict[tuple[str, str], BodyRow] = {}
    for f in found:
        if any(
            o.chunk.id == f.chunk.id
            and o.start <= f.start
            and f.end <= o.end
            and (o.end - o.start) > (f.end - f.start)
            for o in found
        ):
            continue
        place = body_place(f.name, documents[f.chunk.doc_id])
        key = body_key(f.name)
        row = rows.setdefault((key, place), BodyRow(f.name, place, body_kind(f.name), key))
        listed = row.clauses.setdefault(f.chunk.doc_id, [])
        if f.chunk not in listed:
            listed.append(f.chunk)
    for row in rows.values():
        for listed in row.clauses.values():
            listed.sort(key=lambda c: c.start)
    return sorted(rows.values(), key=lambda r: (folded_key(r.body), folded_key(r.place)))
