"""Document metadata from the header, preamble and tail of a directive.

General rules from the layout that Nghị định 30/2020/NĐ-CP and Hướng dẫn 36-HD/VPTW
prescribe; nothing here knows a particular file. Metadata may be cleaned (all-caps
names re-cased, "17 -KH/TU" → "17-KH/TU"); quotes never are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from assistant.documents.blocks import paragraphs
from assistant.documents.header import (
    doc_type_of_number,
    find_number,
    find_place_date,
    header_organs,
)
from assistant.documents.layout import (
    DATELINE_RE,
    DOC_TYPES,
    PORTAL_RE,
    SO_HIEU_RE,
    Layout,
)
from assistant.documents.signature import parse_copy_stamp, parse_signer
from assistant.documents.textnorm import key
from assistant.documents.webmeta import web_metadata
from assistant.types import DocumentRef

__all__ = [
    "SO_HIEU_RE",
    "doc_type_of_number",
    "find_implemented",
    "find_issuer",
    "find_number",
    "find_place_date",
    "find_references",
    "header_organs",
    "news_source",
    "normalise_so_hieu",
    "parse_copy_stamp",
    "parse_signer",
    "preamble_text",
    "web_metadata",
]

_ORG_HEAD = (
    r"(?:Ban|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Thành ủy|Thành uỷ|Tỉnh ủy|Tỉnh uỷ|Quận ủy|Quận uỷ|"
    r"Huyện ủy|Huyện uỷ|Thị ủy|Đảng ủy|Đảng uỷ|Bộ|Sở|Chính phủ|Thủ tướng|Văn phòng|Thường trực)"
)
_ISSUING_VERB_RE = re.compile(
    r"\s(?:ban hành|kết luận|yêu cầu|chỉ thị|quyết định|thông báo|hướng dẫn|đề nghị)(?=[\s:,.])"
)
# An organ name that ends with its type and lacks the locality: "Ban Thường vụ Quận ủy".
_BARE_ORGAN_TAIL_RE = re.compile(
    r"(Quận ủy|Quận uỷ|Huyện ủy|Huyện uỷ|Thành ủy|Thành uỷ|Tỉnh ủy|Tỉnh uỷ|Thị ủy|Đảng ủy|UBND|Ủy ban nhân dân|HĐND)$"
)
_REF_TYPE_RE = re.compile(
    r"(Kế hoạch|Kết luận|Chỉ thị|Công văn|Nghị quyết|Quyết định|Thông tư|Nghị định|Thông báo|"
    r"Hướng dẫn|Tờ trình|Chương trình|Báo cáo|Quy định)\s+(?:số\s+)?$",
    re.IGNORECASE,
)
_REF_DATE_RE = re.compile(r"^\s*,?\s*ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})")
_REF_ISSUER_RE = re.compile(
    r"^\s*,?\s*của\s+(?P<org>.+?)(?=\s+(?:về|tiếp tục|trong|nhằm|để|quy định|đã|tại)\b|[,.;:()“\"]|$)"
)
_REF_IMPLEMENTS_RE = re.compile(
    r"^\s*,?\s*về\s+(?:việc\s+)?(?:tiếp tục\s+)?(?:triển khai\s+)?thực hiện\s+(?:\S+\s+){0,2}?(?:số\s+)?$"
)


def normalise_so_hieu(m: re.Match[str]) -> str:
    """ "17 -KH/TU" → "17-KH/TU"; "07/2014/TT-BGDĐT" stays as written."""
    year = f"/{m['year']}" if m["year"] else ""
    return f"{m['num']}{year}{m['sep1']}{m['code']}{m['sep2']}{m['org']}"


def _parse_date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def preamble_text(layout: Layout) -> str:
    """The body's opening paragraphs, before the first numbered heading."""
    out = []
    for para in paragraphs(layout.body):
        if re.match(r"^(?:[IVXL]+|\d{1,2})[.)]\s", para.clean):
            break
        out.append(para.clean)
    return "\n".join(out)


def find_issuer(preamble: str, organs: Sequence[str]) -> str | None:
    """ "…, UBND thành phố Hà Nội ban hành Kế hoạch …" → "UBND thành phố Hà Nội".

    An organ followed by "ban hành Kết luận số 44-KL/TW" issued another document, not this one.
    A name cut short ("Ban Thường vụ Quận ủy") is completed from the header ("QUẬN ỦY KIẾN AN").
    """
    for m in _ISSUING_VERB_RE.finditer(preamble):
        after = preamble[m.end() : m.end() + 40]
        if re.match(r"^\s*(?:\S+\s+){0,2}số\s+\d", after):
            continue
        before = re.split(r"[,;.:()\n]", preamble[: m.start()])[-1]
        head = re.search(rf"\b{_ORG_HEAD}\b", before)
        if not head:
            continue
        org = " ".join(before[head.start() :].split())
        org = re.sub(r"(?:\s+(?:đã|sẽ|vừa|đang|cũng))+$", "", org)  # "… Bộ Quốc phòng đã ban hành"
        tail = _BARE_ORGAN_TAIL_RE.search(org)
        if tail:
            for organ in reversed(organs):
                if key(organ).startswith(key(tail.group(1))) and key(organ) != key(tail.group(1)):
                    org = org[: tail.start()] + organ
                    break
        return org
    return None


