"""Who must do what: an index from each body to the clauses that assign it work.

A clause assigns work to a body when
- it sits under a heading that names the body ("6. Sở Y tế", "10. Đề nghị Ủy ban Mặt trận …"), or
- one of its sentences opens with the body followed by a duty ("Ban Dân vận Quận ủy chủ trì …",
  "Đảng đoàn Quốc hội, Ban cán sự đảng Chính phủ lãnh đạo …"), or
- it asks the body to act ("… đề nghị Ủy ban Mặt trận …, yêu cầu các sở, ban, ngành … triển khai").
Bodies that are only partners ("phối hợp với Sở Y tế") are not assignees.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.documents.textnorm import fold, folded_key
from assistant.search.bodies import body_key
from assistant.types import Chunk, Document

# Words that open a body's name (accented, matched on canonical lower-case text).
_HEAD = (
    r"(?:các\s+|lãnh đạo\s+|đề nghị\s+)?(?:sở|ban|hội|ủy ban|uỷ ban|ubnd|hđnd|hội đồng|mặt trận|mttq|đảng đoàn|"
    r"ban cán sự|văn phòng|báo(?! cáo)|đài|trung tâm|thường trực|đảng ủy|đảng uỷ|chính phủ|quốc hội|bộ|phòng|"
    r"công an|tỉnh ủy|tỉnh uỷ|thành ủy|thành uỷ|quận ủy|quận uỷ|huyện ủy|huyện uỷ|cấp ủy|cấp uỷ|"
    r"cấp hội|chính quyền|tổ chức chính trị|đảng bộ|chi bộ|đoàn|công đoàn)\b"
)
_DUTY = (
    r"(?:chủ trì|phối hợp|chỉ đạo|lãnh đạo|tổ chức|tham mưu|hướng dẫn|tiếp tục|tăng cường|chủ động|"
    r"thực hiện|theo dõi|kiểm tra|giám sát|triển khai|tuyên truyền|quan tâm|bố trí|căn cứ|"
    r"phát huy|tích cực|đẩy mạnh|có trách nhiệm|nghiêm túc|tổng hợp|báo cáo|cần|phải|tập trung|"
    r"rà soát|đề xuất|khẩn trương|bảo đảm|đảm bảo)\b"
)
# "tổ chức" is a duty after a body ("… Quận ủy tổ chức quán triệt") but a noun after "các".
_DUTY = _DUTY.replace("tổ chức|", "(?<!các )(?<!những )tổ chức|")
# A subject that asks ("UBND Thành phố đề nghị …") or reports ("… đã quan tâm") is not assigned work.
_END = rf"(?P<end>{_DUTY}|đề nghị\b|yêu cầu\b|đã\b|đang\b|sẽ\b)"
_SUBJECT_RE = re.compile(
    rf"(?:^|(?<=[.;:]\s))(?:\d+\.\s+)?(?P<subject>{_HEAD}[^.:]{{0,300}}?)\s+(?={_END})",
    re.IGNORECASE,
)
_ASKED_RE = re.compile(
    rf"\b(?:đề nghị|yêu cầu|giao)\s+(?P<subject>{_HEAD}[^.:]{{0,300}}?)\s+(?={_END})", re.IGNORECASE
)
# "… phối hợp với Sở Lao động - Thương binh và Xã hội hướng dẫn …": the body a clause's
# duty is carried out with; it shares the work, another body leads it.
_PARTNER_RE = re.compile(
    rf"\bphối hợp (?:chặt chẽ )?với\s+(?P<subject>{_HEAD}[^.:;]{{0,200}}?)"
    rf"(?=\s+(?:{_DUTY}|để\b|nhằm\b|trong\b)|\s*[.;:(]|$)",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(rf"\s*[;,]\s*|\s+và\s+(?={_HEAD})", re.IGNORECASE)


# The number before a heading: "6.", "b)", "Điều 24.", "Mục 3.".
UNIT_NUMBER_RE = re.compile(r"^(?:(?:Điều|Chương|Mục|Phần)\s+)?\S+[.)]\s+", re.IGNORECASE)
# Legal normative documents title the article or khoản that sets a body's duties "Trách nhiệm
# của …", "Nhiệm vụ, quyền hạn của …": what follows names the body (Luật Ban hành văn bản quy
# phạm pháp luật; e.g. "Điều 24. Trách nhiệm của Bộ Tài chính", "6. Trách nhiệm của Ủy ban
# nhân dân cấp xã:").
_DUTY_TITLE_RE = re.compile(
    r"^(?:trách nhiệm|nhiệm vụ|quyền hạn|chức năng|quyền|nghĩa vụ)"
    r"(?:(?:,\s*|\s+và\s+)(?:trách nhiệm|nhiệm vụ|quyền hạn|chức năng|quyền|nghĩa vụ))*"
    r"\s+(?:cụ thể\s+)?của\s+(?=\S)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Assignment:
    body: str  # the name as written, cleaned: "Ban Dân vận Quận ủy"
    key: str  # body_key of the name: "ban dan van quan uy"
    chunk_id: str
    role: str  # "heading", "subject", "asked", "partner" (phối hợp với …)
    doc_id: str = ""  # the clause's document and where the clause starts in it: filters
    start: int = 0  # and order without reading the clause from the index


def _clean_name(name: str) -> str:
    name = re.sub(r"^(?:đề nghị|lãnh đạo)\s+", "", name.strip(" ,.-"), flags=re.IGNORECASE)
    return name[:1].upper() + name[1:] if name else name


def split_bodies(subject: str) -> list[str]:
    """ "Đảng đoàn Quốc hội, Ban cán sự đảng Chính phủ" → two names. A part that does not
    open a name continues the one before: "UBND các quận, huyện, thị xã" stays whole."""
    names: list[str] = []
    for part in (p.strip() for p in _SPLIT_RE.split(subject) if p and p.strip()):
        if re.match(_HEAD, part, re.IGNORECASE):
            names.append(part)
        elif names:
            names[-1] = f"{names[-1]}, {part}"
    return [_clean_name(n) for n in names]


def assignments(chunk: Chunk) -> list[Assignment]:
    out: list[Assignment] = []
    seen: set[str] = set()

    def add(name: str, role: str) -> None:
        key = body_key(name)
        if key and key not in seen and len(key.split()) >= 2:
            seen.add(key)
            out.append(Assignment(name, key, chunk.id, role, chunk.doc_id, chunk.start))

    for crumb in chunk.breadcrumb:
        heading = _DUTY_TITLE_RE.sub("", UNIT_NUMBER_RE.sub("", crumb))
        # Only a heading-only line names its body; "2. Hội đồng nhân dân quận chủ động …." is body text.
        # "b. Bộ Công Thương:" heads the duties listed under it; "… yêu cầu:" does not.
        named = heading.removesuffix(":").strip()
        if (
            len(named) <= 160
            and not re.search(r"[.;:!?…]$", named)
            and re.match(_HEAD, named, re.IGNORECASE)
            and (named == heading or not re.search(_END, named, re.IGNORECASE))
        ):
            for name in split_bodies(named):
                add(name, "heading")
    text = " ".join(chunk.clean_text.split("\n"))
    body_text = re.sub(r"^(?:[-–+•]\s*|\d{1,2}(?:\.\d{1,2})*\.\s+|[a-zđ][.)]\s+)", "", text)
    for pattern, role in ((_SUBJECT_RE, "subject"), (_ASKED_RE, "asked")):
        for m in pattern.finditer(body_text):
            ends_as = m["end"].lower()
            if ends_as in ("đã", "đang", "sẽ") or (
                role == "subject" and ends_as in ("đề nghị", "yêu cầu")
            ):
                continue
            for name in split_bodies(m["subject"]):
                add(name, role)
    for m in _PARTNER_RE.finditer(body_text):
        for name in split_bodies(m["subject"]):
            if re.match(_HEAD, name, re.IGNORECASE):
                add(name, "partner")
    return out


class ResponsibilityIndex:
    """Body → assignments, looked up by a question's body key with name variants:
    "ban dan van" finds every Ban Dân vận; "ubnd quan kien an" finds "UBND quận"."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self.by_key: dict[str, list[Assignment]] = defaultdict(list)
        self.by_chunk: dict[str, list[Assignment]] = {}
        for chunk in chunks:
            if chunk.metadata.get("doc_type") == "Tin bài":
                continue  # a news report tells what was done; it assigns nobody anything
            found = assignments(chunk)
            for a in found:
                self.by_key[a.key].append(a)
            if found:
                self.by_chunk[chunk.id] = found

    def lookup(self, question_body: str) -> list[Assignment]:
        """Assignments whose body name contains the asked name, or is contained in it."""
        asked = f" {question_body} "
        found: list[Assignment] = []
        for key, items in self.by_key.items():
            padded = f" {key} "
            if asked in padded or (padded in asked and len(key.split()) >= 2):
                found.extend(items)
        return found

    def names(self) -> list[str]:
        return sorted({a.body for items in self.by_key.values() for a in items}, key=folded_key)

    def assigned_in(self, chunk_ids: Iterable[str], head: str = "") -> list[Assignment]:
        """Every body given work in the given clauses, once each, in the clauses' order;
        only names whose key starts with ``head`` ("so" for "những sở nào") when given."""
        order = {cid: n for n, cid in enumerate(chunk_ids)}
        first: dict[str, Assignment] = {}
        for chunk_id in order:
            for a in self.by_chunk.get(chunk_id, ()):
                if a.role == "partner" or (head and not a.key.startswith(f"{head} ")):
                    continue  # a body another works with is not one the clause charges
                known = first.get(a.key)
                if known is None or order[a.chunk_id] < order[known.chunk_id]:
                    first[a.key] = a
        # The same clause's heading "Sở Tài chính" and a subject that ran on past it ("Sở Tài
        # chính Trên cơ sở đề xuất …") are one body: keep the shorter name.
        keys = [
            k
            for k in first
            if not any(
                o != k and k.startswith(f"{o} ") and first[o].chunk_id == first[k].chunk_id
                for o in first
            )
        ]
        return sorted((first[k] for k in keys), key=lambda a: order[a.chunk_id])


