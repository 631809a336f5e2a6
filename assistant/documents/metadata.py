"""Document metadata from the header, preamble and tail of a directive.

General rules from the layout that Nghị định 30/2020/NĐ-CP and Hướng dẫn 36-HD/VPTW
prescribe; nothing here knows a particular file. Metadata may be cleaned (all-caps
names re-cased, "17 -KH/TU" → "17-KH/TU"); quotes never are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from assistant.documents.blocks import paragraphs
from assistant.documents.layout import (
    COPY_KIND_RE,
    DATELINE_RE,
    DOC_TYPES,
    PLACE_DATE_RE,
    PORTAL_RE,
    SIGN_AUTHORITY_RE,
    SO_HIEU_RE,
    WEB_META_RE,
    Layout,
    Line,
    is_motto,
    is_upper_line,
    type_name_of,
)
from assistant.documents.textnorm import key, strip_markup, title_case_vn
from assistant.types import CopyStamp, DocumentRef, Signer

_MOTTO_WORDS = frozenset(
    key("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ĐỘC LẬP TỰ DO HẠNH PHÚC ĐẢNG CỘNG SẢN").split()
)
_TITLE_WORD_RE = re.compile(
    r"^(?:PHÓ|CHỦ TỊCH|BÍ THƯ|CHÁNH|CHÀNH|GIÁM ĐỐC|TRƯỞNG|TỔNG|THỦ TƯỚNG|BỘ TRƯỞNG|ỦY VIÊN|UỶ VIÊN)\b"
)
_ADMIN_UNIT_RE = re.compile(
    r"^(?:TỈNH|THÀNH PHỐ|TP\.?|QUẬN|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\s+(?!ỦY|UỶ)"
)
_SIGNED_RE = re.compile(r"^\(?\s*(?:đã ký|ký bởi|chữ ký)", re.IGNORECASE)
_NAME_RE = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,5}$")
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


def doc_type_of_number(number: str) -> str | None:
    m = SO_HIEU_RE.fullmatch(number)
    return DOC_TYPES.get(m["code"]) if m else None


def _cells(line: Line) -> list[str]:
    """A header line split into its columns (tabs, table pipes and bold markers separate them)."""
    return [c for c in (strip_markup(c) for c in re.split(r"\t|\||\*{2,}", line.raw)) if c]


def _parse_date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_number(lines: Iterable[Line]) -> str | None:
    for line in lines:
        for cell in _cells(line):
            # "Số: 164/KH-UBND", or "… CƠ QUAN TW Số 44-KL/TW" where OCR merged two columns.
            for m in re.finditer(r"(?:^|\s)Số(?:\s*hiệu)?\s*:?\s*", cell):
                found = SO_HIEU_RE.match(cell, m.end())
                if found:
                    return normalise_so_hieu(found)
    return None


def find_place_date(lines: Iterable[Line]) -> tuple[str | None, dt.date | None]:
    for line in lines:
        for cell in _cells(line):
            m = PLACE_DATE_RE.search(cell)
            if m:
                return " ".join(m["place"].split()), _parse_date(m["d"], m["m"], m["y"])
    return None, None


def header_organs(lines: Iterable[Line], reference: str) -> list[str]:
    """Issuing-body lines of the header ("QUẬN ỦY KIẾN AN"), re-cased, top to bottom."""
    out: list[str] = []
    for line in lines:
        for cell in _cells(line):
            if (
                not is_upper_line(cell)
                or re.search(r"\d", cell)
                or len(cell) > 60
                or type_name_of(cell)
            ):
                continue
            if is_motto(cell):
                continue
            if out and _ADMIN_UNIT_RE.match(cell):
                # "ỦY BAN NHÂN DÂN" / "TỈNH BẮC NINH": one name written on two lines.
                out[-1] = title_case_vn(f"{out[-1]} {cell}", reference)
            else:
                out.append(title_case_vn(cell, reference))
    return out


def web_metadata(lines: Iterable[Line]) -> dict[str, str]:
    """The "Số hiệu: | … |" table that law-library web pages append after a document."""
    out: dict[str, str] = {}
    for line in lines:
        m = WEB_META_RE.match(line.raw.strip())
        if m and m["value"]:
            out.setdefault(m["field"], m["value"])
    return out


def parse_signer(lines: Sequence[Line], reference: str) -> tuple[Signer | None, int]:
    """The first signature block in ``lines`` and the index just after it (0 if none)."""
    start = next((i for i, ln in enumerate(lines) if SIGN_AUTHORITY_RE.match(ln.clean)), None)
    if start is None:
        return None, 0
    m = SIGN_AUTHORITY_RE.match(lines[start].clean)
    assert m is not None
    collective = [m["rest"]]
    delegation: str | None = None
    titles: list[str] = []
    name: str | None = None
    i = start + 1
    while i < len(lines) and i <= start + 8:
        clean = lines[i].clean
        i += 1
        if not clean or _SIGNED_RE.match(clean):
            continue
        nested = SIGN_AUTHORITY_RE.match(clean)
        if nested and not titles:
            # "TM. ỦY BAN NHÂN DÂN" then "KT. CHỦ TỊCH": signed for the chair, on the body's behalf.
            delegation = f"{nested['auth']} {title_case_vn(nested['rest'], reference)}"
        elif is_upper_line(clean) and _TITLE_WORD_RE.match(clean):
            titles.append(clean)
        elif is_upper_line(clean) and not titles and len(clean) <= 30 and not name:
            collective.append(clean)  # "TM. ỦY BAN NHÂN" wrapped onto "DÂN"
        elif _NAME_RE.match(clean):
            name = clean
            break
        else:
            i -= 1
            break
    signer = Signer(
        name=name,
        authority=m["auth"],
        on_behalf_of=title_case_vn(" ".join(collective), reference),
        title=title_case_vn(" ".join(titles), reference) if titles else None,
        delegation=delegation,
    )
    return signer, i


def parse_copy_stamp(lines: Sequence[Line], reference: str) -> CopyStamp | None:
    """A "SAO LỤC" block: its own number, date, copying body and signer."""
    kind_at = next((i for i, ln in enumerate(lines) if COPY_KIND_RE.match(ln.clean)), None)
    if kind_at is None:
        return None
    kind_line = lines[kind_at].clean
    place, date = find_place_date(lines)
    issuer = next(
        (
            organ
            for organ in header_organs(lines, reference)
            if not COPY_KIND_RE.match(organ.upper()) and not SIGN_AUTHORITY_RE.match(organ)
        ),
        None,
    )
    signer, _ = parse_signer(lines, reference)
    body = [ln for ln in lines if ln.clean]
    return CopyStamp(
        kind=kind_line[:1] + kind_line[1:].lower(),
        number=find_number(lines),
        date=date,
        place=place,
        issuer=issuer,
        signer=signer,
        start=body[0].start,
        end=body[-1].end,
    )


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