def find_references(text: str, own_number: str | None) -> list[DocumentRef]:
    """Every số hiệu named in ``text`` with its type, date, issuer and what it implements."""
    found: dict[str, DocumentRef] = {}
    for m in SO_HIEU_RE.finditer(text):
        number = normalise_so_hieu(m)
        if number == own_number:
            continue
        before = text[max(0, m.start() - 30) : m.start()]
        after = text[m.end() : m.end() + 300]
        type_m = _REF_TYPE_RE.search(before)
        doc_type = type_m.group(1).capitalize() if type_m else DOC_TYPES.get(m["code"])
        date = None
        date_m = _REF_DATE_RE.match(after)
        if date_m:
            date = _parse_date(*date_m.groups())
            after = after[date_m.end() :]
        issuer = None
        issuer_m = _REF_ISSUER_RE.match(after)
        if issuer_m:
            issuer = " ".join(issuer_m["org"].split())
            after = after[issuer_m.end() :]
        implements: tuple[str, ...] = ()
        impl_m = _REF_IMPLEMENTS_RE.match(after[:60] + " ")
        if impl_m is None:
            impl_m = re.match(
                r"^\s*,?\s*về\s+(?:việc\s+)?(?:tiếp tục\s+)?(?:triển khai\s+)?thực hiện\s+", after
            )
        if impl_m:
            target = SO_HIEU_RE.search(after, impl_m.end(), impl_m.end() + 40)
            if target:
                implements = (normalise_so_hieu(target),)
        ref = DocumentRef(number, doc_type, date, issuer, implements)
        if any(_same_but_typo(number, known) for known in found):
            continue  # "44-KL/TTW" beside "44-KL/TW" is a typing slip, not another document
        old = found.get(number)
        if old is None:
            found[number] = ref
        else:
            found[number] = DocumentRef(
                number,
                old.doc_type or ref.doc_type,
                old.date or ref.date,
                old.issuer or ref.issuer,
                old.implements or ref.implements,
            )
    return list(found.values())


def _same_but_typo(a: str, b: str) -> bool:
    """Same number and type code, issuing-body code off by one character."""
    ma, mb = SO_HIEU_RE.fullmatch(a), SO_HIEU_RE.fullmatch(b)
    if not ma or not mb or a == b or (ma["num"], ma["code"]) != (mb["num"], mb["code"]):
        return False
    x, y = sorted((ma["org"], mb["org"]), key=len)
    return len(y) - len(x) <= 1 and any(y[:i] + y[i + 1 :] == x for i in range(len(y)))


def find_implemented(
    title: str | None, preamble: str, refs: Sequence[DocumentRef], own_number: str | None
) -> tuple[str, ...]:
    """What this document implements, nearest parent first.

    The subject of the trích yếu ("Thực hiện Kết luận số 44-KL/TW…", "V/v thực hiện …"),
    a preamble sentence that opens with "Thực hiện X", and any document the preamble cites
    as itself implementing one of those (a city's công văn on the same conclusion).
    """
    direct: list[str] = []
    for sentence in re.split(r"(?<=[.;])\s+|\n", preamble):
        if re.match(r"^\s*(?:Thực hiện|Triển khai thực hiện|Căn cứ)\b", sentence):
            m = SO_HIEU_RE.search(sentence)
            if m:
                direct.append(normalise_so_hieu(m))
    subject: list[str] = []
    if title:
        m = SO_HIEU_RE.search(title)
        if m:
            subject.append(normalise_so_hieu(m))
    chosen = [n for n in direct + subject if n != own_number]
    by_number = {r.number: r for r in refs}
    intermediates = [
        r.number
        for r in refs
        if r.number not in chosen and r.number in preamble and set(r.implements) & set(chosen)
    ]
    ordered = intermediates + chosen
    out: list[str] = []
    for number in ordered:
        if number not in out and (number in by_number or number in (title or "")):
            out.append(number)
    return tuple(out)


def news_source(layout: Layout) -> str | None:
    """A news page's publisher: the portal named in its footer, else the dateline's site."""
    for line in layout.tail:
        if PORTAL_RE.match(line.clean):
            return line.clean
    first = next((ln.clean for ln in layout.body if ln.clean), "")
    m = DATELINE_RE.match(first)
    return m["site"] if m else None