def user_words(question: str, key: str) -> str | None:
    """The question's own words whose folded key is ``key`` ("Sở Y tế nộp 1 tỷ đồng")."""
    words = question.split()
    size = len(key.split())
    for i in range(len(words)):
        phrase = " ".join(words[i : i + size]).strip(" ,.;:?!")
        # Punctuation inside the name is not part of its key ("báo chí, truyền thông").
        if " ".join(re.findall(r"\w+", folded_key(phrase))) == key:
            return phrase
    return None


def display_body(
    found: Sequence[Assignment],
    keys: Sequence[str],
    question: str,
    documents: Sequence[Document] = (),
) -> str:
    """The body's name as the documents write it; the user's words only when they have
    their diacritics ("so tai chinh" is shown "Sở Tài chính")."""
    for a in found:
        if a.key in keys:
            return a.body
    if found and len({a.key for a in found}) == 1:
        return found[0].body  # one body, under its full name ("Bộ Nông nghiệp và Môi trường")
    phrase = user_words(question, keys[0])
    if phrase and folded_key(phrase) != phrase.lower():
        return phrase
    if found:
        return found[0].body
    return as_written(keys[0], documents) or keys[0]


def as_written(name_key: str, documents: Sequence[Document]) -> str | None:
    """Where the documents write a folded name ("so xay dung"), their own spelling."""
    pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, name_key.split())) + r"\b")
    for d in documents:
        m = pattern.search(fold(d.text))  # fold keeps one character per character of NFC text
        if m:
            return " ".join(d.text[m.start() : m.end()].split())
    return None
