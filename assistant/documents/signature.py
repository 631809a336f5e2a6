"""The tail of a document: signature block, copy stamps, effective date.

NĐ 30/2020/NĐ-CP Phụ lục I and HD 36-HD/VPTW fix the signature block: the authority
("TM."/"T/M" on behalf of a collective body, "KT."/"K/T" for its head, "TL."/"T/L",
"TUQ.", "Q."), the body or title it names, the signer's own title, then the name; a
signer who signs in his own right writes only his title ("CHỦ TỊCH QUỐC HỘI") and
name. Web copies add "(Đã ký)". A copy ("SAO LỤC", "SAO Y", "TRÍCH SAO") carries its own
header and signature after the original's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from assistant.documents.header import find_number, find_place_date, header_organs
from assistant.documents.layout import COPY_KIND_RE, SIGN_AUTHORITY_RE, Line, is_upper_line
from assistant.documents.regions import PERSON_RE, SIGN_TITLE_RE
from assistant.documents.textnorm import title_case_vn
from assistant.types import CopyStamp, Signer

_TITLE_WORD_RE = re.compile(
    r"^(?:PHÓ|CHỦ TỊCH|BÍ THƯ|CHÁNH|CHÀNH|GIÁM ĐỐC|TRƯỞNG|TỔNG|THỦ TƯỚNG|BỘ TRƯỞNG|ỦY VIÊN|UỶ VIÊN"
    r"|CỤC TRƯỞNG|VỤ TRƯỞNG|VIỆN TRƯỞNG|THỐNG ĐỐC|CHỦ NHIỆM|KIỂM TOÁN|THỨ TRƯỞNG)\b"
)
_SIGNED_RE = re.compile(r"^\(?\s*(?:đã ký|ký bởi|chữ ký|ký, ghi rõ)", re.IGNORECASE)
_NAME_RE = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,5}$")
# A rank or degree written before the signer's name: "Thượng tướng Võ Minh Lương".
_RANK_RE = re.compile(
    r"^(?:Đại tướng|Thượng tướng|Trung tướng|Thiếu tướng|Đại tá|Thượng tá|Trung tá|Thiếu tá"
    r"|Chuẩn Đô đốc|Phó Đô đốc|Đô đốc|(?:P?GS\.\s*)?TS\.|ThS\.|BS\.|Bác sĩ|Tiến sĩ|Thạc sĩ"
    r"|Giáo sư|Phó Giáo sư)\s+"
)
_WORDS_RE = re.compile(r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){0,3}")
_NAME_SIGNED_RE = re.compile(r"^(?P<name>.+?)\s*\(\s*[Đđ]ã ký\s*\)$")
# "… này có hiệu lực (thi hành) (kể) từ ngày 01 tháng 01 năm 2019" / "… từ ngày 01/7/2025" /
# "… kể từ ngày ký": the document's own (the subject is "… này", maybe "… này thay thế …
# và có hiệu lực …"). Matched with the spaces
# removed, so that a PDF's split syllables ("hiệ u lự c thi hành t ừ") still read.
_EFFECTIVE_RE = re.compile(
    r"này(?:[^.;]{0,300}?và)?(?:đã)?cóhiệulực(?:thihành)?(?:kể)?từ(?:ngày)?"
    r"(?:(?P<d>\d{1,2})(?:tháng|/)(?P<m>\d{1,2})(?:năm|/)(?P<y>\d{4})"
    r"|(?P<signed>ký|đượcthôngqua))",
    re.IGNORECASE,
)
# "Luật này được Quốc hội … thông qua ngày 12 tháng 6 năm 2018": the date of a law.
ADOPTED_RE = re.compile(
    r"\bnày\s+(?:đã\s+)?được\s+[^.]{0,160}?thông\s+qua\s+ngày\s+(?P<d>\d{1,2})\s+tháng\s+"
    r"(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE,
)


def _name_of(clean: str) -> str | None:
    m = _NAME_SIGNED_RE.match(clean)
    name = _RANK_RE.sub("", m["name"] if m else clean)
    return name if _NAME_RE.match(name) else None


def _name_at(lines: Sequence[Line], j: int) -> tuple[str | None, int]:
    """The signer's name starting at line ``j`` and the index after it; a page may wrap a
    name over two lines ("**Dương" / "Đức Tuấn**", "Nguyễn Quỳnh" / "Thiện")."""
    clean = lines[j].clean
    nxt = lines[j + 1].clean if j + 1 < len(lines) else ""
    joined = _name_of(f"{clean} {nxt}") if nxt and _WORDS_RE.fullmatch(nxt) else None
    if joined and (not _name_of(clean) or len(nxt.split()) <= 2):
        return joined, j + 2
    name = _name_of(clean)
    return (name, j + 1) if name else (None, j)


def parse_signer(lines: Sequence[Line], reference: str) -> tuple[Signer | None, int]:
    """The first signature block in ``lines`` and the index just after it (0 if none)."""
    start = next((i for i, ln in enumerate(lines) if SIGN_AUTHORITY_RE.match(ln.clean)), None)
    bare, after_bare = _bare_signer(lines[:start] if start is not None else lines, reference)
    if start is None or bare is not None:
        # a signer in his own right ("GIÁM ĐỐC") before any "TM."/"KT." block, which
        # would then belong to a form in an appendix
        return bare, after_bare
    m = SIGN_AUTHORITY_RE.match(lines[start].clean)
    assert m is not None
    collective = [m["rest"]]
    delegated: list[str] = []  # "KT. CHỦ TỊCH" under "TM. ỦY BAN NHÂN DÂN"
    titles: list[str] = []
    name: str | None = None
    slot = collective  # where a wrapped line ("… CHÍNH SÁCH," / "THUẾ QUỐC TẾ") belongs
    i = start + 1
    while i < len(lines) and i <= start + 8:
        clean = lines[i].clean
        i += 1
        if not clean or lines[i - 1].blank or _SIGNED_RE.match(clean):
            continue
        nested = SIGN_AUTHORITY_RE.match(clean)
        if slot and slot[-1].rstrip().endswith(",") and is_upper_line(clean) and not nested:
            slot.append(clean)
        elif nested and not titles and not delegated:
            # "TM. ỦY BAN NHÂN DÂN" then "KT. CHỦ TỊCH": signed for the chair, on the body's behalf.
            delegated.extend([nested["auth"], nested["rest"]])
            slot = delegated
        elif is_upper_line(clean) and _TITLE_WORD_RE.match(clean):
            titles.append(clean)
            slot = titles
        elif is_upper_line(clean) and not titles and len(clean) <= 30 and not name:
            slot.append(clean)  # "TM. ỦY BAN NHÂN" wrapped onto "DÂN"
        elif _name_at(lines, i - 1)[0]:
            name, i = _name_at(lines, i - 1)
            break
        else:
            i -= 1
            break
    delegation = None
    if delegated:
        delegation = f"{delegated[0]} {title_case_vn(' '.join(delegated[1:]), reference)}"
    signer = Signer(
        name=name,
        authority=m["auth"],
        on_behalf_of=title_case_vn(" ".join(collective), reference),
        title=title_case_vn(" ".join(titles), reference) if titles else None,
        delegation=delegation,
    )
    return signer, i


def _bare_signer(lines: Sequence[Line], reference: str) -> tuple[Signer | None, int]:
    """ "CHỦ TỊCH QUỐC HỘI" then "Nguyễn Thị Kim Ngân": a signer in his own right."""
    for i, line in enumerate(lines):
        if not (SIGN_TITLE_RE.match(line.clean) and is_upper_line(line.clean)):
            continue
        for j in range(i + 1, min(len(lines), i + 9)):
            clean = lines[j].clean
            if lines[j].blank or _SIGNED_RE.match(clean):
                continue
            name, after = _name_at(lines, j)
            if name or PERSON_RE.match(clean):
                title = title_case_vn(line.clean, reference)
                return Signer(name=name or clean, title=title), max(after, j + 1)
            break
    return None, 0


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
    if issuer is None:
        issuer = next(
            (
                title_case_vn(ln.clean, reference)
                for ln in lines
                if is_upper_line(ln.clean)
                and not COPY_KIND_RE.match(ln.clean)
                and not SIGN_AUTHORITY_RE.match(ln.clean)
                and not re.search(r"\d", ln.clean)
                and len(ln.clean) <= 60
                and not re.fullmatch(r"[*\\ ]+", ln.clean)
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


def _date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def effective_date(text: str, issued: dt.date | None) -> dt.date | None:
    """When the document itself says it takes effect ("kể từ ngày ký": its own date)."""
    m = _EFFECTIVE_RE.search(re.sub(r"[\s*]+", "", text))
    if not m:
        return None
    if m["signed"]:
        return issued
    return _date(m["d"], m["m"], m["y"])


def adoption_date(text: str) -> dt.date | None:
    """The date a law or resolution was adopted ("… thông qua ngày 12 tháng 6 năm 2018")."""
    flat = " ".join(re.sub(r"\*+", "", text).split())
    m = ADOPTED_RE.search(flat)
    return _date(m["d"], m["m"], m["y"]) if m else None


def distribution(lines: Sequence[Line]) -> tuple[str, ...]:
    """The "Nơi nhận:" list: "- Như trên;", "- Lưu: VT, NC." (one a line or run together)."""
    at = next((i for i, ln in enumerate(lines) if re.match(r"^Nơi nhận\s*:?", ln.clean)), None)
    if at is None:
        return ()
    out: list[str] = []
    first = re.sub(r"^Nơi nhận\s*:?\s*", "", lines[at].clean)
    for line in [first, *(ln.clean for ln in lines[at + 1 : at + 60])]:
        if not line or set(line) <= {"|", " "}:
            if out and line.startswith("|"):
                break  # the cell ends: the signature block follows
            continue
        if not re.match(r"^[-–+•]", line):
            if out:
                break
            continue
        for item in re.split(r"\s*;\s*(?=[-–+•]\s)", line):
            item = re.sub(r"^[-–+•]\s*", "", item).strip(" ;,.")
            if item:
                out.append(item)
    return tuple(out)
