"""Question analysis: the parts a question asks, what each asks for, and its constraints.

One pass turns a question into a typed ``Analysis`` that the rest of the pipeline reads:

- what is asked, from a table of cues (data, walked in order of precedence): a duty, a
  figure, a date or deadline, a person, a document's own facts (signer, issuer, date,
  what it implements, số hiệu, copy stamp), a list of documents, or plain content;
- the constraints the evidence must meet: the documents named (by number or by the place
  whose body issued them), the places and bodies named, a period;
- the parts: "… ban hành ngày nào và thực hiện kế hoạch nào" asks two things, each with
  its own cue; "So sánh … ở Kiến An và trong Kết luận 44" asks one thing of two documents.

Places the corpus does not cover ("Đà Nẵng") and documents it only cites are kept as
constraints too: the abstention model reads them, no branch here decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from assistant.documents.textnorm import folded_key, nfc
from assistant.search.lexical import concepts
from assistant.search.retrieval import NUMBERED, analyse_query, named_as
from assistant.types import Document, issuer_locality

Asked = Literal[
    "assignees",
    "copy_stamp",
    "signer",
    "issuer",
    "date",
    "effective",
    "replaces",
    "implements",
    "number",
    "title",
    "earliest",
    "latest",
    "document_list",
    "figure",
    "deadline",
    "when",
    "person",
    "duty",
    "content",
]
# Asked about a document itself: answered from its header, signature or opening.
METADATA: frozenset[str] = frozenset(
    "copy_stamp signer issuer date effective replaces implements number title earliest latest".split()
)


# "giao nhiệm vụ cho những sở nào": which bodies a document gives work to.
ASSIGNEES = re.compile(
    r"\b(?:cho|giao)\s+(?:nhung|cac)\s+(?P<head>so|co quan|to chuc|don vi|ban|nganh)\s+nao\b"
    r"|\b(?:nhung|cac)\s+(?P<head2>so|co quan|to chuc|don vi)\s+nao\s+(?:duoc giao|phai)\b"
)


def assignee_head(text: str) -> str:
    """The kind of body an "assignees" question lists: "so", or "" for any body."""
    m = ASSIGNEES.search(folded_key(text))
    head = (m.group("head") or m.group("head2")) if m else ""
    return head if head in ("so", "ban", "nganh") else ""


@dataclass(frozen=True)
class Cue:
    """Wording that asks for ``asked``; matched on the folded question (no diacritics)."""

    asked: Asked
    pattern: re.Pattern[str]


def _cue(asked: Asked, pattern: str) -> Cue:
    return Cue(asked, re.compile(pattern))


# In order of precedence: when one part holds several cues, the first row wins ("bản sao
# lục do ai ký" asks for the copy stamp, not the document's signer).
CUES: tuple[Cue, ...] = (
    _cue("assignees", ASSIGNEES.pattern),
    _cue("copy_stamp", r"\bsao luc\b"),
    _cue("signer", r"\b(?:ai ky|nguoi ky|ky boi|do ai ky|chu ky|ai la nguoi ky)\b"),
    # The body that issued the document: "do cơ quan nào ban hành", "của cơ quan nào?"; not
    # "Cơ quan nào chủ trì …" (a duty) or "Những cơ quan nào là cơ quan đăng ký …" (a list).
    _cue("issuer", r"\b(?:(?:co quan|don vi|cap) nao(?:\s+\w+){0,3}?\s+ban hanh|ai ban hanh|ban hanh boi|(?:cua|thuoc) co quan nao\s*(?:[?,.;]|$|va\b))"),
    _cue("effective", r"\bco hieu luc\b|\bhieu luc (?:thi hanh|tu|ke tu)\b"),
    _cue("deadline", r"\b(?:truoc ngay|han chot|thoi han)\b"),
    _cue("date", r"\b(?:ngay ban hanh|(?:ban hanh|ky|ra doi)\s+(?:vao\s+)?(?:ngay nao|khi nao|nam nao|bao gio|ngay)|(?:ngay nao|khi nao)\s+(?:duoc\s+)?(?:ban hanh|ky))\b"),
    _cue("replaces", r"\b(?:thay the|bai bo|sua doi(?:,? bo sung)?)\s+(?:\w+\s+){0,3}?(?:nao|gi)\b"),
    _cue("implements", r"\b(?:(?:thuc hien|trien khai|can cu(?:\s+vao)?|cu the hoa)\s+(?:van ban|ket luan|ke hoach|chi thi|cong van)(?:\s+cap tren)?\s+nao|van ban nao\s+(?:duoc\s+)?(?:thuc hien|trien khai))\b"),
    # "Văn bản nào ban hành sớm nhất / mới nhất": documents compared by their date.
    _cue("earliest", r"\b(?:van ban|ke hoach|ket luan|cong van|chi thi|nghi dinh|thong tu|luat|quyet dinh|nghi quyet) nao\b(?:\s+\w+){0,4}?\s+(?:som nhat|cu nhat|dau tien|truoc nhat)\b"),
    _cue("latest", r"\b(?:van ban|ke hoach|ket luan|cong van|chi thi|nghi dinh|thong tu|luat|quyet dinh|nghi quyet) nao\b(?:\s+\w+){0,4}?\s+(?:muon nhat|moi nhat|gan day nhat|sau cung|sau nhat)\b"),
    _cue("number", r"\bso hieu\b"),
    # The trích yếu under the document's name (NĐ 30/2020/NĐ-CP): what it is about, in its own words.
    _cue("title", r"\b(?:trich yeu|ten (?:goi )?day du|tieu de|ve viec gi)\b"),
    _cue("document_list", r"\b(?:(?:nhung|cac)\s+van ban nao|van ban nao do|liet ke|co bao nhieu van ban|gom nhung van ban)\b"),
    # "… đạt 1 tỷ đồng phải không?": a statement to check against the text, not a figure asked for.
    _cue("content", r"\b(?:phai khong|dung khong|co dung la|co phai la)\b"),
    _cue("figure", r"\b(?:bao nhieu|ty le|chi tieu|muc tieu|so luong|phan tram|may)\b|%"),
    _cue("deadline", r"\b(?:khi nao|bao gio|dinh ky|bao lau|hang nam|hang quy|moi nam)\b"),
    _cue("when", r"\b(?:ngay nao|nam nao|thang nao)\b"),
    _cue("person", r"\bai la\b|\bla ai\b"),
    _cue("duty", r"\b(?:phai lam gi|lam gi|nhiem vu|duoc giao|giao gi|trach nhiem|nhung viec gi|viec gi|can lam|chu tri|thi sao|lam nhung gi)\b"),
)  # fmt: skip

# Words that ask: a part of a question holds one ("ngày nào", "ai", "bao nhiêu", "gì").
_INTERROGATIVE = re.compile(
    r"\b(?:khi nao|bao gio|bao lau|nao|gi|ai|bao nhieu|may|dau|(?:thi|vi|tai|ra) sao)\b"
)
# Where a question joins two of its parts.
_JOINS = re.compile(r"\s*(?:,\s*con\b|;|,?\s+va\s+|,\s+)\s*")
# Asking for several things: "những hạn chế nào", "gồm những nội dung gì", "các … nào".
_MANY = re.compile(
    r"\b(?:nhung|cac)\s+(?:\w+\s+){0,7}?(?:nao|gi)\b|\bgom\b|\bliet ke\b|\bnhung gi\b"
)
_COMPARE = re.compile(r"^\s*so sanh\b|\b(?:khac nhau|giong nhau|khac gi)\b")
# "So sánh …", "… và …": words that only frame the comparison.
_FRAMING = re.compile(r"so sanh ")

# Provinces and cities a cán bộ may name; the corpus covers some of them. Folded.
_PLACE_NAMES = (
        "Hà Nội", "Hải Phòng", "Kiến An", "Từ Sơn", "Bắc Ninh", "Đà Nẵng", "Hồ Chí Minh",
        "Sài Gòn", "Cần Thơ", "Huế", "Thừa Thiên Huế", "Quảng Ninh", "Nghệ An", "Thanh Hóa",
        "Nam Định", "Thái Bình", "Hải Dương", "Hưng Yên", "Vĩnh Phúc", "Bắc Giang", "Lạng Sơn",
        "Lào Cai", "Yên Bái", "Điện Biên", "Sơn La", "Hòa Bình", "Phú Thọ", "Tuyên Quang",
        "Hà Giang", "Cao Bằng", "Bắc Kạn", "Thái Nguyên", "Ninh Bình", "Hà Nam", "Hà Tĩnh",
        "Quảng Bình", "Quảng Trị", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên",
        "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông",
        "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa", "Vũng Tàu",
        "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang",
    "Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau", "Lai Châu",
)  # fmt: skip
_PLACES = tuple(folded_key(p) for p in _PLACE_NAMES)


def place_name(folded: str) -> str:
    """A place as Vietnamese writes it: "da nang" → "Đà Nẵng"."""
    return dict(zip(_PLACES, _PLACE_NAMES, strict=True)).get(folded, folded)


_PERIOD = re.compile(r"\b(?:nam\s+)?((?:19|20)\d\d)(?:\s*-\s*((?:19|20)\d\d))?\b")


@dataclass(frozen=True)
class Constraints:
    """What the evidence for a part must concern. Empty fields constrain nothing."""

    documents: frozenset[str] = frozenset()  # doc_ids named (number or issuing place)
    places: tuple[str, ...] = ()  # places named that documents are from, folded: ("kien an",)
    other_places: tuple[str, ...] = ()  # places named that no document is from: ("da nang",)
    bodies: tuple[str, ...] = ()  # bodies named, as body keys: ("so y te",)
    period: str | None = None  # a year or range named: "2033", "2020-2025"
    unknown_documents: tuple[str, ...] = ()  # numbered documents the corpus does not hold


@dataclass(frozen=True)
class Part:
    """One thing a question asks."""

    text: str  # the words of this part, with the subject it shares with the others
    asked: Asked
    constraints: Constraints
    explicit: bool = True  # False: no cue; the question only names a body ("Sở Y tế thì sao?")
    many: bool = False  # asks for a list: "những … nào", "gồm những gì", "các nội dung"


@dataclass(frozen=True)
class Analysis:
    question: str
    parts: tuple[Part, ...]
    comparison: bool = False

    @property
    def first(self) -> Part:
        return self.parts[0]


# Words that fold to a question word's letters: "xe máy" (a motorbike) is not "mấy" (how
# many). Kept apart where the question is written with its tone marks.
_FOLDS_TO_ASKING = re.compile(r"\bmáy\b", re.IGNORECASE)


def asked_in(text: str) -> tuple[Asked, int] | None:
    """What ``text`` asks for and where its cue starts, by the table's precedence."""
    folded = folded_key(_FOLDS_TO_ASKING.sub("máy_", nfc(text)))
    for cue in CUES:
        m = cue.pattern.search(folded)
        if m:
            return cue.asked, m.start()
    return None


def _places_in(
    question: str, documents: Sequence[Document]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Places named (folded), split into those some document is from and the others.
    Matched with diacritics when the question has them ("Từ Sơn là" is not "Sơn La"),
    longest first, without overlaps."""
    covered = {
        folded_key(p)
        for d in documents
        for p in (d.place, issuer_locality(d.issuer), issuer_locality(d.title))
        if p
    }
    accented = folded_key(question) != " ".join(question.lower().split())
    text = " ".join(question.lower().split()) if accented else folded_key(question)
    spans: list[tuple[int, int, str]] = []
    for place, written in zip(_PLACES, _PLACE_NAMES, strict=True):
        pattern = written.lower() if accented else place
        for m in re.finditer(rf"(?<!\w){re.escape(pattern)}(?!\w)", text):
            spans.append((m.start(), m.end(), place))
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    names = list(dict.fromkeys(place for _, _, place in chosen))
    return (
        tuple(p for p in names if p in covered),
        tuple(p for p in names if p not in covered),
    )


def _named_by_type(folded: str, documents: Sequence[Document]) -> frozenset[str]:
    """Documents named by type and number without diacritics: "ke hoach 17", "cong van 1416"."""
    named = set()
    for d in documents:
        number = re.match(r"\d+", d.doc_number or "")
        if number and re.search(
            rf"\b{re.escape(folded_key(d.doc_type))}\s+(?:so\s+)?{number.group(0)}\b", folded
        ):
            named.add(d.doc_id)
    return frozenset(named)


def unknown_numbers(text: str, documents: Iterable[Document]) -> tuple[str, ...]:
    """The documents ``text`` names by type and number that the corpus does not hold."""
    held = {c for d in documents if d.doc_number for c in named_as(d.doc_type, d.doc_number)}
    return tuple(c for c in concepts(text) if NUMBERED.fullmatch(c) and c not in held)


def constraints_of(text: str, documents: Sequence[Document]) -> Constraints:
    """The documents, places, bodies and period ``text`` names."""
    query = analyse_query(text, tuple(documents))
    folded = folded_key(text)
    unknown = unknown_numbers(text, documents)
    period = _PERIOD.search(folded)
    places, other_places = _places_in(text, documents)
    return Constraints(
        documents=query.documents | _named_by_type(folded, documents),
        places=places,
        other_places=other_places,
        bodies=query.bodies,
        period=("-".join(g for g in period.groups() if g) if period else None),
        unknown_documents=unknown,
    )


# A part's subject ends where its verb starts: "Hải Phòng | đã trợ giúp bao nhiêu …".
# Matched with diacritics ("do" is not "đỏ"); without them, only the unambiguous ones.
_VERB_START = frozenset("đã đang sẽ phải được do đạt đặt cần có là ký làm giao".split())
_FOLDED_VERB_START = frozenset("phai duoc can lam giao".split())


def _subject(piece: str) -> str:
    """The words a question's first part is about, to lend to its later parts: "Kết luận 44
    do cơ quan nào ban hành" → "Kết luận 44"; "Bản sao lục Kết luận 44 có số hiệu gì" →
    "Bản sao lục Kết luận 44". ``piece`` is whitespace-normalised NFC, whose folded key has
    one character per character."""
    asking = _INTERROGATIVE.search(folded_key(piece))
    words = piece[: asking.start() if asking else len(piece)].split()
    out: list[str] = []
    accented = folded_key(piece) != piece.lower()
    for i, word in enumerate(words):
        key = folded_key(word)
        verb = word.lower() in _VERB_START if accented else key in _FOLDED_VERB_START
        if i and (
            verb or (key == "ban" and i + 1 < len(words) and folded_key(words[i + 1]) == "hanh")
        ):
            break
        out.append(word)
    return " ".join(out)


def _split(question: str) -> list[str]:
    """The question's parts: pieces joined by "và", ", còn", ";" that each hold a word that asks."""
    folded = folded_key(question)
    if len(folded) != len(question):
        return [question]
    pieces: list[str] = []
    pos = 0
    joins = list(_JOINS.finditer(folded))
    for n, m in enumerate(joins):
        left = folded[pos : m.start()]
        right = folded[m.end() : joins[n + 1].start() if n + 1 < len(joins) else len(folded)]
        # Each side asks something of its own, and one of them says what with a cue
        # ("… do ai ký, còn bản sao lục …", "… bao nhiêu câu lạc bộ, điểm hiến máu … ở đâu").
        if (
            _INTERROGATIVE.search(left)
            and _INTERROGATIVE.search(right)
            and (asked_in(left) or asked_in(right))
        ):
            pieces.append(question[pos : m.start()])
            pos = m.end()
    pieces.append(question[pos:])
    return [p.strip(" ,;") for p in pieces if p.strip(" ,;")]


def analyse(question: str, documents: Sequence[Document]) -> Analysis:
    """Split ``question`` into parts and type each one."""
    question = " ".join(nfc(question).split())
    whole = constraints_of(question, documents)
    pieces = _split(question)
    parts: list[Part] = []
    for i, piece in enumerate(pieces):
        found = asked_in(piece)
        if i and parts:
            prior = parts[0]
            subject = _subject(pieces[0])
            text = f"{subject} {piece}".strip() if subject else piece
            own = constraints_of(text, documents)
            merged = Constraints(
                documents=own.documents or prior.constraints.documents,
                places=own.places or prior.constraints.places,
                other_places=own.other_places or prior.constraints.other_places,
                bodies=own.bodies or prior.constraints.bodies,
                period=own.period,
                unknown_documents=own.unknown_documents,
            )
            found = asked_in(text)
            later: Asked = found[0] if found else "content"
            if prior.asked in METADATA:
                # "… do cơ quan nào ban hành, vào ngày nào": the document's own date; what
                # a document's header does not hold is not asked of its clauses either;
                # "… bản sao lục của cơ quan nào, số mấy, ngày nào": the stamp says all.
                later = "date" if later == "when" else later
                # A part that asks of the text with no cue of its own ("… và được phổ biến
                # đến đâu?") is a question of its own, answered from the clauses.
                if prior.asked == "copy_stamp" or later not in (*METADATA, "content"):
                    continue
            part = Part(text, later, merged, found is not None)
            if part.asked in METADATA and any(
                (p.asked, p.constraints.documents) == (part.asked, merged.documents) for p in parts
            ):
                continue  # "Bản sao lục … có số hiệu gì và do ai ký": one copy stamp answers both
            parts.append(part)
            continue
        asked: Asked = found[0] if found else "content"
        explicit = found is not None
        if found is None and whole.bodies:
            asked, explicit = "duty", False
        own = whole
        if len(pieces) > 1:
            # The first of several parts: its own places and bodies, the question's documents.
            own = replace(constraints_of(piece, documents), documents=whole.documents)
        parts.append(Part(piece, asked, own, explicit))
    if not parts:
        parts.append(Part(question, "content", whole, False))
    comparison = bool(_COMPARE.search(folded_key(question)))
    first = parts[0]
    if (
        len(parts) == 1
        and len(whole.documents) >= 2
        and (
            first.asked in ("figure", "deadline", "when", "content", "person")
            or (first.asked == "duty" and not whole.bodies)
        )
        and (comparison or re.search(r"\bva\b", folded_key(question)))
    ):
        # "So sánh … ở Kiến An và trong Kết luận 44": the same question of each document.
        comparison = True
        text = (
            first.text[len("so sanh ") :] if _FRAMING.match(folded_key(first.text)) else first.text
        )
        each: Asked = "content" if first.asked == "duty" else first.asked
        parts = [
            replace(
                first,
                text=text,
                asked=each,
                constraints=replace(whole, documents=frozenset({doc})),
            )
            for doc in sorted(whole.documents, key=lambda d: named_position(question, d, documents))
        ]
    parts = [replace(p, many=bool(_MANY.search(folded_key(p.text)))) for p in parts]
    return Analysis(question, tuple(parts), comparison)


def named_position(question: str, doc_id: str, documents: Sequence[Document]) -> int:
    """Where the question names a document, to keep its order in the answer."""
    folded = folded_key(question)
    for d in documents:
        if d.doc_id != doc_id:
            continue
        names = [folded_key(n) for n in (issuer_locality(d.issuer), d.doc_number) if n]
        if d.doc_number:
            names.append(folded_key(d.doc_number.split("/")[0].split("-")[0]))
        positions = [folded.find(n) for n in names if n and folded.find(n) >= 0]
        return min(positions) if positions else len(folded)
    return len(folded)
